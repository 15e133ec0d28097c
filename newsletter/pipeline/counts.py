"""A send's numbers: its deliveries counted by status, for many sends in one grouped query."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count

from ..models import Delivery


@dataclass
class Counts:
    queued: int = 0
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    skipped: int = 0

    @property
    def total(self) -> int:
        return self.queued + self.claimed + self.sent + self.failed + self.skipped

    @property
    def remaining(self) -> int:
        return self.queued + self.claimed

    @property
    def done(self) -> int:
        return self.sent + self.failed + self.skipped


def delivery_counts(send_ids: Iterable[int]) -> dict[int, Counts]:
    """Delivery counts of many sends in one grouped query."""
    counts: dict[int, Counts] = {}
    rows = (
        Delivery.objects.filter(send_id__in=list(send_ids))
        .values("send_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        setattr(counts.setdefault(row["send_id"], Counts()), row["status"], row["n"])
    return counts
