"""Bounces, complaints and unsubscribes reported by an email service (ESP) through
django-anymail's tracking webhooks, for mail sent through its SMTP relay (which uses its own
envelope sender, so no DSN reaches our mailbox).

Anymail verifies each post (Mailgun's HMAC signature with MAILGUN_WEBHOOK_SIGNING_KEY,
SendGrid's ECDSA signature with its verification key, HTTP basic auth with WEBHOOK_SECRET for
Postmark and Amazon SES) and normalises it into an AnymailTrackingEvent, which `on_tracking`
turns into a Report for newsletter.bounces.apply. The views are anymail's own, behind a guard:
an ESP whose secret is not configured is not served at all (404: an endpoint anyone could post
to would let anyone unsubscribe people), and a post that fails verification or cannot be read
is a 400 with a log line, never a 500.

Which delivery: our Message-ID (<newsletter.<send>.<delivery>@host>) or VERP return path when
the ESP gives either back (Mailgun returns the message's headers), checked against the event's
recipient; else the recipient's latest delivery that was sent."""

import json
import logging
import re
from contextlib import suppress
from importlib.util import find_spec

from anymail.exceptions import AnymailError, AnymailWebhookValidationFailure
from anymail.signals import tracking
from anymail.webhooks.amazon_ses import AmazonSESTrackingWebhookView
from anymail.webhooks.mailgun import MailgunTrackingWebhookView
from anymail.webhooks.postmark import PostmarkTrackingWebhookView
from anymail.webhooks.sendgrid import SendGridTrackingWebhookView
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from .. import verp
from ..models import Delivery, DeliveryEvent
from .apply import apply_report
from .parse import Report

logger = logging.getLogger(__name__)
Kind = DeliveryEvent.Kind
OUR_MESSAGE_ID = re.compile(r"newsletter\.(\d{1,18})\.(\d{1,18})@")
MAX_SCANNED = 100_000  # characters of an ESP's event searched for our Message-ID


def _anymail(name: str):
    return (getattr(settings, "ANYMAIL", None) or {}).get(name)


def _mailgun_configured() -> bool:
    return bool(_anymail("MAILGUN_WEBHOOK_SIGNING_KEY"))


def _postmark_configured() -> bool:
    return bool(_anymail("WEBHOOK_SECRET"))


def _sendgrid_configured() -> bool:
    return bool(
        _anymail("SENDGRID_TRACKING_WEBHOOK_VERIFICATION_KEY") or _anymail("WEBHOOK_SECRET")
    )


def _amazon_ses_configured() -> bool:
    """Basic auth (anymail does not check SNS signatures yet), and boto3, which anymail's SES
    view needs (`pip install "django-anymail[amazon-ses]"`)."""
    return bool(_anymail("WEBHOOK_SECRET")) and find_spec("boto3") is not None


# ESP (as in the URL) → (anymail's view, whether it is configured to be served).
WEBHOOKS = {
    "mailgun": (MailgunTrackingWebhookView, _mailgun_configured),
    "postmark": (PostmarkTrackingWebhookView, _postmark_configured),
    "sendgrid": (SendGridTrackingWebhookView, _sendgrid_configured),
    "amazon_ses": (AmazonSESTrackingWebhookView, _amazon_ses_configured),
}


def guarded(esp: str, view_class, configured):
    """anymail's view for one ESP, served only when its secret is configured, and answering a
    400 (logged) for anything it cannot verify or read."""
    inner = view_class.as_view()

    @csrf_exempt
    def view(request, *args, **kwargs) -> HttpResponse:
        if not configured():
            logger.warning("Webhook for %s posted to, but it is not configured: 404", esp)
            raise Http404
        try:
            return inner(request, *args, **kwargs)
        except AnymailWebhookValidationFailure as exc:
            logger.warning("Webhook for %s rejected (not verified): %s", esp, exc)
            return HttpResponseBadRequest("Not verified.")
        except (
            AnymailError,
            ImproperlyConfigured,  # anymail's word for an inbound post to a tracking URL
            ValueError,
            KeyError,
            TypeError,
            AttributeError,
        ) as exc:
            logger.warning("Webhook for %s: a post that cannot be read (%r)", esp, exc)
            return HttpResponseBadRequest("Cannot be read.")

    return view


