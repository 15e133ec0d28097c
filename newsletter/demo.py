"""The demo's newsletters: a list per site with a few confirmed subscribers (and their consent
records), a draft Coventry issue ready to send, and a national issue already sent.

Called by cms.demo.builders.build_demo. Like the other builders, every step looks for what is
there first, so running it twice changes nothing and never overwrites an editor's work. The
sent national issue is recorded directly (a Send and its delivered rows), not by sending.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, Site

from sites.models import SiteSettings

from .blocks import NewsLinksBlock
from .models import (
    ConsentRecord,
    Delivery,
    NewsletterIndexPage,
    NewsletterIssuePage,
    NewsletterList,
    Send,
    Subscriber,
    Subscription,
)

NATIONAL_LIST = "Connection Coalition news"
NATIONAL_FROM = "Connection Coalition"
COVENTRY_LIST = "Connecting for Good Coventry"
COVENTRY_FROM = "Connecting for Good Coventry"
INDEX_INTRO = (
    "<p>Receive our latest news: stories of connection from across the network, campaigns and "
    "ways to get involved, a few times a year.</p>"
)

DEMO_POSTAL_ADDRESS = (
    "%(name)s\n(Example for the demo: put the postal address where people can write to you "
    "in Settings → Site settings → Footer.)"
)

# (email, name, language); example.org addresses never reach anyone.
NATIONAL_SUBSCRIBERS = [
    ("amira.khan@example.org", "Amira Khan", "en"),
    ("gareth.jones@example.org", "Gareth Jones", "cy"),
    ("sam.taylor@example.org", "Sam Taylor", "en"),
]
COVENTRY_SUBSCRIBERS = [
    ("priya.patel@example.org", "Priya Patel", "en"),
    ("tom.walsh@example.org", "Tom Walsh", "en"),
    ("sam.taylor@example.org", "Sam Taylor", "en"),  # on both lists: one person, two consents
]

COVENTRY_ISSUE_SLUG = "spring-update"
COVENTRY_ISSUE_TITLE = "Receive our latest news: spring update"
NATIONAL_ISSUE_SLUG = "winter-round-up"
NATIONAL_ISSUE_TITLE = "Community Makes Us: our winter round-up"
NATIONAL_SENT_AT = datetime.datetime(2025, 1, 15, 9, 30, tzinfo=datetime.UTC)


@dataclass
class DemoNewsletters:
    national_index: NewsletterIndexPage
    coventry_index: NewsletterIndexPage
    national_list: NewsletterList
    coventry_list: NewsletterList
    coventry_issue: NewsletterIssuePage
    national_issue: NewsletterIssuePage
    data_team: Group


# --- pieces ---------------------------------------------------------------------------------


def ensure_index(home: Page) -> NewsletterIndexPage:
    """/newsletter/ under a home (chapters get theirs from provisioning already)."""
    existing = NewsletterIndexPage.objects.child_of(home).first()
    if existing is not None:
        return existing
    index = NewsletterIndexPage(
        title="Newsletter", slug="newsletter", intro=INDEX_INTRO, locale=home.locale
    )
    home.add_child(instance=index)
    index.save_revision().publish()
    return index


def ensure_list(site: Site, name: str, from_name: str) -> NewsletterList:
    newsletter_list, _ = NewsletterList.objects.get_or_create(
        site=site, defaults={"name": name, "from_name": from_name}
    )
    changed = []
    if not newsletter_list.from_name:
        newsletter_list.from_name = from_name
        changed.append("from_name")
    site_settings = SiteSettings.for_site(site)
    if not site_settings.postal_address:
        # The seeds give no postal address: the demo says plainly that this one is an example.
        site_settings.postal_address = DEMO_POSTAL_ADDRESS % {"name": from_name}
        site_settings.save(update_fields=["postal_address"])
    contact = site_settings.contact_email
    if not newsletter_list.reply_to and contact:
        newsletter_list.reply_to = contact
        changed.append("reply_to")
    if changed:
        newsletter_list.save(update_fields=changed)
    return newsletter_list


def ensure_subscribers(
    newsletter_list: NewsletterList, people, source_url: str
) -> list[Subscription]:
    """Confirmed subscriptions, each with the two consent records the double opt-in leaves."""
    subscriptions = []
    for email, name, language in people:
        subscriber, _ = Subscriber.objects.get_or_create(
            email=email, defaults={"language": language}
        )
        now = timezone.now()
        subscription, created = Subscription.objects.get_or_create(
            subscriber=subscriber,
            newsletter_list=newsletter_list,
            defaults={
                "name": name,
                "status": Subscription.Status.CONFIRMED,
                "confirmation_sent_at": now,
                "confirmed_at": now,
            },
        )
        if created:
            for action in (ConsentRecord.Action.SUBSCRIBED, ConsentRecord.Action.CONFIRMED):
                ConsentRecord.objects.create(
                    subscription=subscription,
                    newsletter_list=newsletter_list,
                    action=action,
                    source_url=source_url,
                    wording_version=newsletter_list.consent_version,
                    wording=newsletter_list.consent_wording,
                )
        subscriptions.append(subscription)
    return subscriptions


def _issue(index: NewsletterIndexPage, slug: str, build) -> tuple[NewsletterIssuePage, bool]:
    existing = NewsletterIssuePage.objects.child_of(index).filter(slug=slug).first()
    if existing is not None:
        return existing, False
    issue = build()
    issue.slug = slug
    index.add_child(instance=issue)
    return issue, True


def _paragraph(html: str) -> dict:
    return {"type": "paragraph", "value": html}


def _stories_block(heading: str, stories) -> dict:
    return {
        "type": "featured_stories",
        "value": {
            "heading": heading,
            "mode": "chosen",
            "stories": [story.pk for story in stories],
            "theme": None,
            "count": 3,
        },
    }


def _news_links(links: list[dict]) -> dict:
    block = NewsLinksBlock()  # its prep value: list items as wagtail-localize translates them
    value = block.get_prep_value(block.to_python({"heading": "News", "links": links}))
    return {"type": "news_links", "value": value}


def _cta(label: str, page: Page | None) -> dict:
    return {
        "type": "call_to_action",
        "value": {"label": label, "page": page.pk if page else None, "url": "", "style": "primary"},
    }


def _page_at(home: Page, *slugs: str) -> Page | None:
    page = home
    for slug in slugs:
        page = page.get_children().filter(slug=slug).first() if page else None
    return page


# --- the two issues -------------------------------------------------------------------------


def build_coventry_issue(index: NewsletterIndexPage, stories) -> NewsletterIssuePage:
    """A draft, never published: the editor previews it, sends a test, then sends it."""
    home = index.get_parent()
    news = _page_at(home, "news")
    volunteer = _page_at(home, "get-involved", "volunteer")
    national_article = (
        Page.objects.filter(slug="uk-organisations-collaborate-to-foster-social-connections")
        .live()
        .first()
    )
    links = []
    if national_article is not None:
        links.append(
            {
                "page": national_article.pk,
                "url": "",
                "title": "",
                "summary": "Organisations across the UK are joining forces to tackle loneliness.",
            }
        )
    if news is not None:
        links.append(
            {
                "page": news.pk,
                "url": "",
                "title": "More news from Connecting for Good",
                "summary": "What is happening in our chapter this spring.",
            }
        )

    def build():
        return NewsletterIssuePage(
            title=COVENTRY_ISSUE_TITLE,
            subject="Spring in Coventry: stories, news and a chance to help",
            preheader="Rose's story, coalition news and how to volunteer this spring.",
            live=False,
            locale=index.locale,
            body=[
                _paragraph(
                    "<p>Hello from Connecting for Good! Spring is here, and so are new ways to "
                    "meet your neighbours. Here is what has been happening in Coventry and "
                    "across the Connection Coalition.</p>"
                ),
                _stories_block("Stories of connection", stories),
                _news_links(links),
                _cta("Volunteer your time, passions and skills", volunteer),
            ],
        )

    issue, created = _issue(index, COVENTRY_ISSUE_SLUG, build)
    if created:
        issue.save_revision()
    return issue


def _national_issue(index: NewsletterIndexPage, stories) -> NewsletterIssuePage:
    """The national issue's page, made unsaved: a thank-you, stories, news and the campaign."""
    home = index.get_parent()
    campaign = _page_at(home, "community-makes-us")
    news = _page_at(home, "news")
    links = (
        [
            {
                "page": news.pk,
                "url": "",
                "title": "News from across the coalition",
                "summary": "Members, chapters and partners on what they have been doing.",
            }
        ]
        if news
        else []
    )
    return NewsletterIssuePage(
        title=NATIONAL_ISSUE_TITLE,
        subject="Community Makes Us: our winter round-up",
        preheader="Stories from Bristol, London and beyond, and how to share the campaign.",
        locale=index.locale,
        body=[
            _paragraph(
                "<p>Thank you for being part of the Connection Coalition. This winter, "
                "members across the UK kept people connected: here are some of their "
                "stories.</p>"
            ),
            _stories_block("Community Stories", stories),
            *([_news_links(links)] if links else []),
            _cta("Share the Community Makes Us campaign", campaign),
        ],
    )


