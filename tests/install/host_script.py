"""Run by the host project's own Python (tests/install/test_wagtail_start.py), in the folder
of a project made by `wagtail start` with our wheel installed and the README's section applied:
what a charity's editor and a resident would do, through Django's test client. Prints one
line per step; any failed check raises (exit status 1)."""

import os
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"{sys.argv[1]}.settings.dev")
sys.path.insert(0, os.getcwd())

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core import mail  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings, setup_test_environment  # noqa: E402
from wagtail.models import Site  # noqa: E402

from cms.core.models import DeferredTask  # noqa: E402
from cms.stories.models import Story, StoryIndexPage  # noqa: E402
from newsletter.admin.services import request_send  # noqa: E402
from newsletter.models import (  # noqa: E402
    NewsletterIndexPage,
    NewsletterIssuePage,
    NewsletterList,
    Send,
    Subscription,
)


class FormInputs(HTMLParser):
    """The named inputs of the first form whose action contains `action`."""

    def __init__(self, action: str):
        super().__init__()
        self.action, self.inside, self.values = action, False, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self.action in (attrs.get("action") or ""):
            self.inside = True
        elif self.inside and tag in ("input", "select") and attrs.get("name"):
            self.values.setdefault(attrs["name"], attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def form_inputs(html: str, action: str) -> dict:
    parser = FormInputs(action)
    parser.feed(html)
    assert parser.values, f"no form posting to {action}"
    return parser.values


def check(response, status=200, contains=()):
    body = response.content.decode()
    assert response.status_code == status, (response.status_code, body[:2000])
    for text in contains:
        assert text in body, f"{text!r} not in {response.request['PATH_INFO']}"
    print("ok", response.request["PATH_INFO"], response.status_code)
    return body


def main() -> None:
    setup_test_environment()  # mail to django.core.mail.outbox
    site = Site.objects.get(is_default_site=True)
    home = site.root_page.specific
    assert home._meta.label == "home.HomePage", home._meta.label  # the host's own home page
    client = Client(HTTP_HOST=site.hostname)
    check(client.get("/"), contains=["Welcome to your new Wagtail site"])
    check(client.get("/about/"), contains=["About the charity"])  # made before ours came
    assert get_user_model().objects.filter(username="their-editor").exists()
    assert not site.site_name  # wagtail start's site has no name: ours go by WAGTAIL_SITE_NAME

    # The editor: a list, a story index and a newsletter page under the host's home, a story.
    newsletter_list = NewsletterList.objects.create(site=site, name="Hostsite news")
    assert StoryIndexPage.can_create_at(home) and NewsletterIndexPage.can_create_at(home)
    home.add_child(instance=StoryIndexPage(title="Stories", slug="stories"))
    newsletter_page = home.add_child(instance=NewsletterIndexPage(title="Newsletter", slug="news"))
    story = Story(
        title="Ada's allotment",
        slug="adas-allotment",
        site=site,
        quote="The allotment is where I found my neighbours.",
        person_name="Ada",
        locale=home.locale,
    )
    story.save()
    story.save_revision().publish()

    check(client.get("/stories/"), contains=["Ada&#x27;s allotment"])
    check(
        client.get("/stories/adas-allotment/"),
        contains=["Ada&#x27;s allotment", "The allotment is where I found my neighbours."],
    )
    # The host names another base template for our pages (README: NETWORK_BASE_TEMPLATE).
    templates = settings.TEMPLATES[0]["DIRS"][0]
    Path(templates, "charity_base.html").write_text(
        "<main class=charity-frame>{% block content %}{% endblock %}</main>"
    )
    with override_settings(NETWORK_BASE_TEMPLATE="charity_base.html"):
        body = check(client.get("/stories/adas-allotment/"), contains=["charity-frame"])
    assert "Ada&#x27;s allotment" in body and "hostsite.css" not in body

    # A resident shares a story: a draft for the editors, and a thank-you by email; the page
    # that thanks them is the host's own (its templates/ overrides ours).
    Path(templates, "stories").mkdir()
    Path(templates, "stories", "share_thanks.html").write_text("Thank you, from the charity")
    share = check(client.get("/stories/share/"), contains=["<form"])
    data = form_inputs(share, "/stories/share/")
    data.update(
        name="Bea",
        email="bea@example.org",
        town="Hostsville",
        story="The choir got me out of the house again.",
        consent="on",
    )
    with override_settings(ANTISPAM_MIN_SECONDS=0):
        check(
            client.post("/stories/share/", data, follow=True),
            contains=["Thank you, from the charity"],
        )
    shared = Story.objects.get(submitter_email="bea@example.org")
    assert not shared.live and shared.site == site, (shared.live, shared.site)
    assert ["bea@example.org"] in [message.to for message in mail.outbox], mail.outbox
    mail.outbox.clear()

    # A resident subscribes on the newsletter page and confirms from the emailed link.
    page = check(client.get("/news/"), contains=["<form", "hostsite.css"])
    data = form_inputs(page, "/subscriptions/subscribe/")
    data.update(email="resident@example.org", consent="on")
    with override_settings(ANTISPAM_MIN_SECONDS=0):
        check(client.post("/subscriptions/subscribe/", data, follow=True))
    assert len(mail.outbox) == 1, [message.subject for message in mail.outbox]
    link = re.search(r"https?://[^/\s]+(/subscriptions/confirm/[^\s]+/)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    confirm_page = check(client.get(link[1]), contains=["<form"])
    check(client.post(link[1], form_inputs(confirm_page, link[1]), follow=True))
    subscription = Subscription.objects.get(newsletter_list=newsletter_list)
    assert subscription.status == Subscription.Status.CONFIRMED, subscription.status
    # The mail went through Django's task framework (no Celery here): nothing was kept back.
    assert not DeferredTask.objects.exists(), list(DeferredTask.objects.values("task"))
    print("ok confirmed", subscription.subscriber.email)

    # The host's superuser finds them in its admin: the stories, the list and its subscriber.
    admin = get_user_model().objects.create_superuser("admin", "admin@example.org", "x")
    client.force_login(admin)
    check(client.get("/admin/snippets/stories/story/"), contains=["Ada&#x27;s allotment"])
    check(client.get("/admin/newsletter/"), contains=["Hostsite news"])
    check(client.get(f"/admin/pages/{home.pk}/"), contains=["Stories", "Newsletter"])
    client.logout()

    # The editor sends an issue: with no Celery here, Django's task framework sends it.
    issue = NewsletterIssuePage(
        title="Spring news",
        subject="Spring news from the allotments",
        body=[{"type": "paragraph", "value": "<p>Seed swap on Saturday.</p>"}],
        live=False,
    )
    newsletter_page.add_child(instance=issue)
    issue.save_revision().publish()
    mail.outbox.clear()
    request_send(issue, admin)
    sent = [message for message in mail.outbox if message.to == ["resident@example.org"]]
    assert [message.subject for message in sent] == ["Spring news from the allotments"], sent
    assert "Seed swap on Saturday." in sent[0].body
    assert Send.objects.get(issue=issue).status == Send.Status.SENT
    print("ok issue sent to", sent[0].to[0])

    # Bad input: the form again with its errors, never a 500; past the rate limit (10 posts
    # from one client in 10 minutes), the 429 page, in the host's own base template.
    for _attempt in range(9):
        check(
            client.post("/subscriptions/subscribe/", {}),
            contains=["Enter your email address.", "News from hostsite by email"],
        )
    check(
        client.post("/subscriptions/subscribe/", {}),
        status=429,
        contains=["Too many attempts", "css/hostsite.css"],
    )


if __name__ == "__main__":
    main()
