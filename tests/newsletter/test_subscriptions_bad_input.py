"""The signup form under bad input: no input gives a 500, stores or sends anything it should
not (hostile names never reach an email header, garbage in hidden fields is ignored, bursts are
rate limited); and the confirmation email when Redis or the mail server fails.
"""

import time
from unittest import mock

import pytest
from django.core.signing import TimestampSigner
from django.test import override_settings
from django.urls import reverse
from kombu.exceptions import OperationalError

from newsletter import tasks
from newsletter.models import ConsentRecord, Subscriber, Subscription, Suppression
from newsletter.views import SUBSCRIBE_RATE_LIMIT
from tests.conftest import COVENTRY_HOST
from tests.helpers import SCRIPT
from tests.newsletter.subscriptions_support import (
    EMAIL,
    SUBSCRIBE_URL,
    backdate,
    confirm_link,
    form_started,
    headers_of,
    html_part,
    nothing_stored_for,
    pending_subscription,
    post_signup,
    subscribe,
    subscription_for,
)

# --- the bad input matrix --------------------------------------------------------------------


MEGABYTE = 1024 * 1024


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"consent": None}, "Tick the box"),
        ({"email": ""}, "Enter your email address."),
        ({"email": "not-an-address"}, "Enter an email address like"),
        ({"email": "amira@example.com\r\nBcc: victim@example.com"}, "Enter an email address like"),
        ({"email": "ami\x00ra@example.com"}, "Null characters are not allowed."),
        ({"email": f"{SCRIPT}@example.com"}, "Enter an email address like"),
        ({"name": "x" * MEGABYTE}, "Your name must be 120 characters or fewer."),
        ({"language": "xx"}, ""),
        ({"website": "http://spam.example"}, "Sorry, we could not accept this form."),
        ({"form_started": "forged"}, "Sorry, we could not accept this form."),
        ({"form_started": None}, "Sorry, we could not accept this form."),
        ({"form_started": "<signed just now>"}, "Sorry, we could not accept this form."),
        ({"form_started": form_started(age_seconds=3 * 3600)}, "This form has expired"),
        (
            {"form_started": TimestampSigner(salt="another form").sign(f"{time.time() - 60}")},
            "Sorry, we could not accept this form.",
        ),
    ],
    ids=[
        "no-consent",
        "no-email",
        "bad-email",
        "bcc-in-email",
        "nul-in-email",
        "script-in-email",
        "megabyte-name",
        "unknown-language",
        "honeypot",
        "forged-timestamp",
        "missing-timestamp",
        "too-fast",
        "expired-timestamp",
        "timestamp-of-another-form",
    ],
)
def test_bad_input_is_answered_with_the_form_and_stores_nothing(
    client, network, mailoutbox, django_capture_on_commit_callbacks, overrides, message
):
    if overrides.get("form_started") == "<signed just now>":
        overrides = {"form_started": form_started(age_seconds=0)}
    counts = (Subscriber.objects.count(), ConsentRecord.objects.count())
    with django_capture_on_commit_callbacks(execute=True):
        response = post_signup(client, **overrides)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in html
    assert message in html
    assert SCRIPT not in html
    assert (Subscriber.objects.count(), ConsentRecord.objects.count()) == counts
    assert mailoutbox == []


@pytest.mark.parametrize(
    "name",
    [
        "Amira\r\nBcc: victim@example.com",
        "Ami\x00ra",
        SCRIPT,
        "Amira\u2028Bcc: victim@example.com",
    ],
    ids=["bcc", "nul", "script", "unicode-line-separator"],
)
def test_hostile_names_are_kept_as_plain_text_and_never_reach_the_email(
    client, network, mailoutbox, django_capture_on_commit_callbacks, name
):
    subscribe(client, django_capture_on_commit_callbacks, name=name)
    subscriber = Subscriber.objects.get(email=EMAIL)
    kept = subscriber.subscriptions.get().name
    assert "\x00" not in kept and "\n" not in kept
    assert "\r" not in kept and "\u2028" not in kept
    [message] = mailoutbox
    assert message.to == [EMAIL] and message.bcc == [] and message.cc == []
    headers = headers_of(message)
    assert "victim" not in headers and "Bcc" not in headers
    assert "victim" not in message.body and "<script>" not in html_part(message)
    preferences = client.get(
        reverse("newsletter:preferences", args=[subscriber.token]), HTTP_HOST=COVENTRY_HOST
    )
    assert SCRIPT not in preferences.content.decode()


