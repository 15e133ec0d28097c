"""Newsletters in the admin: an editor sends their own site's issues only, once, and watches
them go; each list's numbers and subscribers are shown to those who may see that list.

`coventry-editor` is refused on every view and every POST action of a national issue (a draft
with embargoed words, and the sent demo issue): Wagtail's own refusal (302 -> the dashboard,
"Sorry, you do not have permission to access this area."), none of the issue's words in the
response or on the page it leads to, nothing created and nothing enqueued. Positive controls:
the same requests work for `coventry-editor` on Coventry's issue and for `national-editor` on
the national one.

Tasks are never run here: `enqueue_on_commit` calls `<task>.delay` once the transaction
commits, so each test captures the on-commit callbacks, runs them, and counts the calls on a
patched `delay`.
"""

import datetime
import json
from email.utils import parseaddr
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from chapters.models import Chapter
from chapters.provisioning import provision_chapter
from newsletter import tasks
from newsletter.admin import permissions, services
from newsletter.demo import COVENTRY_ISSUE_SLUG, NATIONAL_ISSUE_SLUG
from newsletter.models import (
    ConsentRecord,
    Delivery,
    NewsletterIndexPage,
    NewsletterIssuePage,
    NewsletterList,
    Send,
    Subscriber,
    Subscription,
    Suppression,
    email_hash,
)
from sites.models import NavigationItem
from tests.helpers import assert_refused, logged_in
from tests.helpers import body as text

EMBARGO_TITLE = "Embargoed: the spring relaunch issue"
EMBARGO_SUBJECT = "Embargoed subject: the minister joins the coalition"
EMBARGO_WORDS = "Not for release: the relaunch date is the 14th of March"
COVENTRY_LIST = "Connecting for Good Coventry"
NATIONAL_LIST = "Connection Coalition news"


# --- helpers ------------------------------------------------------------------------------


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


POST_ACTIONS = {
    "test": {"action": "test"},
    "send_now": {"action": "send_now"},
    "schedule": {"action": "schedule", "scheduled_for": future()},
    "cancel": {"action": "cancel"},
    "resume": {"action": "resume"},
}


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


@pytest.fixture
def enqueued():
    with Enqueued() as recorder:
        yield recorder


def newsletter_index(home) -> NewsletterIndexPage:
    return NewsletterIndexPage.objects.child_of(home).get()


def add_issue(home, title, subject, words, *, live=False) -> NewsletterIssuePage:
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


@pytest.fixture
def coventry_issue(network) -> NewsletterIssuePage:
    """The demo's draft: ready to send."""
    return NewsletterIssuePage.objects.get(slug=COVENTRY_ISSUE_SLUG)


@pytest.fixture
def national_draft(network) -> NewsletterIssuePage:
    return add_issue(network.national_home, EMBARGO_TITLE, EMBARGO_SUBJECT, EMBARGO_WORDS)


@pytest.fixture
def national_sent(network) -> NewsletterIssuePage:
    return NewsletterIssuePage.objects.get(slug=NATIONAL_ISSUE_SLUG)


def state() -> dict:
    return {
        "sends": list(Send.objects.order_by("pk").values_list("pk", "status", "scheduled_for")),
        "deliveries": Delivery.objects.count(),
        "issues": list(
            NewsletterIssuePage.objects.order_by("pk").values_list("pk", "live", "title")
        ),
    }


# --- refusals -----------------------------------------------------------------------------


def test_coventry_editor_is_refused_every_view_and_action_on_a_national_issue(
    coventry_editor,
    national_editor,
    national_draft,
    national_sent,
    enqueued,
    django_capture_on_commit_callbacks,
):
    secrets = [EMBARGO_TITLE, EMBARGO_SUBJECT, EMBARGO_WORDS, national_sent.title, NATIONAL_LIST]
    # A paused national send, so "resume" has something to act on if the check were missing.
    Send.objects.filter(issue=national_sent).update(
        status=Send.Status.PAUSED, paused_reason="Embargoed pause reason"
    )
    secrets.append("Embargoed pause reason")
    before = state()
    client = logged_in(coventry_editor)
    with django_capture_on_commit_callbacks(execute=True):
        for issue in (national_draft, national_sent):
            assert_refused(client, client.get(send_url(issue)), secrets, f"GET send {issue.slug}")
            assert_refused(
                client, client.get(progress_url(issue)), secrets, f"GET progress {issue.slug}"
            )
            for name, data in POST_ACTIONS.items():
                response = client.post(send_url(issue), data)
                assert_refused(client, response, secrets, where=f"POST {name} on {issue.slug}")
    assert state() == before
    assert enqueued.count() == 0

    # Positive control: the national team reaches both.
    national = logged_in(national_editor)
    for issue in (national_draft, national_sent):
        response = national.get(send_url(issue))
        assert response.status_code == 200
        assert issue.title in text(response)


