"""Subscribing, confirming, unsubscribing, exporting and erasing: the services behind the public
views and the admin, and the Celery tasks that mail confirmations and purge what was never
confirmed.

Each change of state is a conditional update (`UPDATE ... WHERE status = 'pending'`), so two
clicks, two tabs or a task delivered twice change it once; each is recorded as a ConsentRecord
holding when, where and which words. No mail is sent in a request: the confirmation is a task
enqueued once the subscription is committed, and a periodic sweep sends those whose enqueue
failed (the broker was down).

Beat runs `send_pending_confirmations` (every minute or so) and `purge_unconfirmed` (daily).
"""

import logging
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from urllib.parse import urlsplit, urlunsplit

from celery import shared_task
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from cms.core.queue import enqueue_on_commit

from .models import (
    ConsentRecord,
    Delivery,
    NetworkErasure,
    NewsletterList,
    Subscriber,
    Subscription,
    Suppression,
    email_hash,
    normalise_email,
)
from .sending import from_header, one_line, site_link
from .tokens import CONFIRM_MAX_AGE, confirm_token

logger = logging.getLogger(__name__)

# A pending subscription asked for again gets a new confirmation email, at most this often.
RESEND_CONFIRMATION_AFTER = timedelta(minutes=10)
UNCONFIRMED_LIFETIME = timedelta(days=30)
# How far the clocks of web and worker machines may disagree (see token_is_current).
CLOCK_SKEW = timedelta(minutes=1)

Status = Subscription.Status
Action = ConsentRecord.Action


# --- links -----------------------------------------------------------------------------------


def confirm_url(subscription: Subscription) -> str:
    """An absolute link on the list's own site (Coventry's mail links to Coventry's host)."""
    path = reverse("newsletter:confirm", args=[confirm_token(subscription.pk)])
    return site_link(subscription.newsletter_list.site, path)


def clean_source_url(url: str, host: str) -> str:
    """The page a form was sent from, kept only if it is an http(s) page of `host`, without
    its query or fragment (they can carry anything, including someone's address)."""
    if not url or len(url) > 2000:
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or parts.netloc.lower() != host.lower():
        return ""
    if any(ord(char) < 33 or ord(char) == 127 for char in url):
        return ""
    cleaned = urlunsplit((parts.scheme, parts.netloc, parts.path or "/", "", ""))
    max_length = ConsentRecord._meta.get_field("source_url").max_length
    return cleaned if len(cleaned) <= max_length else ""


def token_is_current(token: str, subscription: Subscription) -> bool:
    """Whether a (valid) confirm token was issued for the subscription's current request. A
    resubscription resets created_at, so a link mailed for an earlier request, even one still
    within its week, cannot confirm the new one."""
    try:
        issued = signing.b62_decode(token.rsplit(":", 2)[1])
    except (IndexError, ValueError):
        return False
    issued_at = datetime.fromtimestamp(issued, tz=UTC)
    return issued_at >= subscription.created_at - CLOCK_SKEW


# --- subscribing -----------------------------------------------------------------------------


def subscribe(
    newsletter_list: NewsletterList,
    *,
    email: str,
    name: str = "",
    language: str = "en",
    source_url: str = "",
) -> Subscription | None:
    """Ask `email` to confirm a subscription to `newsletter_list`.

    Answers nothing the caller should show: an address suppressed for this list (or the whole
    network) is refused silently (nothing stored, nothing sent), a confirmed subscriber is left
    as they are (no mail), a pending one is mailed again at most every
    RESEND_CONFIRMATION_AFTER, an unsubscribed one starts over. The name is this list's (the
    subscription's); an existing subscription's name and the person's language are not
    changed: anyone can type an address.
    """
    email = normalise_email(email)
    if Suppression.is_suppressed(email, newsletter_list):
        return None
    now = timezone.now()
    with transaction.atomic():
        subscriber, _created = Subscriber.objects.get_or_create(
            email=email, defaults={"language": language}
        )
        subscription, created = Subscription.objects.get_or_create(
            subscriber=subscriber, newsletter_list=newsletter_list, defaults={"name": name}
        )
        mail = created
        if not created:
            if subscription.status == Status.CONFIRMED:
                return subscription
            if subscription.status == Status.UNSUBSCRIBED:
                # A new request: created_at restarts the 30 days and retires older links.
                mail = bool(
                    Subscription.objects.filter(
                        pk=subscription.pk, status=Status.UNSUBSCRIBED
                    ).update(
                        status=Status.PENDING,
                        created_at=now,
                        confirmation_sent_at=None,
                        confirmed_at=None,
                        unsubscribed_at=None,
                    )
                )
            else:
                sent = subscription.confirmation_sent_at
                if sent is None:  # still on its way, or the sweep will send it
                    mail = False
                elif sent < now - RESEND_CONFIRMATION_AFTER:
                    mail = bool(
                        Subscription.objects.filter(
                            pk=subscription.pk, status=Status.PENDING, confirmation_sent_at=sent
                        ).update(confirmation_sent_at=None)
                    )
        ConsentRecord.objects.create(
            subscription=subscription,
            newsletter_list=newsletter_list,
            action=Action.SUBSCRIBED,
            source_url=source_url,
            wording=newsletter_list.consent_wording,
            wording_version=newsletter_list.consent_version,
        )
        if mail:
            enqueue_on_commit(send_confirmation, subscription.pk)
    return subscription