def urlpatterns() -> list:
    """/anymail/<esp>/tracking/, named as anymail names them ("<esp>_tracking_webhook")."""
    return [
        path(
            f"{esp}/tracking/", guarded(esp, view_class, configured), name=f"{esp}_tracking_webhook"
        )
        for esp, (view_class, configured) in WEBHOOKS.items()
    ]


# --- the events -----------------------------------------------------------------------------


def kind_of(event) -> str | None:
    """Our kind of event for anymail's normalised one, or None for those we do not act on
    (delivered, opened, deferred...)."""
    event_type, reason = event.event_type, event.reject_reason
    raw = event.esp_event if isinstance(event.esp_event, dict) else {}
    if event_type == "bounced":
        ses_bounce = raw.get("bounce") if isinstance(raw.get("bounce"), dict) else {}
        soft = raw.get("Type") == "SoftBounce" or ses_bounce.get("bounceType") == "Transient"
        return Kind.SOFT_BOUNCE if soft else Kind.HARD_BOUNCE
    if event_type == "rejected" and reason in ("bounced", "invalid"):
        return Kind.HARD_BOUNCE
    if event_type == "complained" or (event_type == "rejected" and reason == "spam"):
        return Kind.COMPLAINT
    if event_type == "unsubscribed":
        return Kind.UNSUBSCRIBE
    return None


def _ours_named_in(event) -> Delivery | None:
    """The delivery our Message-ID or VERP return path names, if the event carries one."""
    texts = [str(event.message_id or "")]
    with suppress(TypeError, ValueError):
        texts.append(json.dumps(event.esp_event, default=str)[:MAX_SCANNED])
    for text in texts:
        match = OUR_MESSAGE_ID.search(text)
        if match:
            return Delivery.objects.filter(
                pk=int(match.group(2)), send_id=int(match.group(1))
            ).first()
        for word in re.findall(r"[\w.+-]+\+[\w-]+@[\w.-]+", text):
            delivery_id = verp.delivery_id(word)
            if delivery_id is not None:
                return Delivery.objects.filter(pk=delivery_id).first()
    return None


def find_delivery(event) -> Delivery | None:
    recipient = (event.recipient or "").strip().lower()
    named = _ours_named_in(event)
    if named is not None and (not recipient or named.email.lower() == recipient):
        return named
    if not recipient:
        return None
    return (
        Delivery.objects.filter(email__iexact=recipient, status=Delivery.Status.SENT)
        .order_by("-sent_at", "-pk")
        .first()
    )


def on_tracking(sender, event, esp_name: str, **kwargs) -> None:
    """anymail.signals.tracking's receiver: a bounce, complaint or unsubscribe is applied to
    its delivery; anything else, or an event for no delivery of ours, is logged and left."""
    kind = kind_of(event)
    if kind is None:
        return
    source = "webhook:" + re.sub(r"[^a-z0-9]+", "_", esp_name.lower())[:30]
    delivery = find_delivery(event)
    if delivery is None:
        logger.warning(
            "%s: %s for %r matches no delivery of ours: ignored", source, kind, event.recipient
        )
        return
    diagnostic = " ".join(str(event.mta_response or event.description or "").split())[:500]
    status = re.search(r"\b[245]\.\d{1,3}\.\d{1,3}\b", diagnostic)
    report = Report(
        kind=kind,
        source=source,
        delivery_id=delivery.pk,
        recipient=event.recipient or "",
        status_code=status.group(0) if status else "",
        diagnostic=diagnostic,
    )
    result = apply_report(report)
    logger.info("%s: %s: %s", source, result.outcome, result.text)


def connect() -> None:
    tracking.connect(on_tracking, dispatch_uid="newsletter.bounces.on_tracking")