def test_a_page_that_is_not_an_issue_is_refused_alike(coventry_client, network):
    response = coventry_client.get(send_url(network.national_page("about")))
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
    own = coventry_client.get(send_url(network.coventry_page("about")))
    assert own.status_code == 404


def test_coventry_editor_reaches_their_own_issue(coventry_client, coventry_issue):
    response = coventry_client.get(send_url(coventry_issue))
    body = text(response)
    assert response.status_code == 200
    assert coventry_issue.subject in body
    assert COVENTRY_LIST in body
    assert "3 confirmed subscribers" in body
    assert 'value="send_now"' in body and 'value="schedule"' in body and 'value="test"' in body
    assert NATIONAL_LIST not in body


def test_the_issue_editor_links_to_its_send_page(coventry_client, coventry_issue, network):
    edit = coventry_client.get(reverse("wagtailadmin_pages:edit", args=[coventry_issue.pk]))
    assert edit.status_code == 200
    assert send_url(coventry_issue) in text(edit)
    listing = coventry_client.get(
        reverse("wagtailadmin_explore", args=[coventry_issue.get_parent().pk])
    )
    assert listing.status_code == 200
    assert send_url(coventry_issue) in text(listing)
    # Not on other page types.
    about = coventry_client.get(
        reverse("wagtailadmin_pages:edit", args=[network.coventry_page("about").pk])
    )
    assert "/admin/newsletter/send/" not in text(about)


# --- sending ------------------------------------------------------------------------------