class ConfirmOutcome(StrEnum):
    CONFIRMED = "confirmed"
    ALREADY_CONFIRMED = "already_confirmed"
    UNSUBSCRIBED = "unsubscribed"
    MISSING = "missing"


def confirm_subscription(subscription_id: int) -> ConfirmOutcome:
    """Pending → confirmed, once; the record says which words were agreed to, and where."""
    with transaction.atomic():
        confirmed = Subscription.objects.filter(pk=subscription_id, status=Status.PENDING).update(
            status=Status.CONFIRMED, confirmed_at=timezone.now()
        )
        subscription = (
            Subscription.objects.select_related("newsletter_list")
            .filter(pk=subscription_id)
            .first()
        )
        if subscription is None:
            return ConfirmOutcome.MISSING
        if not confirmed:
            if subscription.status == Status.CONFIRMED:
                return ConfirmOutcome.ALREADY_CONFIRMED
            return ConfirmOutcome.UNSUBSCRIBED
        asked = (
            subscription.consent_records.filter(action=Action.SUBSCRIBED).order_by("-at").first()
        )
        newsletter_list = subscription.newsletter_list
        ConsentRecord.objects.create(
            subscription=subscription,
            newsletter_list=newsletter_list,
            action=Action.CONFIRMED,
            source_url=asked.source_url if asked else "",
            wording=asked.wording if asked else newsletter_list.consent_wording,
            wording_version=asked.wording_version if asked else newsletter_list.consent_version,
        )
    return ConfirmOutcome.CONFIRMED


def unsubscribe(subscription_id: int, *, source_url: str = "") -> bool:
    """Stop mail to one subscription; True if this call did it (False: already done or gone).

    Deliveries still queued for it in a send that is under way are skipped, so an unsubscribe
    during a send stops the rest at once."""
    with transaction.atomic():
        list_id = (
            Subscription.objects.filter(pk=subscription_id)
            .values_list("newsletter_list_id", flat=True)
            .first()
        )
        if list_id is None:
            return False
        done = Subscription.objects.filter(
            pk=subscription_id, status__in=[Status.PENDING, Status.CONFIRMED]
        ).update(status=Status.UNSUBSCRIBED, unsubscribed_at=timezone.now())
        if not done:
            return False
        Delivery.objects.filter(
            subscription_id=subscription_id, status=Delivery.Status.QUEUED
        ).update(status=Delivery.Status.SKIPPED)
        ConsentRecord.objects.create(
            subscription_id=subscription_id,
            newsletter_list_id=list_id,
            action=Action.UNSUBSCRIBED,
            source_url=source_url,
        )
    return True


def set_language(subscriber: Subscriber, language: str) -> None:
    Subscriber.objects.filter(pk=subscriber.pk).update(language=language)
    subscriber.language = language


# --- the person's data -----------------------------------------------------------------------


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _subscription_data(subscription: Subscription) -> dict:
    site = subscription.newsletter_list.site
    return {
        "list": subscription.newsletter_list.name,
        "site": site.site_name or site.hostname,
        "site_url": site.root_url,
        "name": subscription.name,
        "status": subscription.status,
        "created_at": _iso(subscription.created_at),
        "confirmation_sent_at": _iso(subscription.confirmation_sent_at),
        "confirmed_at": _iso(subscription.confirmed_at),
        "unsubscribed_at": _iso(subscription.unsubscribed_at),
        "consent_records": [
            {
                "action": record.action,
                "at": _iso(record.at),
                "source_url": record.source_url,
                "wording_version": record.wording_version,
                "wording": record.wording,
            }
            for record in sorted(subscription.consent_records.all(), key=lambda r: (r.at, r.pk))
        ],
    }