def _record_national_send(issue: NewsletterIssuePage, newsletter_list, sent_by) -> None:
    """The record of the issue having gone out: a sent Send and one delivered row per
    confirmed subscriber of the list (made once)."""
    send, created = Send.objects.get_or_create(
        issue=issue,
        defaults={
            "newsletter_list": newsletter_list,
            "status": Send.Status.SENT,
            "requested_by": sent_by,
            "started_at": NATIONAL_SENT_AT,
            "finished_at": NATIONAL_SENT_AT + datetime.timedelta(minutes=2),
        },
    )
    if not created:
        return
    subscriptions = Subscription.objects.filter(
        newsletter_list=newsletter_list, status=Subscription.Status.CONFIRMED
    ).select_related("subscriber")
    Delivery.objects.bulk_create(
        [
            Delivery(
                send=send,
                subscription=subscription,
                email=subscription.subscriber.email,
                language=subscription.subscriber.language,
                status=Delivery.Status.SENT,
                attempts=1,
                sent_at=NATIONAL_SENT_AT + datetime.timedelta(seconds=10),
            )
            for subscription in subscriptions
        ]
    )
    send.recipients = len(subscriptions)
    send.save(update_fields=["recipients"])


def build_national_issue(
    index: NewsletterIndexPage, newsletter_list: NewsletterList, stories, sent_by=None
) -> NewsletterIssuePage:
    """A live issue in the national archive, with the record of having been sent to the
    national subscribers (a Send and one delivered row each)."""
    issue, created = _issue(index, NATIONAL_ISSUE_SLUG, lambda: _national_issue(index, stories))
    if created:
        revision = issue.save_revision()
        revision.publish()
        NewsletterIssuePage.objects.filter(pk=issue.pk).update(
            first_published_at=NATIONAL_SENT_AT, last_published_at=NATIONAL_SENT_AT
        )
        issue.refresh_from_db()
    _record_national_send(issue, newsletter_list, sent_by)
    return issue


