"""What the newsletter admin tests (tests/newsletter/test_admin_*.py) share: the demo's list
names and an embargoed national issue's words, the admin's URLs, times as the schedule form takes
them, a recorder of the tasks the admin enqueues, and snapshots of the rows a refused request
must leave alone.

Tasks are never run by those tests: `enqueue_on_commit` calls `<task>.delay` once the
transaction commits, so each test captures the on-commit callbacks, runs them, and counts the
calls on a patched `delay` (``Enqueued``; the ``enqueued`` fixture in conftest.py).
"""

import datetime
from unittest import mock

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from chapters.models import Chapter
from chapters.provisioning import provision_chapter
from newsletter import tasks
from newsletter.models import (
    ConsentRecord,
    Delivery,
    NewsletterIndexPage,
    NewsletterIssuePage,
    NewsletterList,
    Send,
    Subscriber,
    Subscription,
)
from sites.models import NavigationItem
from tests.helpers import body as text

EMBARGO_TITLE = "Embargoed: the spring relaunch issue"
EMBARGO_SUBJECT = "Embargoed subject: the minister joins the coalition"
EMBARGO_WORDS = "Not for release: the relaunch date is the 14th of March"
COVENTRY_LIST = "Connecting for Good Coventry"
NATIONAL_LIST = "Connection Coalition news"


# --- an issue's send page -------------------------------------------------------------------


def send_url(page) -> str:
    return reverse("newsletter_admin:send", args=[page.pk])


def progress_url(page) -> str:
    return reverse("newsletter_admin:progress", args=[page.pk])


def future(hours=24) -> str:
    return timezone.localtime(timezone.now() + datetime.timedelta(hours=hours)).strftime(
        "%Y-%m-%d %H:%M"
    )


def past(hours=2) -> str:
    return timezone.localtime(timezone.now() - datetime.timedelta(hours=hours)).strftime(
        "%Y-%m-%d %H:%M"
    )


class Enqueued:
    """The newsletter tasks' delay() calls made by on-commit callbacks."""

    def __init__(self):
        self.patches = {
            name: mock.patch.object(getattr(tasks, name), "delay")
            for name in ("start_send", "send_test", "resume_send")
        }
        self.calls = {}

    def __enter__(self):
        self.calls = {name: patch.start() for name, patch in self.patches.items()}
        return self

    def __exit__(self, *exc):
        for patch in self.patches.values():
            patch.stop()

    def count(self, name=None) -> int:
        if name:
            return self.calls[name].call_count
        return sum(call.call_count for call in self.calls.values())


def newsletter_index(home) -> NewsletterIndexPage:
    return NewsletterIndexPage.objects.child_of(home).get()


def add_issue_under(home, title, subject, words, *, live=False) -> NewsletterIssuePage:
    """An issue under `home`'s /newsletter/ page, saved as a revision (published if `live`)."""
    index = newsletter_index(home)
    issue = NewsletterIssuePage(
        title=title,
        subject=subject,
        live=False,
        body=[{"type": "paragraph", "value": f"<p>{words}</p>"}],
    )
    index.add_child(instance=issue)
    revision = issue.save_revision()
    if live:
        revision.publish()
    return NewsletterIssuePage.objects.get(pk=issue.pk)


def state() -> dict:
    return {
        "sends": list(Send.objects.order_by("pk").values_list("pk", "status", "scheduled_for")),
        "deliveries": Delivery.objects.count(),
        "issues": list(
            NewsletterIssuePage.objects.order_by("pk").values_list("pk", "live", "title")
        ),
    }


def _send_with_deliveries(issue, statuses: dict[str, int]) -> Send:
    newsletter_list = NewsletterList.objects.get(name=COVENTRY_LIST)
    send = Send.objects.create(
        issue=issue, newsletter_list=newsletter_list, status=Send.Status.SENDING
    )
    subscriber_n = 0
    for status, count in statuses.items():
        for _ in range(count):
            subscriber_n += 1
            subscriber = Subscriber.objects.create(email=f"reader{subscriber_n}@example.org")
            subscription = Subscription.objects.create(
                subscriber=subscriber,
                newsletter_list=newsletter_list,
                status=Subscription.Status.CONFIRMED,
            )
            Delivery.objects.create(
                send=send, subscription=subscription, email=subscriber.email, status=status
            )
    return send


# --- a list's subscribers -------------------------------------------------------------------


def _subscribers_url(newsletter_list) -> str:
    return reverse("newsletter_admin:subscribers", args=[newsletter_list.pk])


def _subscription(email: str, list_name: str) -> Subscription:
    return Subscription.objects.get(subscriber__email=email, newsletter_list__name=list_name)


# --- a list's settings and the lists overview -----------------------------------------------


def _edit_url(newsletter_list) -> str:
    return reverse("newsletter_admin:edit_list", args=[newsletter_list.pk])


def _list_settings() -> list:
    return list(
        NewsletterList.objects.order_by("pk").values_list(
            "pk", "name", "from_name", "reply_to", "consent_wording", "consent_version"
        )
    )


def _settings_of(newsletter_list, **changes) -> dict:
    data = {
        "name": newsletter_list.name,
        "from_name": newsletter_list.from_name,
        "reply_to": newsletter_list.reply_to,
        "consent_wording": newsletter_list.consent_wording,
    }
    data.update(changes)
    return data


def _signup_page(host) -> str:
    response = Client().get("/newsletter/", HTTP_HOST=host)
    assert response.status_code == 200
    return text(response)


def _grow_network_with_sends_to(chapters: int) -> None:
    """Chapters up to `chapters`, each with its list and one sent issue."""
    for number in range(Chapter.objects.count(), chapters):
        provision_chapter(f"town-{number}", f"Town {number}", f"town-{number}.localhost")
        site = Chapter.objects.select_related("site").get(slug=f"town-{number}").site
        issue = NewsletterIssuePage(title=f"Town {number} news", subject="News")
        newsletter_index(site.root_page).add_child(instance=issue)
        Send.objects.create(
            issue=issue,
            newsletter_list=NewsletterList.objects.get(site=site),
            status=Send.Status.SENT,
        )


def _overview_queries(client) -> tuple[int, int]:
    """(queries, lists shown) of a warm request for the overview."""
    url = reverse("newsletter_admin:index")
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), text(response).count('<section class="w-mb-12"')


# --- the demo -------------------------------------------------------------------------------


def _demo_counts() -> dict:
    return {
        "lists": NewsletterList.objects.count(),
        "subscribers": Subscriber.objects.count(),
        "subscriptions": Subscription.objects.count(),
        "consent_records": ConsentRecord.objects.count(),
        "issues": NewsletterIssuePage.objects.count(),
        "index_pages": NewsletterIndexPage.objects.count(),
        "sends": Send.objects.count(),
        "deliveries": Delivery.objects.count(),
        "nav_items": NavigationItem.objects.count(),
        "pages": Page.objects.count(),
    }