def export_subscriber(subscriber: Subscriber) -> dict:
    """Everything held about a person across the network, as JSON-able data (their right of
    access, from their own preferences page)."""
    subscriptions = (
        subscriber.subscriptions.select_related("newsletter_list__site")
        .prefetch_related("consent_records")
        .order_by("created_at", "pk")
    )
    return {
        "email": subscriber.email,
        "language": subscriber.language,
        "created_at": _iso(subscriber.created_at),
        "subscriptions": [_subscription_data(subscription) for subscription in subscriptions],
        "exported_at": _iso(timezone.now()),
    }


def export_subscription(subscription: Subscription) -> dict:
    """What one site holds about a person: the address, their language, and this list's
    subscription (the name given here, its dates and consent records). Nothing says whether
    they are on any other list: that is not this site's to know."""
    subscription = (
        Subscription.objects.select_related("subscriber", "newsletter_list__site")
        .prefetch_related("consent_records")
        .get(pk=subscription.pk)
    )
    return {
        "email": subscription.subscriber.email,
        "language": subscription.subscriber.language,
        "subscription": _subscription_data(subscription),
        "exported_at": _iso(timezone.now()),
    }


def _forget(subscriptions: list[Subscription]) -> None:
    """Remove these subscriptions and what they hold: consent records stay as anonymous
    history (list, action, time; their link to the subscription goes), an "erased" record is
    added for each list, deliveries lose the address and queued ones are skipped."""
    ConsentRecord.objects.bulk_create(
        [
            ConsentRecord(newsletter_list_id=subscription.newsletter_list_id, action=Action.ERASED)
            for subscription in subscriptions
        ]
    )
    ids = [subscription.pk for subscription in subscriptions]
    deliveries = Delivery.objects.filter(subscription_id__in=ids)
    deliveries.filter(status=Delivery.Status.QUEUED).update(status=Delivery.Status.SKIPPED)
    deliveries.update(email="", last_error="")
    Subscription.objects.filter(pk__in=ids).delete()


def remove_from_list(subscription: Subscription) -> None:
    """A site's erasure: the person is forgotten by this list (its subscription, the name given
    here, the address on its deliveries) and the address is suppressed for this list only, so
    its signup form cannot add it again. Their other lists are not this site's to touch; the
    person's own row goes only if this was their last subscription."""
    with transaction.atomic():
        subscription = (
            Subscription.objects.select_for_update()
            .select_related("subscriber")
            .filter(pk=subscription.pk)
            .first()
        )
        if subscription is None:  # removed meanwhile (a double click)
            return
        subscriber = subscription.subscriber
        Suppression.suppress(
            subscriber.email,
            Suppression.Reason.ERASED,
            newsletter_list=subscription.newsletter_list,
        )
        _forget([subscription])
        Subscriber.objects.filter(pk=subscriber.pk, subscriptions__isnull=True).delete()


def erase_everywhere(address: str, *, erased_by) -> NetworkErasure | None:
    """The network's erasure (a GDPR request, done by the national data team): the person is
    forgotten by every list, the address is suppressed network-wide (as a hash), and the act is
    logged with who did it and when. An address on no list is still suppressed and logged (the
    request is that it never be mailed), unless it was already erased: then nothing changes and
    None is returned, so a double click logs once."""
    email = normalise_email(address)
    with transaction.atomic():
        # Locked: a second request for the same person waits here, then finds them gone.
        subscriber = Subscriber.objects.select_for_update().filter(email=email).first()
        hashed = email_hash(email)
        if (
            subscriber is None
            and NetworkErasure.objects.filter(email_hash=hashed).exists()
            and Suppression.is_suppressed(email)
        ):
            return None
        # Erased is the reason from now on, even for an address that bounced before.
        Suppression.objects.update_or_create(
            email_hash=hashed, newsletter_list=None, defaults={"reason": Suppression.Reason.ERASED}
        )
        subscriptions = list(subscriber.subscriptions.all()) if subscriber else []
        _forget(subscriptions)
        if subscriber is not None:
            Subscriber.objects.filter(pk=subscriber.pk).delete()
        return NetworkErasure.objects.create(
            email_hash=hashed,
            erased_by=erased_by,
            erased_by_username=erased_by.get_username(),
            subscriptions_removed=len(subscriptions),
        )


