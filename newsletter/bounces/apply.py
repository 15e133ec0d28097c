"""Acting on a bounce or complaint about one delivery: record it once (one DeliveryEvent per
delivery and kind, so a report read twice, or sent by both the mailbox and a webhook, counts
once) and keep the list clean:

- a hard bounce suppresses the address on that delivery's list at once;
- a soft bounce suppresses it once it has soft-bounced NEWSLETTER_SOFT_BOUNCE_LIMIT different
  sends of that list within NEWSLETTER_SOFT_BOUNCE_DAYS;
- a complaint suppresses it on that list and unsubscribes the subscription (recorded as a
  consent record, as any unsubscribe is);
- an unsubscribe reported by an email service unsubscribes the subscription.

Always the delivery's own list: another site's list is not this report's to decide (the person
may have complained about one newsletter and still want another)."""

import logging
from dataclasses import dataclass
from enum import StrEnum

from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import subscriptions
from ..conf import soft_bounce_limit, soft_bounce_window
from ..models import Delivery, DeliveryEvent, Suppression
from .parse import Report

logger = logging.getLogger(__name__)
Kind = DeliveryEvent.Kind


class Outcome(StrEnum):
    RECORDED = "recorded"
    DUPLICATE = "duplicate"  # already recorded for that delivery: nothing changed
    IGNORED = "ignored"  # no such delivery (any more): nothing changed


@dataclass
class Result:
    outcome: Outcome
    text: str  # for the log and the command's output


def apply_report(report: Report) -> Result:
    """Record the report and act on it, in one transaction."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_related("send__newsletter_list")
            .filter(pk=report.delivery_id)
            .first()
        )
        if delivery is None:
            return Result(Outcome.IGNORED, f"delivery {report.delivery_id} does not exist")
        if not delivery.email:
            return Result(
                Outcome.IGNORED,
                f"delivery {delivery.pk}'s recipient was erased: nothing is kept about them",
            )
        try:
            with transaction.atomic():
                DeliveryEvent.objects.create(
                    delivery=delivery,
                    kind=report.kind,
                    source=report.source[:40],
                    diagnostic=report.diagnostic[:500],
                    status_code=report.status_code[:16],
                )
        except IntegrityError:  # the same report again (or at the same time)
            return Result(
                Outcome.DUPLICATE, f"{report.kind} of delivery {delivery.pk} already recorded"
            )
        done = _act(delivery, report.kind)
    newsletter_list = delivery.send.newsletter_list
    text = f"{report.kind} of delivery {delivery.pk} (list “{newsletter_list}”): {done}"
    logger.info("Newsletter %s: %s", report.source, text)
    return Result(Outcome.RECORDED, text)


def _act(delivery: Delivery, kind: str) -> str:
    newsletter_list = delivery.send.newsletter_list
    if kind == Kind.HARD_BOUNCE:
        _suppress(delivery, Suppression.Reason.BOUNCED)
        return "address suppressed on this list"
    if kind == Kind.SOFT_BOUNCE:
        count = soft_bounces(delivery.email, newsletter_list.pk)
        if count >= soft_bounce_limit():
            _suppress(delivery, Suppression.Reason.BOUNCED)
            return f"soft bounce {count} of {soft_bounce_limit()}: address suppressed on this list"
        return f"soft bounce {count} of {soft_bounce_limit()}: still mailed"
    if kind == Kind.COMPLAINT:
        _suppress(delivery, Suppression.Reason.COMPLAINED)
        _unsubscribe(delivery)
        return "address suppressed on this list and unsubscribed"
    _unsubscribe(delivery)
    return "unsubscribed"


def soft_bounces(address: str, list_id: int) -> int:
    """How many different sends of the list soft-bounced at the address lately."""
    since = timezone.now() - soft_bounce_window()
    return (
        DeliveryEvent.objects.filter(
            kind=Kind.SOFT_BOUNCE,
            created_at__gte=since,
            delivery__email__iexact=address,
            delivery__send__newsletter_list_id=list_id,
        )
        .values("delivery__send_id")
        .distinct()
        .count()
    )


def _suppress(delivery: Delivery, reason: str) -> None:
    """Suppressed on the delivery's list; its deliveries still queued there are skipped."""
    newsletter_list = delivery.send.newsletter_list
    Suppression.suppress(delivery.email, reason, newsletter_list=newsletter_list)
    Delivery.objects.filter(
        email__iexact=delivery.email,
        send__newsletter_list=newsletter_list,
        status=Delivery.Status.QUEUED,
    ).update(status=Delivery.Status.SKIPPED)


def _unsubscribe(delivery: Delivery) -> None:
    if delivery.subscription_id is not None:
        subscriptions.unsubscribe(delivery.subscription_id)
