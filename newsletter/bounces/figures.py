"""What editors see of bounces and complaints: per send, how its mail fared after it left
(delivered, bounced, complained, unsubscribed), and per list, its bounce and complaint rates
over the last NEWSLETTER_RATES_DAYS days, with a warning above the thresholds mail providers
act on. Each is a few grouped queries however many sends or lists are shown."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.utils import timezone

from ..conf import BOUNCE_RATE_WARNING, COMPLAINT_RATE_WARNING, rates_window
from ..models import Delivery, DeliveryEvent, Subscription

Kind = DeliveryEvent.Kind
BOUNCES = [Kind.HARD_BOUNCE, Kind.SOFT_BOUNCE]


@dataclass
class SendOutcome:
    """After a send: `sent` is what our mail server accepted; a bounce reported later means it
    was not delivered after all. `unsubscribed` counts its recipients who unsubscribed (by
    any means: the link, the mailto, a complaint) after it was sent to them."""

    sent: int = 0
    bounced: int = 0
    complained: int = 0
    unsubscribed: int = 0

    @property
    def delivered(self) -> int:
        return max(0, self.sent - self.bounced)


def _event_counts(events, key: str) -> dict[int, tuple[int, int]]:
    """{key value: (bounced deliveries, complained deliveries)} in one grouped query."""
    rows = (
        events.values(key)
        .annotate(
            bounced=Count("delivery_id", filter=Q(kind__in=BOUNCES), distinct=True),
            complained=Count("delivery_id", filter=Q(kind=Kind.COMPLAINT), distinct=True),
        )
        .order_by()
    )
    return {row[key]: (row["bounced"], row["complained"]) for row in rows}


def send_outcomes(send_ids: Iterable[int]) -> dict[int, SendOutcome]:
    """Each send's outcome, from two grouped queries."""
    ids = list(send_ids)
    outcomes = {send_id: SendOutcome() for send_id in ids}
    if not ids:
        return outcomes
    left = Q(
        subscription__status=Subscription.Status.UNSUBSCRIBED,
        subscription__unsubscribed_at__gte=F("sent_at"),
    )
    rows = (
        Delivery.objects.filter(send_id__in=ids, status=Delivery.Status.SENT)
        .values("send_id")
        .annotate(sent=Count("pk"), unsubscribed=Count("pk", filter=left))
        .order_by()
    )
    for row in rows:
        outcomes[row["send_id"]].sent = row["sent"]
        outcomes[row["send_id"]].unsubscribed = row["unsubscribed"]
    events = DeliveryEvent.objects.filter(delivery__send_id__in=ids)
    for send_id, (bounced, complained) in _event_counts(events, "delivery__send_id").items():
        outcomes[send_id].bounced, outcomes[send_id].complained = bounced, complained
    return outcomes


@dataclass
class ListRates:
    """A list's mail sent in the last `days` days, and how much of it bounced or drew a
    complaint (each counted against the deliveries it is about, so both sides of a rate are
    the same mail)."""

    days: int
    sent: int = 0
    bounced: int = 0
    complained: int = 0

    @property
    def bounce_rate(self) -> float:
        return self.bounced / self.sent if self.sent else 0.0

    @property
    def complaint_rate(self) -> float:
        return self.complained / self.sent if self.sent else 0.0

    @property
    def bounce_percent(self) -> str:
        return f"{100 * self.bounce_rate:.2f}"

    @property
    def complaint_percent(self) -> str:
        return f"{100 * self.complaint_rate:.2f}"

    @property
    def too_many_complaints(self) -> bool:
        return self.complaint_rate > COMPLAINT_RATE_WARNING

    @property
    def too_many_bounces(self) -> bool:
        return self.bounce_rate > BOUNCE_RATE_WARNING

    @property
    def complaint_warning_percent(self) -> str:
        return f"{100 * COMPLAINT_RATE_WARNING:.1f}"

    @property
    def bounce_warning_percent(self) -> str:
        return f"{100 * BOUNCE_RATE_WARNING:.0f}"


def list_rates(list_ids: Iterable[int]) -> dict[int, ListRates]:
    """Each list's rates over the window, from two grouped queries."""
    ids = list(list_ids)
    window = rates_window()
    rates = {list_id: ListRates(days=window.days) for list_id in ids}
    if not ids:
        return rates
    recent = Delivery.objects.filter(
        send__newsletter_list_id__in=ids,
        status=Delivery.Status.SENT,
        sent_at__gte=timezone.now() - window,
    )
    for row in recent.values("send__newsletter_list_id").annotate(n=Count("pk")).order_by():
        rates[row["send__newsletter_list_id"]].sent = row["n"]
    events = DeliveryEvent.objects.filter(delivery__in=recent)
    for list_id, counts in _event_counts(events, "delivery__send__newsletter_list_id").items():
        rates[list_id].bounced, rates[list_id].complained = counts
    return rates