@pytest.mark.parametrize(
    ("hidden", "recorded_source"),
    [
        ({"consent_version": "not a number"}, "http://coventry.localhost/newsletter/"),
        ({"consent_version": "\x00"}, "http://coventry.localhost/newsletter/"),
        ({"source": "http://coventry.localhost/\x00about/"}, "http://coventry.localhost/about/"),
        ({"source": "x" * MEGABYTE}, ""),
        ({"source": "javascript:alert(1)"}, ""),
        ({"source": "http://coventry.localhost.evil.example/"}, ""),
        ({"source": "//coventry.localhost/about/"}, ""),
    ],
    ids=[
        "version-garbage",
        "version-nul",
        "source-nul",
        "source-megabyte",
        "source-js",
        "source-lookalike-host",
        "source-scheme-relative",
    ],
)
def test_garbage_in_hidden_fields_is_ignored(
    client, network, mailoutbox, django_capture_on_commit_callbacks, hidden, recorded_source
):
    subscribe(client, django_capture_on_commit_callbacks, **hidden)
    record = subscription_for(network.coventry_site).consent_records.get()
    assert record.source_url == recorded_source
    assert len(mailoutbox) == 1


def test_a_burst_of_posts_is_rate_limited(client, network, mailoutbox):
    for _ in range(SUBSCRIBE_RATE_LIMIT):
        assert post_signup(client, consent=None).status_code == 200
    response = post_signup(client)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert nothing_stored_for() and mailoutbox == []


def test_other_methods_and_unreadable_bodies_get_no_500(client, network):
    assert client.put(SUBSCRIBE_URL, HTTP_HOST=COVENTRY_HOST).status_code == 405
    response = client.generic(
        "POST",
        SUBSCRIBE_URL,
        b'--x\r\nContent-Disposition: form-data; name="email"\r\n\r\nbroken',
        content_type="multipart/form-data; boundary=x",
        HTTP_HOST=COVENTRY_HOST,
    )
    assert response.status_code in (200, 400)
    assert nothing_stored_for()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024)
def test_a_body_too_big_to_read_gets_a_clear_page(client, network):
    response = post_signup(client, name="x" * 4096)
    assert response.status_code == 413
    assert "too long" in response.content.decode()
    assert nothing_stored_for()


def test_a_subscription_whose_enqueue_failed_is_stored_and_swept_later(
    client, network, mailoutbox, django_capture_on_commit_callbacks
):
    with mock.patch.object(
        tasks.send_confirmation, "delay", side_effect=OperationalError("Redis is down")
    ):
        subscribe(client, django_capture_on_commit_callbacks)
    subscription = subscription_for(network.coventry_site)
    assert subscription.status == Subscription.Status.PENDING
    assert subscription.confirmation_sent_at is None
    assert mailoutbox == []

    assert tasks.send_pending_confirmations() == 0  # too recent: its task may be on its way
    backdate(subscription, minutes=2)
    assert tasks.send_pending_confirmations() == 1
    assert tasks.send_pending_confirmations() == 0
    [message] = mailoutbox
    assert confirm_link(message)[0] == "http://coventry.localhost"
    subscription.refresh_from_db()
    assert subscription.confirmation_sent_at is not None


def test_send_confirmation_sends_once_and_releases_its_claim_when_mail_fails(
    coventry_list, mailoutbox
):
    subscription = pending_subscription(coventry_list)
    with (
        mock.patch(
            "django.core.mail.backends.locmem.EmailBackend.send_messages",
            side_effect=ConnectionError("SMTP down"),
        ),
        pytest.raises(ConnectionError),
    ):
        tasks.send_confirmation(subscription.pk)
    subscription.refresh_from_db()
    assert subscription.confirmation_sent_at is None  # the sweep will try again

    assert tasks.send_confirmation(subscription.pk) is True
    assert tasks.send_confirmation(subscription.pk) is False
    assert len(mailoutbox) == 1


def test_no_confirmation_goes_to_an_address_suppressed_after_subscribing(coventry_list, mailoutbox):
    subscription = pending_subscription(coventry_list)
    Suppression.suppress(EMAIL, Suppression.Reason.BOUNCED)
    assert tasks.send_confirmation(subscription.pk) is False
    assert mailoutbox == []