def test_test_send_enqueues_one_message_to_the_editor(
    coventry_client, coventry_editor, coventry_issue, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = coventry_client.post(send_url(coventry_issue), {"action": "test"})
    assert response.status_code == 302
    enqueued.calls["send_test"].assert_called_once_with(coventry_issue.pk, coventry_editor.email)
    assert enqueued.count("start_send") == 0
    assert not Send.objects.filter(issue=coventry_issue).exists()


def test_send_now_twice_sends_once_and_publishes_the_issue(
    coventry_editor, superuser, coventry_issue, enqueued, django_capture_on_commit_callbacks
):
    assert not coventry_issue.live
    with django_capture_on_commit_callbacks(execute=True):
        first = logged_in(coventry_editor).post(send_url(coventry_issue), {"action": "send_now"})
        again = logged_in(coventry_editor).post(send_url(coventry_issue), {"action": "send_now"})
        other = logged_in(superuser).post(send_url(coventry_issue), {"action": "send_now"})
    assert first.status_code == again.status_code == other.status_code == 302
    send = Send.objects.get(issue=coventry_issue)
    assert Send.objects.filter(issue=coventry_issue).count() == 1
    assert send.status == Send.Status.QUEUED
    assert send.requested_by == coventry_editor
    assert send.newsletter_list == NewsletterList.objects.get(name=COVENTRY_LIST)
    enqueued.calls["start_send"].assert_called_once_with(send.pk)
    coventry_issue.refresh_from_db()
    assert coventry_issue.live and not coventry_issue.has_unpublished_changes


def test_two_editors_racing_get_one_send(
    coventry_editor, superuser, coventry_issue, enqueued, django_capture_on_commit_callbacks
):
    """The second editor's transaction looked before the first one's row existed, then tried
    to create it too: the unique key decides, and the loser changes nothing."""
    with django_capture_on_commit_callbacks(execute=True):
        first = services.request_send(coventry_issue, coventry_editor)
        real_get = type(Send.objects.all()).get
        calls = {"n": 0}

        def stale_first_get(queryset, *args, **kwargs):
            if queryset.model is Send:
                calls["n"] += 1
                if calls["n"] == 1:
                    raise Send.DoesNotExist
            return real_get(queryset, *args, **kwargs)

        with mock.patch.object(type(Send.objects.all()), "get", stale_first_get):
            second = services.request_send(coventry_issue, superuser)
    assert calls["n"] == 2  # missed, tried to create, met the unique key, read the winner's
    assert first.changed and not second.changed
    assert second.send.pk == first.send.pk
    assert Send.objects.filter(issue=coventry_issue).count() == 1
    assert enqueued.count("start_send") == 1


def test_schedule_in_the_past_is_refused_with_a_form_error(
    coventry_client, coventry_issue, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = coventry_client.post(
            send_url(coventry_issue), {"action": "schedule", "scheduled_for": past()}
        )
        garbage = coventry_client.post(
            send_url(coventry_issue), {"action": "schedule", "scheduled_for": "next tuesday"}
        )
    assert response.status_code == 400
    assert "Choose a time in the future." in text(response)
    assert garbage.status_code == 400
    assert not Send.objects.filter(issue=coventry_issue).exists()
    assert enqueued.count() == 0


def test_schedule_then_reschedule_send_now_or_cancel(
    coventry_client, coventry_issue, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        coventry_client.post(
            send_url(coventry_issue), {"action": "schedule", "scheduled_for": future(24)}
        )
        send = Send.objects.get(issue=coventry_issue)
        assert send.status == Send.Status.SCHEDULED
        assert send.scheduled_for > timezone.now() + datetime.timedelta(hours=23)
        assert enqueued.count() == 0  # beat picks it up when it is due

        coventry_client.post(
            send_url(coventry_issue), {"action": "schedule", "scheduled_for": future(48)}
        )
        send.refresh_from_db()
        assert send.scheduled_for > timezone.now() + datetime.timedelta(hours=47)

        page = coventry_client.get(send_url(coventry_issue))
        assert "Reschedule" in text(page) and 'value="cancel"' in text(page)

        coventry_client.post(send_url(coventry_issue), {"action": "cancel"})
        assert not Send.objects.filter(issue=coventry_issue).exists()

        coventry_client.post(
            send_url(coventry_issue), {"action": "schedule", "scheduled_for": future(24)}
        )
        coventry_client.post(send_url(coventry_issue), {"action": "send_now"})
        coventry_client.post(send_url(coventry_issue), {"action": "send_now"})
    send = Send.objects.get(issue=coventry_issue)
    assert send.status == Send.Status.QUEUED
    enqueued.calls["start_send"].assert_called_once_with(send.pk)


def test_a_started_send_cannot_be_cancelled_or_sent_again(
    coventry_client, coventry_issue, coventry_editor, enqueued, django_capture_on_commit_callbacks
):
    send = Send.objects.create(
        issue=coventry_issue,
        newsletter_list=NewsletterList.objects.get(name=COVENTRY_LIST),
        status=Send.Status.SENDING,
    )
    with django_capture_on_commit_callbacks(execute=True):
        for data in POST_ACTIONS.values():
            if data["action"] != "test":
                coventry_client.post(send_url(coventry_issue), data)
    send.refresh_from_db()
    assert send.status == Send.Status.SENDING
    assert enqueued.count() == 0


def test_odd_posts_change_nothing(coventry_client, coventry_issue, enqueued):
    url = send_url(coventry_issue)
    assert coventry_client.post(url, {"action": "delete_everything"}).status_code == 400
    for action in ("cancel", "resume"):
        assert coventry_client.post(url, {"action": action}).status_code == 302
    assert not Send.objects.filter(issue=coventry_issue).exists()
    assert enqueued.count() == 0


# --- progress -----------------------------------------------------------------------------


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


def test_progress_json_matches_the_delivery_rows(
    coventry_client, coventry_issue, django_assert_max_num_queries
):
    statuses = {"queued": 4, "claimed": 2, "sent": 7, "failed": 1, "skipped": 3}
    _send_with_deliveries(coventry_issue, statuses)
    response = coventry_client.get(progress_url(coventry_issue))
    assert response.status_code == 200
    data = response.json()
    for status in statuses:
        assert (
            data[status]
            == Delivery.objects.filter(status=status).filter(send__issue=coventry_issue).count()
        )
    assert data["total"] == 17
    assert data["remaining"] == 6
    assert data["done"] == 11
    assert data["status"] == "sending" and data["finished"] is False

    # The page itself shows the same numbers without JavaScript.
    page = text(coventry_client.get(send_url(coventry_issue)))
    assert '<progress id="newsletter-progress-bar" max="17" value="11">' in page
    assert '<td data-field="sent">7</td>' in page
    assert '<td data-field="remaining">6</td>' in page
    assert "js/newsletter_progress.js" in page

    # The counts are one query, however many rows.
    send = Send.objects.get(issue=coventry_issue)
    with django_assert_max_num_queries(1):
        services.send_progress(send)


def test_progress_without_a_send(coventry_client, coventry_issue):
    assert coventry_client.get(progress_url(coventry_issue)).json() == {"status": None}


def test_a_paused_send_shows_its_reason_and_resumes_once(
    coventry_client, coventry_issue, enqueued, django_capture_on_commit_callbacks
):
    send = _send_with_deliveries(coventry_issue, {"queued": 2, "sent": 1})
    reason = "The mail server refused our login (535 bad credentials)."
    Send.objects.filter(pk=send.pk).update(status=Send.Status.PAUSED, paused_reason=reason)
    page = text(coventry_client.get(send_url(coventry_issue)))
    assert reason in page and 'value="resume"' in page
    assert coventry_client.get(progress_url(coventry_issue)).json()["paused_reason"] == reason

    with django_capture_on_commit_callbacks(execute=True):
        coventry_client.post(send_url(coventry_issue), {"action": "resume"})
        coventry_client.post(send_url(coventry_issue), {"action": "resume"})
    send.refresh_from_db()
    assert send.status != Send.Status.PAUSED and send.paused_reason == ""
    assert enqueued.count() == 1


# --- the lists overview -------------------------------------------------------------------


def test_lists_overview_shows_a_chapter_editor_their_own_list_only(coventry_client):
    response = coventry_client.get(reverse("newsletter_admin:index"))
    body = text(response)
    assert response.status_code == 200
    assert COVENTRY_LIST in body
    assert NATIONAL_LIST not in body
    assert "Community Makes Us: our winter round-up" not in body  # the national send


def test_lists_overview_shows_the_national_team_every_list(national_client, national_sent):
    response = national_client.get(reverse("newsletter_admin:index"))
    body = text(response)
    assert response.status_code == 200
    assert COVENTRY_LIST in body and NATIONAL_LIST in body
    assert national_sent.title in body
    # The national send's totals: three subscribers, all sent.
    assert '<td data-count="confirmed">3</td>' in body


def test_the_menu_shows_newsletters_to_editors(coventry_client):
    home = text(coventry_client.get(reverse("wagtailadmin_home")))
    assert reverse("newsletter_admin:index") in home


def test_a_new_chapter_gets_its_newsletter_page_and_list(network):
    call_command(
        "create_chapter",
        "leeds",
        name="Leeds Connects",
        hostname="leeds.localhost",
        city="Leeds",
        stdout=mock.MagicMock(),
    )
    leeds = Chapter.objects.get(slug="leeds")
    page = NewsletterIndexPage.objects.child_of(leeds.site.root_page).get()
    assert page.slug == "newsletter" and page.live
    assert NewsletterList.objects.filter(site=leeds.site, name="Leeds Connects").exists()
    editor = get_user_model().objects.create(username="leeds-editor", email="l@example.org")
    editor.groups.add(leeds.editors_group)
    body = text(logged_in(editor).get(reverse("newsletter_admin:index")))
    assert "Leeds Connects" in body
    assert COVENTRY_LIST not in body and NATIONAL_LIST not in body


# --- subscribers: search, export, erase ---------------------------------------------------


def _subscribers_url(newsletter_list) -> str:
    return reverse("newsletter_admin:subscribers", args=[newsletter_list.pk])


def test_subscriber_search_finds_people_on_the_list_only(coventry_client):
    coventry = NewsletterList.objects.get(name=COVENTRY_LIST)
    found = text(coventry_client.get(_subscribers_url(coventry), {"q": "priya"}))
    assert "priya.patel@example.org" in found
    national_only = text(coventry_client.get(_subscribers_url(coventry), {"q": "amira"}))
    assert "amira.khan@example.org" not in national_only


def _subscription(email: str, list_name: str) -> Subscription:
    return Subscription.objects.get(subscriber__email=email, newsletter_list__name=list_name)


def test_chapter_editor_cannot_reach_another_lists_subscribers(coventry_editor, national_editor):
    national = NewsletterList.objects.get(name=NATIONAL_LIST)
    amira = _subscription("amira.khan@example.org", NATIONAL_LIST)
    client = logged_in(coventry_editor)
    secrets = ["amira.khan@example.org", "Amira Khan"]
    before = (Subscriber.objects.count(), Suppression.objects.count())
    assert_refused(
        client, client.get(_subscribers_url(national), {"q": "amira"}), secrets, "subscribers"
    )
    for name in ("export", "erase"):
        url = reverse(f"newsletter_admin:{name}", args=[national.pk, amira.pk])
        assert_refused(client, client.get(url), secrets, f"GET {name}")
    erase = reverse("newsletter_admin:erase", args=[national.pk, amira.pk])
    assert_refused(client, client.post(erase), secrets, "POST erase")
    # Through their own list's URL, another list's subscription does not exist.
    coventry = NewsletterList.objects.get(name=COVENTRY_LIST)
    own_list_url = reverse("newsletter_admin:export", args=[coventry.pk, amira.pk])
    assert client.get(own_list_url).status_code == 404
    assert (Subscriber.objects.count(), Suppression.objects.count()) == before
    # Positive control.
    export = logged_in(national_editor).get(
        reverse("newsletter_admin:export", args=[national.pk, amira.pk])
    )
    assert export.status_code == 200


def test_export_returns_the_subscribers_data_as_json(coventry_client):
    coventry = NewsletterList.objects.get(name=COVENTRY_LIST)
    priya = _subscription("priya.patel@example.org", COVENTRY_LIST)
    response = coventry_client.get(reverse("newsletter_admin:export", args=[coventry.pk, priya.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["email"] == "priya.patel@example.org"
    subscription = data["subscription"]
    assert subscription["name"] == "Priya Patel"
    assert subscription["list"] == COVENTRY_LIST
    assert subscription["status"] == "confirmed"
    assert [record["action"] for record in subscription["consent_records"]] == [
        "subscribed",
        "confirmed",
    ]


def test_a_lists_export_holds_that_list_only_whoever_asks(coventry_editor, national_editor):
    """Sam is on both lists: through Coventry's list, Coventry's editor and the national team
    alike get Coventry's subscription only, and nothing saying there is another. (Changed on
    purpose: it used to count the withheld lists, and give the national team everything.)"""
    coventry = NewsletterList.objects.get(name=COVENTRY_LIST)
    sam = _subscription("sam.taylor@example.org", COVENTRY_LIST)
    url = reverse("newsletter_admin:export", args=[coventry.pk, sam.pk])
    for user in (coventry_editor, national_editor):
        data = json.loads(logged_in(user).get(url).content)
        assert data["subscription"]["list"] == COVENTRY_LIST
        assert set(data) == {"email", "language", "subscription", "exported_at"}
        assert NATIONAL_LIST not in json.dumps(data)


def test_erase_asks_first_then_removes_from_this_list_keeping_a_list_hash(coventry_client):
    """Tom is on Coventry's list only: his subscription and (being his last) his person go; the
    hash kept stops Coventry's list only. (Changed on purpose: it was a network-wide erasure.)"""
    coventry = NewsletterList.objects.get(name=COVENTRY_LIST)
    tom = _subscription("tom.walsh@example.org", COVENTRY_LIST)
    url = reverse("newsletter_admin:erase", args=[coventry.pk, tom.pk])
    confirm = coventry_client.get(url)
    assert confirm.status_code == 200
    assert "tom.walsh@example.org" in text(confirm)
    assert Subscription.objects.filter(pk=tom.pk).exists()  # a GET changes nothing

    response = coventry_client.post(url)
    assert response.status_code == 302
    assert not Subscriber.objects.filter(email="tom.walsh@example.org").exists()
    assert not Subscription.objects.filter(pk=tom.pk).exists()
    [suppression] = Suppression.objects.filter(email_hash=email_hash("tom.walsh@example.org"))
    assert suppression.newsletter_list == coventry
    assert not Delivery.objects.filter(email="tom.walsh@example.org").exists()
    assert not ConsentRecord.objects.filter(source_url__icontains="tom.walsh").exists()
    assert ConsentRecord.objects.filter(
        newsletter_list=coventry, action=ConsentRecord.Action.ERASED
    ).exists()


# --- previews and the web page ------------------------------------------------------------


def test_web_preview_and_published_page(coventry_client, coventry_issue, client):
    preview = coventry_client.get(
        reverse("wagtailadmin_pages:view_draft", args=[coventry_issue.pk])
    )
    assert preview.status_code == 200
    assert coventry_issue.title in text(preview)
    assert "Rose" in text(preview)  # the featured story


def test_email_preview_renders_the_email(coventry_client, coventry_issue):
    response = coventry_client.get(
        reverse("wagtailadmin_pages:view_draft", args=[coventry_issue.pk]), {"mode": "email"}
    )
    body = text(response)
    assert response.status_code == 200
    assert coventry_issue.subject in body or coventry_issue.title in body
    assert "Volunteer your time, passions and skills" in body
    assert "http://coventry.localhost/" in body  # links absolute, on Coventry's own host
    assert "<html" in body.lower()
    assert "%%" not in body  # no personal-link placeholder left showing


def test_the_sent_national_issue_is_in_the_archive(client, national_sent):
    response = client.get(national_sent.url, HTTP_HOST="localhost")
    assert response.status_code == 200
    assert national_sent.title in text(response)
    archive = client.get("/newsletter/", HTTP_HOST="localhost")
    assert archive.status_code == 200
    assert national_sent.title in text(archive)
    assert "Receive our latest news: spring update" not in text(archive)  # Coventry's draft


# --- guards -------------------------------------------------------------------------------


def test_a_sent_issue_cannot_be_deleted(national_client, national_sent):
    url = reverse("wagtailadmin_pages:delete", args=[national_sent.pk])
    response = national_client.post(url)
    assert response.status_code == 302
    assert Page.objects.filter(pk=national_sent.pk).exists()
    landing = text(national_client.get(response["Location"]))
    assert "cannot be deleted" in landing


# --- the demo -----------------------------------------------------------------------------


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


def test_demo_newsletters(network):
    national_list = NewsletterList.objects.get(site=network.national_site)
    coventry_list = NewsletterList.objects.get(site=network.coventry_site)
    assert national_list.name == NATIONAL_LIST
    assert coventry_list.name == COVENTRY_LIST
    assert national_list.reply_to == "hello@connectioncoalition.example"
    assert coventry_list.reply_to == "coventry@connectioncoalition.example"
    for newsletter_list in (national_list, coventry_list):
        confirmed = newsletter_list.subscriptions.filter(status=Subscription.Status.CONFIRMED)
        assert confirmed.count() >= 3
        for subscription in confirmed:
            assert set(subscription.consent_records.values_list("action", flat=True)) == {
                "subscribed",
                "confirmed",
            }

    draft = NewsletterIssuePage.objects.get(slug=COVENTRY_ISSUE_SLUG)
    assert draft.title == "Receive our latest news: spring update"
    assert not draft.live and draft.get_site() == network.coventry_site
    latest = draft.get_latest_revision_as_object()
    assert {block.block_type for block in latest.body} >= {
        "featured_stories",
        "news_links",
        "call_to_action",
    }
    assert not Send.objects.filter(issue=draft).exists()

    sent = NewsletterIssuePage.objects.get(slug=NATIONAL_ISSUE_SLUG)
    assert sent.live and sent.get_site() == network.national_site
    send = Send.objects.get(issue=sent)
    assert send.status == Send.Status.SENT
    national_confirmed = national_list.subscriptions.filter(status="confirmed").count()
    assert send.deliveries.filter(status=Delivery.Status.SENT).count() == national_confirmed
    assert send.recipients == national_confirmed

    newsletter_page = newsletter_index(network.national_home)
    assert network.national_site.root_page.specific  # the navigation links the page
    assert NavigationItem.objects.filter(page=newsletter_page).exists()


def test_demo_builds_idempotently(network):
    before = _demo_counts()
    call_command("load_demo", "--port", "80", stdout=mock.MagicMock())
    assert _demo_counts() == before


# --- through the real pipeline (tasks run in-process) -------------------------------------


def test_send_now_goes_out_through_the_pipeline(
    coventry_client, coventry_editor, coventry_issue, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        coventry_client.post(send_url(coventry_issue), {"action": "test"})
    [test_mail] = mailoutbox
    assert test_mail.to == [coventry_editor.email]
    assert coventry_issue.subject in test_mail.subject
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        coventry_client.post(send_url(coventry_issue), {"action": "send_now"})
    coventry = NewsletterList.objects.get(name=COVENTRY_LIST)
    confirmed = set(
        coventry.subscriptions.filter(status="confirmed").values_list(
            "subscriber__email", flat=True
        )
    )
    recipients = [parseaddr(address)[1] for mail in mailoutbox for address in mail.to]
    assert sorted(recipients) == sorted(confirmed)  # one each
    data = coventry_client.get(progress_url(coventry_issue)).json()
    assert data["status"] == "sent" and data["finished"] is True
    assert data["sent"] == data["total"] == len(confirmed) and data["remaining"] == 0
    page = text(coventry_client.get(send_url(coventry_issue)))
    assert "Totals" in page and 'value="send_now"' not in page


# --- a list's settings --------------------------------------------------------------------

NEW_WORDING = "Yes, send me Coventry's newsletter. I can unsubscribe from any issue in one click."
SAVE_FAILED = "The list settings could not be saved due to errors."


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


def test_the_demo_editors_may_edit_their_own_sites_list_only(
    coventry_editor, national_editor, superuser, network
):
    """The rule as the demo's permissions give it: each team publishes its own site's root page
    (so edits its list); the national team's network-wide `view` does not extend to `change`."""
    coventry = NewsletterList.objects.get(site=network.coventry_site)
    national = NewsletterList.objects.get(site=network.national_site)
    policy = permissions.list_policy
    assert coventry.site.root_page.permissions_for_user(coventry_editor).can_publish()
    assert policy.may_edit(coventry_editor, coventry)
    assert not policy.may_edit(coventry_editor, national)
    assert policy.may_edit(national_editor, national)
    assert policy.may_see(national_editor, coventry)
    assert not policy.may_edit(national_editor, coventry)
    assert policy.may_edit(superuser, coventry) and policy.may_edit(superuser, national)


def test_coventry_editor_edits_coventry_list_and_the_signup_form_shows_it(coventry_client, network):
    coventry = NewsletterList.objects.get(site=network.coventry_site)
    version = coventry.consent_version
    records_before = list(
        ConsentRecord.objects.filter(newsletter_list=coventry).values_list(
            "pk", "wording_version", "wording"
        )
    )
    assert records_before
    assert NEW_WORDING not in _signup_page("coventry.localhost")

    form = coventry_client.get(_edit_url(coventry))
    body = text(form)
    assert form.status_code == 200
    labels = {
        "name": "Name",
        "from_name": "Sender name",
        "reply_to": "Reply-to address",
        "consent_wording": "Consent wording",
    }
    for field_name, label in labels.items():
        tag = f'<label class="w-field__label" for="id_{field_name}" id="id_{field_name}-label">'
        assert tag in body
        assert body.split(tag, 1)[1].split("</label>", 1)[0].strip().startswith(label)
    assert "<textarea" in body
    assert "Leave it empty to use the newsletter's name." in body
    assert f'value="{coventry.name}"' in body
    assert f'value="{coventry.reply_to}"' in body
    assert str(coventry.consent_wording) in body
    assert NATIONAL_LIST not in body

    response = coventry_client.post(
        _edit_url(coventry),
        _settings_of(
            coventry,
            name="  Connecting for Good Coventry news  ",
            from_name="Connecting for Good",
            reply_to="hello@coventry.example",
            consent_wording=NEW_WORDING.replace(". ", ".\r\n"),
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("newsletter_admin:index")
    landing = text(coventry_client.get(response["Location"]))
    assert f"Consent wording is now version {version + 1}; each subscriber's consent record " in (
        landing
    )
    coventry.refresh_from_db()
    assert coventry.name == "Connecting for Good Coventry news"
    assert coventry.from_name == "Connecting for Good"
    assert coventry.reply_to == "hello@coventry.example"
    assert coventry.consent_wording == NEW_WORDING.replace(". ", ".\n")
    assert coventry.consent_version == version + 1
    # Consent already given keeps the words and the version it was given for.
    assert (
        list(
            ConsentRecord.objects.filter(newsletter_list=coventry).values_list(
                "pk", "wording_version", "wording"
            )
        )
        == records_before
    )

    # The public signup form on Coventry's site asks for the new words (the national one not).
    signup = _signup_page("coventry.localhost")
    assert "Yes, send me Coventry's newsletter." in signup
    assert f'value="{version + 1}"' in signup  # the version travels with the form
    assert "Yes, send me Coventry's newsletter." not in _signup_page("localhost")

    # Saving again unchanged (the browser sends the textarea with CRLF) is not a new version.
    again = coventry_client.post(
        _edit_url(coventry),
        _settings_of(coventry, consent_wording=coventry.consent_wording.replace("\n", "\r\n")),
    )
    assert again.status_code == 302
    assert "Consent wording is now" not in text(coventry_client.get(again["Location"]))
    coventry.refresh_from_db()
    assert coventry.consent_version == version + 1


def test_editing_another_sites_list_is_refused(coventry_editor, national_editor, network):
    coventry = NewsletterList.objects.get(site=network.coventry_site)
    national = NewsletterList.objects.get(site=network.national_site)
    secrets = [NATIONAL_LIST, national.reply_to, "Connection Coalition"]
    before = _list_settings()
    client = logged_in(coventry_editor)
    assert_refused(client, client.get(_edit_url(national)), secrets, where="GET")
    hostile = _settings_of(national, name="Hijacked", consent_wording="Hijacked wording")
    assert_refused(client, client.post(_edit_url(national), hostile), secrets, where="POST")
    assert _list_settings() == before
    # An unknown list is not found, whoever asks.
    missing = NewsletterList.objects.order_by("-pk").first().pk + 1000
    assert client.get(reverse("newsletter_admin:edit_list", args=[missing])).status_code == 404
    assert client.post(
        reverse("newsletter_admin:edit_list", args=[missing]), hostile
    ).status_code == (404)
    assert _list_settings() == before

    # The national team sees Coventry's list but does not change it; their own they do.
    national_client = logged_in(national_editor)
    assert_refused(
        national_client,
        national_client.post(_edit_url(coventry), _settings_of(coventry, name="Renamed")),
        [],
        where="national POST on Coventry",
    )
    assert _list_settings() == before
    response = national_client.post(
        _edit_url(national), _settings_of(national, from_name="The Connection Coalition")
    )
    assert response.status_code == 302
    version = national.consent_version
    national.refresh_from_db()
    assert national.from_name == "The Connection Coalition"
    assert national.consent_version == version  # the wording was not changed

    # Not logged in: the admin's login page, nothing changed.
    anonymous = Client().post(_edit_url(coventry), _settings_of(coventry, name="Anonymous"))
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    assert NewsletterList.objects.get(pk=coventry.pk).name == COVENTRY_LIST


def test_a_site_permission_to_change_the_list_is_enough(network):
    """`change_newsletterlist` held for one site (GroupSitePermission) edits that site's list
    only; held globally, every list."""
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import GroupSitePermission

    coventry = NewsletterList.objects.get(site=network.coventry_site)
    national = NewsletterList.objects.get(site=network.national_site)
    change = Permission.objects.get(
        content_type__app_label="newsletter", codename="change_newsletterlist"
    )
    group = Group.objects.create(name="Coventry newsletter settings")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    GroupSitePermission.objects.create(group=group, site=network.coventry_site, permission=change)
    user = get_user_model().objects.create(username="coventry-comms", email="c@example.org")
    user.groups.add(group)
    policy = permissions.list_policy
    assert policy.may_edit(user, coventry) and not policy.may_edit(user, national)
    client = logged_in(user)
    assert client.get(_edit_url(coventry)).status_code == 200
    before = _list_settings()
    assert_refused(
        client, client.post(_edit_url(national), _settings_of(national, name="X")), [], "POST"
    )
    assert _list_settings() == before

    everywhere = get_user_model().objects.create(username="network-comms", email="n@example.org")
    everywhere.user_permissions.add(change)
    everywhere = get_user_model().objects.get(pk=everywhere.pk)  # no stale permission cache
    assert policy.may_edit(everywhere, coventry) and policy.may_edit(everywhere, national)


BAD_INPUT = {
    "empty name": ({"name": ""}, "Enter the newsletter's name."),
    "invisible name": ({"name": " \u200b\u200e "}, "Enter the newsletter's name."),
    "line break in the name": (
        {"name": "Coventry\r\nBcc: everyone@example.org"},
        "Use a single line, without line breaks or control characters.",
    ),
    "line break in the sender": (
        {"from_name": "Coventry\nX-Injected: 1"},
        "Use a single line, without line breaks or control characters.",
    ),
    "separator in the sender": (
        {"from_name": "Coventry\u2028X-Injected: 1"},
        "Use a single line, without line breaks or control characters.",
    ),
    "NUL in the name": ({"name": "Cov\x00entry"}, "Null characters are not allowed."),
    "NUL in the wording": ({"consent_wording": "I agree\x00"}, "Null characters are not allowed."),
    "control character in the wording": (
        {"consent_wording": "I agree\x1b[2J"},
        "Remove the control characters from the wording",
    ),
    "bad email": ({"reply_to": "not an address"}, "Enter an email address like"),
    "email with a line break": (
        {"reply_to": "a@example.org\nBcc: b@example.org"},
        "Enter an email address like",
    ),
    "100k name": ({"name": "x" * 100_000}, "at most 120 characters"),
    "100k sender": ({"from_name": "x" * 100_000}, "at most 120 characters"),
    "100k email": ({"reply_to": "x" * 100_000 + "@example.org"}, "at most 254 characters"),
    "100k wording": ({"consent_wording": "x" * 100_000}, "at most 2000 characters"),
    "empty wording": ({"consent_wording": "  \r\n "}, "Enter the consent wording"),
}


@pytest.mark.parametrize("case", BAD_INPUT, ids=list(BAD_INPUT))
def test_bad_input_is_shown_as_form_errors_and_saves_nothing(coventry_client, network, case):
    changes, error = BAD_INPUT[case]
    coventry = NewsletterList.objects.get(site=network.coventry_site)
    before = _list_settings()
    response = coventry_client.post(_edit_url(coventry), _settings_of(coventry, **changes))
    body = text(response)
    assert response.status_code == 400
    assert error in body
    assert SAVE_FAILED in body  # Wagtail's summary at the top of the page
    assert 'class="error-message"' in body and 'aria-invalid="true"' in body  # at the field
    assert _list_settings() == before


def test_missing_fields_are_form_errors(coventry_client, network):
    coventry = NewsletterList.objects.get(site=network.coventry_site)
    before = _list_settings()
    response = coventry_client.post(_edit_url(coventry), {})
    assert response.status_code == 400
    assert "Enter the newsletter's name." in text(response)
    assert "Enter the consent wording" in text(response)
    assert _list_settings() == before


def test_the_edit_button_shows_only_on_lists_the_user_may_edit(
    coventry_client, national_editor, network
):
    coventry = NewsletterList.objects.get(site=network.coventry_site)
    national = NewsletterList.objects.get(site=network.national_site)
    own = text(coventry_client.get(reverse("newsletter_admin:index")))
    assert own.count("Edit list settings") == 1
    assert _edit_url(coventry) in own and _edit_url(national) not in own

    body = text(logged_in(national_editor).get(reverse("newsletter_admin:index")))
    assert COVENTRY_LIST in body  # seen, network-wide
    assert body.count("Edit list settings") == 1
    assert _edit_url(national) in body and _edit_url(coventry) not in body


def test_may_edit_on_the_overview_costs_no_query_per_list(
    national_editor, network, django_assert_max_num_queries
):
    policy = permissions.list_policy
    lists = list(policy.visible_lists(national_editor))  # as the overview fetches them
    assert len(lists) >= 2
    policy.may_edit(national_editor, lists[0])  # loads the user's permissions once
    with django_assert_max_num_queries(0):
        answers = [policy.may_edit(national_editor, item) for item in lists]
    assert answers.count(True) == 1


# Measured on a warm request (as test_query_budget.py measures the home pages). Which lists a
# user sees is one query whatever the number of sites (Wagtail's page permission policy gives
# the publishable root pages as a subquery); each list's sends and their counts are one query
# each for all of them. Changing these numbers is a decision: say why in the commit.
# +1 (issue 9): two-factor authentication asks, on every signed-in request, whether the editor
# has a device and so must give its code (cms/accounts/middleware.py).
OVERVIEW_BUDGET = {"national": 19, "coventry": 18}


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


def test_the_overview_query_count_does_not_grow_with_sites_or_sends(
    network, national_editor, coventry_editor
):
    clients = {"national": logged_in(national_editor), "coventry": logged_in(coventry_editor)}
    _grow_network_with_sends_to(2)
    small = {name: _overview_queries(client) for name, client in clients.items()}
    assert small["national"][1] == NewsletterList.objects.count()  # the national team sees all
    _grow_network_with_sends_to(6)
    large = {name: _overview_queries(client) for name, client in clients.items()}
    assert large["national"][1] == NewsletterList.objects.count() > small["national"][1]
    assert large["coventry"][1] == small["coventry"][1] == 1
    assert {name: queries for name, (queries, _lists) in large.items()} == OVERVIEW_BUDGET
    assert {name: queries for name, (queries, _lists) in small.items()} == OVERVIEW_BUDGET
