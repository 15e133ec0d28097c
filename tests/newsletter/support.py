"""A newsletter made from nothing, for tests that cannot lean on the demo network.

- ``build_newsletter`` / ``add_subscribers`` / ``add_issue``: a site of its own, its home,
  /newsletter/, an issue, a list and subscribers in bulk. Worker tests run in transactional
  tests, which flush the database after each test, so they cannot lean on the session's demo
  network: this builds even the root page and locale if missing.
- ``form_inputs``: the fields a browser would post from a page's form, untouched.

The browser tests (tests/e2e) grow the demo's list with ``add_subscribers`` too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.utils import timezone
from wagtail.models import Collection, Locale, Page, Site

from cms.core.models import ChapterHomePage
from newsletter.models import (
    NewsletterIndexPage,
    NewsletterIssuePage,
    NewsletterList,
    Subscriber,
    Subscription,
)

# --- data -----------------------------------------------------------------------------------


@dataclass
class Newsletter:
    site: Site
    home: Page
    index: NewsletterIndexPage
    newsletter_list: NewsletterList
    issues: list[NewsletterIssuePage] = field(default_factory=list)

    @property
    def issue(self) -> NewsletterIssuePage:
        return self.issues[0]


def default_body(home: Page) -> list[dict]:
    return [
        {"type": "heading", "value": {"text": "What we did this month", "level": "h2"}},
        {
            "type": "paragraph",
            "value": (
                "<p>Neighbours met at the <b>library</b>. "
                '<a href="/about/">Read about us</a> or '
                '<a href="https://example.org/report">the full report</a>.</p>'
                "<ul><li>Tea mornings</li><li>Walks</li></ul>"
            ),
        },
        {
            "type": "call_to_action",
            "value": {"label": "Visit our site", "page": home.pk, "url": "", "style": "primary"},
        },
        {
            "type": "news_links",
            "value": {
                "heading": "In the news",
                "links": [
                    {
                        "page": None,
                        "url": "https://example.org/news/1",
                        "title": "A kinder city",
                        "summary": "How Coventry got talking.",
                    }
                ],
            },
        },
    ]


def _root_page() -> Page:
    """The tree's root, made again if a transactional test's flush removed it."""
    locale = Locale.objects.filter(language_code="en").first() or Locale.objects.create(
        language_code="en"
    )
    Locale.objects.get_or_create(language_code="cy")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    return root


def _publish(page: Page) -> Page:
    page.save_revision().publish()
    return page


def build_newsletter(
    hostname: str = "news.example.test",
    *,
    name: str = "Connecting News",
    from_name: str = "Connecting for Good",
    reply_to: str = "editor@news.example.test",
    body: list[dict] | None = None,
) -> Newsletter:
    """A site of its own (port 443: its links are https, as in production) with a home page,
    /newsletter/, one published issue and an empty list."""
    root = _root_page()
    home = ChapterHomePage(title=f"{name} home", slug=hostname.replace(".", "-"))
    root.add_child(instance=home)
    _publish(home)
    site = Site.objects.create(
        hostname=hostname,
        port=443,
        root_page=home,
        site_name=name,
        is_default_site=not Site.objects.filter(is_default_site=True).exists(),
    )
    index = NewsletterIndexPage(title="Newsletter", slug="newsletter")
    home.add_child(instance=index)
    _publish(index)
    newsletter_list = NewsletterList.objects.create(
        site=site, name=name, from_name=from_name, reply_to=reply_to
    )
    newsletter = Newsletter(site, home, index, newsletter_list)
    add_issue(newsletter, "June news", body=body)
    return newsletter


def add_issue(
    newsletter: Newsletter, title: str, *, body: list[dict] | None = None, publish: bool = True
) -> NewsletterIssuePage:
    issue = NewsletterIssuePage(
        title=title,
        slug=title.lower().replace(" ", "-"),
        subject=f"{title}: neighbours, walks and tea",
        preheader="Three things to do this month",
        body=body if body is not None else default_body(newsletter.home),
        live=False,
    )
    newsletter.index.add_child(instance=issue)
    if publish:
        _publish(issue)
        issue.refresh_from_db()
    newsletter.issues.append(issue)
    return issue


def address(prefix: str, number: int) -> str:
    return f"{prefix}{number:05d}@mail.example.test"


def add_subscribers(
    newsletter_list: NewsletterList,
    count: int,
    *,
    prefix: str = "reader",
    status: str = Subscription.Status.CONFIRMED,
    language: str = "en",
    start: int = 0,
) -> list[Subscription]:
    """`count` people subscribed to the list, inserted in bulk. Pending ones have had their
    confirmation email already (so a worker's confirmation sweep leaves them alone)."""
    names = {address(prefix, number): f"Reader {number}" for number in range(start, start + count)}
    subscribers = Subscriber.objects.bulk_create(
        [Subscriber(email=email, language=language) for email in names],
        batch_size=2000,
    )
    if any(subscriber.pk is None for subscriber in subscribers):  # a backend without RETURNING
        emails = [subscriber.email for subscriber in subscribers]
        subscribers = list(Subscriber.objects.filter(email__in=emails).order_by("email"))
    return Subscription.objects.bulk_create(
        [
            Subscription(
                subscriber=subscriber,
                newsletter_list=newsletter_list,
                name=names[subscriber.email],
                status=status,
                confirmation_sent_at=timezone.now()
                if status == Subscription.Status.PENDING
                else None,
            )
            for subscriber in subscribers
        ],
        batch_size=2000,
    )


# --- forms ----------------------------------------------------------------------------------


class _FormInputs(HTMLParser):
    """The named inputs of the first form whose action ends with `action`, as a browser would
    submit them untouched (checkboxes, radios and selects are for the test to fill)."""

    def __init__(self, action: str):
        super().__init__()
        self.action, self.inside, self.done, self.values = action, False, False, {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if (
            tag == "form"
            and not self.done
            and (attributes.get("action") or "").endswith(self.action)
        ):
            self.inside = True
        elif (
            tag == "input"
            and self.inside
            and attributes.get("name")
            and attributes.get("type") not in ("checkbox", "radio", "submit")
        ):
            self.values[attributes["name"]] = attributes.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside, self.done = False, True


def form_inputs(html: str, action: str) -> dict[str, str]:
    parser = _FormInputs(action)
    parser.feed(html)
    assert parser.done, f"no form posting to {action} in the page"
    return parser.values
