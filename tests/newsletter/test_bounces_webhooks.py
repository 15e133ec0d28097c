"""Bounces, complaints and unsubscribes from email services, through django-anymail's tracking
webhooks at /anymail/<esp>/tracking/ (posted with the test client; anymail verifies each post:
Mailgun's HMAC signature, Postmark's HTTP basic auth). A forged or unreadable post is a 400
with a log line and changes nothing; an ESP without its secret configured is not served."""

import base64
import hashlib
import hmac
import json
import logging
import time

import pytest
from django.core import mail
from django.urls import reverse

from newsletter.models import DeliveryEvent, Subscription, Suppression
from tests.newsletter.bounces_support import delivery_to, reader, send_issue, three_readers
from tests.newsletter.support import build_newsletter

HOST = "webhook.example.test"
MAILGUN_KEY = "key-0123456789abcdef0123456789abcdef"
POSTMARK_AUTH = "postmark:correct-horse-battery"
Kind = DeliveryEvent.Kind
LOGGER = "newsletter.bounces.webhooks"


@pytest.fixture
def newsletter(db, settings):
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_KEY}
    newsletter = three_readers(build_newsletter(HOST))
    newsletter.send = send_issue(newsletter)
    mail.outbox.clear()
    return newsletter


def nothing_changed(newsletter) -> bool:
    statuses = {Subscription.objects.get(pk=row.pk).status for row in newsletter.readers}
    return (
        not DeliveryEvent.objects.exists()
        and not Suppression.objects.exists()
        and statuses == {Subscription.Status.CONFIRMED}
    )


# --- Mailgun: an HMAC signature over timestamp + token ---------------------------------------


def mailgun_body(delivery, *, key: str = MAILGUN_KEY, event: str = "failed", **extra) -> str:
    timestamp, token = str(int(time.time())), "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6"
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256)
    send = delivery.send
    event_data = {
        "event": event,
        "severity": "permanent",
        "reason": "bounce",
        "id": "G9Bn5sl1TC6nu79C8C0bwg",
        "timestamp": time.time(),
        "recipient": delivery.email,
        "delivery-status": {
            "code": 550,
            "message": "5.1.1 The email account that you tried to reach does not exist.",
            "description": "",
        },
        # Mailgun gives back the message's own headers: our Message-ID names the delivery.
        "message": {"headers": {"message-id": f"newsletter.{send.pk}.{delivery.pk}@{HOST}"}},
        **extra,
    }
    return json.dumps(
        {
            "signature": {
                "timestamp": timestamp,
                "token": token,
                "signature": signature.hexdigest(),
            },
            "event-data": event_data,
        }
    )


def post_mailgun(client, body: str):
    url = reverse("anymail:mailgun_tracking_webhook")
    assert url == "/anymail/mailgun/tracking/"
    return client.post(url, body, content_type="application/json")


def test_a_signed_mailgun_bounce_suppresses_the_delivery_it_names(client, newsletter):
    delivery = delivery_to(newsletter.send, 1)

    response = post_mailgun(client, mailgun_body(delivery))

    assert response.status_code == 200
    [event] = DeliveryEvent.objects.all()
    assert (event.delivery, event.kind, event.source) == (
        delivery,
        Kind.HARD_BOUNCE,
        "webhook:mailgun",
    )
    assert event.status_code == "5.1.1" and "does not exist" in event.diagnostic
    assert Suppression.is_suppressed(reader(1), newsletter.newsletter_list)
    assert not Suppression.is_suppressed(reader(1))


def test_a_mailgun_post_with_a_forged_signature_is_refused(client, newsletter, caplog):
    body = mailgun_body(delivery_to(newsletter.send, 1), key="key-not-the-real-one")
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        response = post_mailgun(client, body)
    assert response.status_code == 400
    assert "Webhook for mailgun rejected (not verified)" in caplog.text
    assert nothing_changed(newsletter)


def test_a_mailgun_temporary_failure_changes_nothing(client, newsletter):
    body = mailgun_body(delivery_to(newsletter.send, 1), severity="temporary")
    assert post_mailgun(client, body).status_code == 200
    assert nothing_changed(newsletter)


def test_a_mailgun_complaint_unsubscribes(client, newsletter):
    delivery = delivery_to(newsletter.send, 2)
    assert post_mailgun(client, mailgun_body(delivery, event="complained")).status_code == 200
    assert DeliveryEvent.objects.get().kind == Kind.COMPLAINT
    assert Subscription.objects.get(pk=delivery.subscription_id).status == "unsubscribed"
    assert Suppression.objects.get().reason == Suppression.Reason.COMPLAINED