# --- permissions ----------------------------------------------------------------------------


def grant_network_overview(group: Group) -> None:
    """The national team sees every list's numbers (chapters see their own site's, through
    their page permissions; see newsletter.admin.permissions)."""
    group.permissions.add(
        Permission.objects.get(content_type__app_label="newsletter", codename="view_newsletterlist")
    )


DATA_TEAM = "National data team"


def data_team_group() -> Group:
    """Who may erase a person from every list (and see the erasure log); also sees every list's
    numbers, to find their way from the Newsletters overview."""
    group, _ = Group.objects.get_or_create(name=DATA_TEAM)
    grant_network_overview(group)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        Permission.objects.get(
            content_type__app_label="newsletter", codename="erase_subscriber_everywhere"
        ),
    )
    return group


# --- everything -----------------------------------------------------------------------------


@transaction.atomic
def build_newsletters(
    national_site: Site, coventry_site: Site, stories: dict, national_editors: Group
) -> DemoNewsletters:
    national_index = ensure_index(national_site.root_page)
    coventry_index = ensure_index(coventry_site.root_page)
    national_list = ensure_list(national_site, NATIONAL_LIST, NATIONAL_FROM)
    coventry_list = ensure_list(coventry_site, COVENTRY_LIST, COVENTRY_FROM)
    ensure_subscribers(national_list, NATIONAL_SUBSCRIBERS, national_index.full_url or "")
    ensure_subscribers(coventry_list, COVENTRY_SUBSCRIBERS, coventry_index.full_url or "")
    grant_network_overview(national_editors)

    coventry_issue = build_coventry_issue(
        coventry_index, [stories["rose-coventry"], stories["orla-and-jean"]]
    )
    national_issue = build_national_issue(
        national_index,
        national_list,
        [stories["this-mum-runs"], stories["zak-qpg-hub"]],
        sent_by=national_editors.user_set.order_by("pk").first(),
    )
    return DemoNewsletters(
        national_index=national_index,
        coventry_index=coventry_index,
        national_list=national_list,
        coventry_list=coventry_list,
        coventry_issue=coventry_issue,
        national_issue=national_issue,
        data_team=data_team_group(),
    )
