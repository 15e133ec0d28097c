"""An issue's send page in the admin: an editor sends their own site's issues only, once, and
watches them go; the previews, the archive, and the guard against deleting a sent issue.

`coventry-editor` is refused on every view and every POST action of a national issue (a draft
with embargoed words, and the sent demo issue): Wagtail's own refusal (302 -> the dashboard,
"Sorry, you do not have permission to access this area."), none of the issue's words in the
response or on the page it leads to, nothing created and nothing enqueued. Positive controls:
the same requests work for `coventry-editor` on Coventry's issue and for `national-editor` on
the national one.

Tasks are never run here, but in the last test: the `enqueued` fixture (conftest.py) counts the
calls on a patched `delay` once the captured on-commit callbacks run.
"""

import datetime
from email.utils import parseaddr
from unittest import mock

from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from newsletter.admin import services
from newsletter.models import Delivery, NewsletterList, Send
from tests.helpers import assert_refused, logged_in
from tests.helpers import body as text
from tests.newsletter.admin_support import (
    COVENTRY_LIST,
    EMBARGO_SUBJECT,
    EMBARGO_TITLE,
    EMBARGO_WORDS,
    NATIONAL_LIST,
    _send_with_deliveries,
    future,
    past,
    progress_url,
    send_url,
    state,
)

POST_ACTIONS = {
    "test": {"action": "test"},
    "send_now": {"action": "send_now", "confirmed": "yes"},
    "schedule": {"action": "schedule", "scheduled_for": future()},
    "cancel": {"action": "cancel"},
    "resume": {"action": "resume"},
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
        first = logged_in(coventry_editor).post(
            send_url(coventry_issue), {"action": "send_now", "confirmed": "yes"}
        )
        again = logged_in(coventry_editor).post(
            send_url(coventry_issue), {"action": "send_now", "confirmed": "yes"}
        )
        other = logged_in(superuser).post(
            send_url(coventry_issue), {"action": "send_now", "confirmed": "yes"}
        )
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
        coventry_client.post(send_url(coventry_issue), {"action": "send_now", "confirmed": "yes"})
        coventry_client.post(send_url(coventry_issue), {"action": "send_now", "confirmed": "yes"})
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
        coventry_client.post(send_url(coventry_issue), {"action": "send_now", "confirmed": "yes"})
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