# --- Postmark: HTTP basic auth (ANYMAIL_WEBHOOK_SECRET) -----------------------------------------


def postmark_bounce(email: str, **changes) -> str:
    event = {
        "RecordType": "Bounce",
        "ID": 4323372036854775807,
        "Type": "HardBounce",
        "TypeCode": 1,
        "Name": "Hard bounce",
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",  # Postmark's own, not ours
        "MessageStream": "broadcast",
        "Description": "The server was unable to deliver your message (ex: unknown user).",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
        "Email": email,
        "From": "hello@localhost",
        "BouncedAt": "2026-12-05T09:14:05Z",
        "Inactive": True,
        "Subject": "June news: neighbours, walks and tea",
    }
    event.update(changes)
    return json.dumps(event)


def post_postmark(client, body: str, auth: str | None = POSTMARK_AUTH):
    headers = {}
    if auth is not None:
        headers["HTTP_AUTHORIZATION"] = "Basic " + base64.b64encode(auth.encode()).decode()
    url = reverse("anymail:postmark_tracking_webhook")
    return client.post(url, body, content_type="application/json", **headers)


@pytest.fixture
def postmark(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": POSTMARK_AUTH}


def test_a_postmark_bounce_goes_to_the_recipients_latest_delivery(client, newsletter, postmark):
    """Postmark gives back its own message id only: the recipient's latest sent delivery."""
    july = send_issue(newsletter, "July news")

    response = post_postmark(client, postmark_bounce(reader(0).upper()))

    assert response.status_code == 200
    [event] = DeliveryEvent.objects.all()
    assert event.delivery == delivery_to(july, 0) and event.source == "webhook:postmark"
    assert event.kind == Kind.HARD_BOUNCE and event.status_code == "5.1.1"
    assert Suppression.is_suppressed(reader(0), newsletter.newsletter_list)


def test_a_postmark_soft_bounce_is_counted_not_suppressed(client, newsletter, postmark):
    body = postmark_bounce(reader(0), Type="SoftBounce", Details="452 4.2.2 Mailbox full")
    assert post_postmark(client, body).status_code == 200
    assert DeliveryEvent.objects.get().kind == Kind.SOFT_BOUNCE
    assert not Suppression.objects.exists()


def test_a_postmark_spam_complaint_unsubscribes(client, newsletter, postmark):
    body = postmark_bounce(reader(2), RecordType="SpamComplaint", Type="SpamComplaint")
    assert post_postmark(client, body).status_code == 200
    assert DeliveryEvent.objects.get().kind == Kind.COMPLAINT
    assert Subscription.objects.get(pk=newsletter.readers[2].pk).status == "unsubscribed"


@pytest.mark.parametrize("auth", ["postmark:wrong-password", None], ids=["wrong", "none"])
def test_a_postmark_post_without_the_right_auth_is_refused(
    client, newsletter, postmark, caplog, auth
):
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        response = post_postmark(client, postmark_bounce(reader(0)), auth=auth)
    assert response.status_code == 400
    assert "Webhook for postmark rejected (not verified)" in caplog.text
    assert nothing_changed(newsletter)


@pytest.mark.parametrize(
    "body",
    ["{not json", "[]", json.dumps({"RecordType": "Bounce", "Type": 7}), "\udcff"],
    ids=["broken json", "a list", "odd types", "bad bytes"],
)
def test_a_verified_post_that_cannot_be_read_is_a_400_not_a_500(
    client, newsletter, postmark, caplog, body
):
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        response = post_postmark(client, body.encode("utf-8", "surrogateescape"))
    assert response.status_code in (200, 400)  # 200: read, and about no delivery of ours
    assert nothing_changed(newsletter)


def test_a_bounce_for_an_address_we_never_mailed_is_logged_and_ignored(
    client, newsletter, postmark, caplog
):
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        response = post_postmark(client, postmark_bounce("stranger@example.org"))
    assert response.status_code == 200
    assert "matches no delivery of ours: ignored" in caplog.text
    assert nothing_changed(newsletter)


def test_an_esp_whose_secret_is_not_configured_is_not_served(client, newsletter, settings):
    settings.ANYMAIL = {}
    delivery = delivery_to(newsletter.send, 1)
    assert post_mailgun(client, mailgun_body(delivery)).status_code == 404
    assert post_postmark(client, postmark_bounce(reader(1))).status_code == 404
    # Amazon SES needs boto3 as well as the secret; it is not installed here.
    settings.ANYMAIL = {"WEBHOOK_SECRET": POSTMARK_AUTH}
    ses = client.post("/anymail/amazon_ses/tracking/", "{}", content_type="application/json")
    assert ses.status_code == 404
    assert nothing_changed(newsletter)
