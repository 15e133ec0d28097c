"""Subscribing, confirming and unsubscribing: the services behind the public views, the admin
and the unsubscribe_by_email command. A person's data is exported by newsletter.export and
erased by newsletter.erasure.

Each change of state is a conditional update (`UPDATE ... WHERE status = 'pending'`), so two
clicks, two tabs or a task delivered twice change it once; each is recorded as a ConsentRecord
holding when, where and which words. No mail is sent in a request: the confirmation is a task
(newsletter.tasks.send_confirmation) enqueued once the subscription is committed, and a
periodic sweep sends those whose enqueue failed (the broker was down).
"""

import re
from datetime import UTC, datetime
from enum import StrEnum
from urllib.parse import urlsplit, urlunsplit

from django.core import signing
from django.db import transaction
from django.utils import timezone

from cms.core.queue import enqueue_on_commit

from .conf import CLOCK_SKEW, RESEND_CONFIRMATION_AFTER
from .models import (
    ORIGIN_MAX_LENGTH,
    SOURCE_MAX_LENGTH,
    ConsentRecord,
    Delivery,
    NewsletterList,
    Subscriber,
    Subscription,
    Suppression,
    normalise_email,
)
from .tasks import send_confirmation

Status = Subscription.Status
Action = ConsentRecord.Action


# --- tokens and sources ---------------------------------------------------------------------


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


SOURCE = re.compile(rf"[a-z0-9](?:[a-z0-9_-]{{0,{SOURCE_MAX_LENGTH - 1}}})")
ORIGIN = re.compile(r"https?://[a-z0-9.-]{1,190}(?::[0-9]{1,5})?")


def clean_source(source) -> str | None:
    """A widget's data-source as recorded: lowercase letters, digits, - and _ (e.g.
    "age-uk-coventry"), at most SOURCE_MAX_LENGTH; "" when absent, None when not like that."""
    if source in (None, ""):
        return ""
    if not isinstance(source, str):
        return None
    source = source.strip().lower()
    return source if SOURCE.fullmatch(source) else None


def clean_origin(origin) -> str:
    """The embedding page's origin (the Origin header: scheme, host and port, nothing else),
    or "" when absent or not one ("null", a path, odd characters)."""
    if not isinstance(origin, str):
        return ""
    origin = origin.strip().lower()
    if len(origin) > ORIGIN_MAX_LENGTH or not ORIGIN.fullmatch(origin):
        return ""
    return origin


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


# --- subscribing ----------------------------------------------------------------------------


def subscribe(
    newsletter_list: NewsletterList,
    *,
    email: str,
    name: str = "",
    language: str = "en",
    page_language: str = "",
    source_url: str = "",
    wording: str = "",
    source: str = "",
    origin: str = "",
) -> Subscription | None:
    """Ask `email` to confirm a subscription to `newsletter_list`.

    Answers nothing the caller should show: an address suppressed for this list (or the whole
    network) is refused silently (nothing stored, nothing sent), a confirmed subscriber is left
    as they are (no mail), a pending one is mailed again at most every
    RESEND_CONFIRMATION_AFTER, an unsubscribed one starts over. The name is this list's (the
    subscription's); an existing subscription's name and the person's language are not
    changed: anyone can type an address. `page_language` is the language of the page the form
    was on: the confirmation is written in it (the subscriber's language when not given).
    `wording` is the consent words as the form showed them (the list's own when not given).
    `source`, `origin`: the member's website a widget was on (clean_source, clean_origin).
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
            subscriber=subscriber,
            newsletter_list=newsletter_list,
            defaults={"name": name, "language": page_language},
        )
        if created:
            mail = True
        elif subscription.status == Status.CONFIRMED:
            return subscription
        else:
            mail = _asked_again(subscription, now)
            if page_language and subscription.language != page_language:
                # Asked again from another language's page: the new mail is in that language.
                Subscription.objects.filter(pk=subscription.pk).update(language=page_language)
                subscription.language = page_language
        ConsentRecord.objects.create(
            subscription=subscription,
            newsletter_list=newsletter_list,
            action=Action.SUBSCRIBED,
            source_url=source_url,
            source=source,
            origin=origin,
            wording=wording or newsletter_list.consent_wording,
            wording_version=newsletter_list.consent_version,
        )
        if mail:
            enqueue_on_commit(send_confirmation, subscription.pk)
    return subscription


def _asked_again(subscription: Subscription, now) -> bool:
    """A subscription not confirmed and asked for again: whether to mail a new confirmation
    (each by a conditional update, so two requests at once mail once)."""
    if subscription.status == Status.UNSUBSCRIBED:
        # A new request: created_at restarts the 30 days and retires older links.
        return bool(
            Subscription.objects.filter(pk=subscription.pk, status=Status.UNSUBSCRIBED).update(
                status=Status.PENDING,
                created_at=now,
                confirmation_sent_at=None,
                confirmed_at=None,
                unsubscribed_at=None,
            )
        )
    sent = subscription.confirmation_sent_at
    if sent is None:  # still on its way, or the sweep will send it
        return False
    if sent >= now - RESEND_CONFIRMATION_AFTER:  # mailed lately: not again yet
        return False
    return bool(
        Subscription.objects.filter(
            pk=subscription.pk, status=Status.PENDING, confirmation_sent_at=sent
        ).update(confirmation_sent_at=None)
    )


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
            source=asked.source if asked else "",
            origin=asked.origin if asked else "",
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