# --- confirmation email ----------------------------------------------------------------------


def confirmation_message(subscription: Subscription) -> EmailMultiAlternatives:
    """The confirmation email: HTML and plain text, from the list's name at our own address. The
    resident's name is not in it: anyone can type anything there, and this mail goes to an
    address they have not yet proved is theirs."""
    newsletter_list = subscription.newsletter_list
    site = newsletter_list.site
    subscriber = subscription.subscriber
    list_name = one_line(newsletter_list.from_name or newsletter_list.name)
    context = {
        "list_name": list_name,
        "site_name": site.site_name or site.hostname,
        "site_url": site.root_url,
        "confirm_url": confirm_url(subscription),
        "expires_days": CONFIRM_MAX_AGE // (24 * 3600),
    }
    with translation.override(subscriber.language):
        subject = one_line(render_to_string("newsletter/email/confirm_subject.txt", context))
        text = render_to_string("newsletter/email/confirm.txt", context)
        html = render_to_string("newsletter/email/confirm.html", context)
    reply_to = [newsletter_list.reply_to] if newsletter_list.reply_to else None
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=from_header(newsletter_list),
        to=[subscriber.email],
        reply_to=reply_to,
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    return message


@shared_task
def send_confirmation(subscription_id: int) -> bool:
    """Mail the confirmation link, once: the row is claimed (confirmation_sent_at set where it
    was empty) before sending, so a task delivered twice, or the sweep racing it, sends once.
    If sending fails the claim is released for the sweep to try again."""
    claimed_at = timezone.now()
    claimed = Subscription.objects.filter(
        pk=subscription_id, status=Status.PENDING, confirmation_sent_at__isnull=True
    ).update(confirmation_sent_at=claimed_at)
    if not claimed:
        return False
    subscription = (
        Subscription.objects.select_related("subscriber", "newsletter_list__site")
        .filter(pk=subscription_id)
        .first()
    )
    if subscription is None or Suppression.is_suppressed(
        subscription.subscriber.email, subscription.newsletter_list_id
    ):
        return False
    try:
        confirmation_message(subscription).send()
    except Exception:
        Subscription.objects.filter(pk=subscription_id, confirmation_sent_at=claimed_at).update(
            confirmation_sent_at=None
        )
        raise
    return True


def pending_sweep_after() -> timedelta:
    """A confirmation still unsent this long after the request had its enqueue fail (or its
    task lost): the sweep sends it. Long enough for a task on its way to get there first."""
    return timedelta(seconds=settings.NEWSLETTER_CONFIRMATION_RETRY_SECONDS)


@shared_task
def send_pending_confirmations() -> int:
    """Send the confirmations whose task never ran (the broker was down when the resident
    subscribed); returns how many were sent."""
    due = Subscription.objects.filter(
        status=Status.PENDING,
        confirmation_sent_at__isnull=True,
        created_at__lt=timezone.now() - pending_sweep_after(),
    ).values_list("pk", flat=True)
    sent = 0
    for subscription_id in list(due[:1000]):
        try:
            sent += send_confirmation(subscription_id)
        except Exception:  # one bad address or a mail server hiccup must not stop the rest
            logger.exception("Could not send the confirmation of subscription %s", subscription_id)
    return sent


PURGE_BATCH = 500


@shared_task
def purge_unconfirmed() -> int:
    """Delete subscriptions never confirmed within UNCONFIRMED_LIFETIME, and the people left
    with no subscription at all; returns how many subscriptions were deleted. In batches, each
    its own transaction, so a large backlog never holds long locks."""
    cutoff = timezone.now() - UNCONFIRMED_LIFETIME
    stale = Subscription.objects.filter(status=Status.PENDING, created_at__lt=cutoff)
    purged = 0
    while True:
        with transaction.atomic():
            batch = list(stale.values_list("pk", "subscriber_id")[:PURGE_BATCH])
            if not batch:
                return purged
            # Filtered again: someone may have confirmed since the batch was read.
            _total, deleted = stale.filter(pk__in=[pk for pk, _ in batch]).delete()
            purged += deleted.get(Subscription._meta.label, 0)
            Subscriber.objects.filter(
                pk__in={subscriber_id for _, subscriber_id in batch}, subscriptions__isnull=True
            ).delete()
