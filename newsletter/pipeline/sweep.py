"""The periodic sweep's work on the database (the sweep_sends task enqueues what it reports):
put back the claims of dead batches, and find the sends to start, to resume and to close."""

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import F, Q
from django.utils import timezone

from ..conf import claim_timeout, max_attempts, stalled_after
from ..models import Delivery, Send
from .batch import batches_to_enqueue, due_deliveries, finish_if_done

logger = logging.getLogger(__name__)

Status = Send.Status
Row = Delivery.Status


@dataclass
class SweepReport:
    requeued: int = 0  # claims of dead batches put back
    failed: int = 0  # ... or failed, having used up their attempts
    to_start: list[int] = field(default_factory=list)  # sends to (re)start
    to_resume: dict[int, int] = field(default_factory=dict)  # send → batch tasks to enqueue
    finished: list[int] = field(default_factory=list)


def requeue_stale_claims(now: datetime | None = None) -> tuple[int, int]:
    """Claims whose heartbeat stopped for NEWSLETTER_CLAIM_TIMEOUT belong to a dead worker:
    back to the queue, counting the interrupted try as an attempt (a row that kills its worker
    every time must end failed, not loop)."""
    now = now or timezone.now()
    stale = Delivery.objects.filter(status=Row.CLAIMED, claimed_at__lt=now - claim_timeout())
    failed = stale.filter(attempts__gte=max_attempts() - 1).update(
        status=Row.FAILED,
        attempts=F("attempts") + 1,
        claim_token="",
        last_error="Gave up: the worker sending it stopped responding too many times",
    )
    requeued = stale.update(
        status=Row.QUEUED,
        attempts=F("attempts") + 1,
        claim_token="",
        not_before=None,
        last_error="Taken back from a worker that stopped responding",
    )
    if requeued or failed:
        logger.warning("Sweep: %d stale claims requeued, %d failed", requeued, failed)
    return requeued, failed


def sweep() -> SweepReport:
    """The periodic sweep's work on the database; the task enqueues what it reports."""
    now = timezone.now()
    report = SweepReport()
    report.requeued, report.failed = requeue_stale_claims(now)
    # Due scheduled sends, and queued ones whose start task was lost (the broker was down).
    report.to_start = list(
        Send.objects.filter(
            Q(status=Status.SCHEDULED, scheduled_for__lte=now) | Q(status=Status.QUEUED)
        ).values_list("pk", flat=True)
    )
    stalled_since = now - stalled_after()
    for send_id in Send.objects.filter(status=Status.SENDING).values_list("pk", flat=True):
        if finish_if_done(send_id):
            report.finished.append(send_id)
            continue
        if not due_deliveries(send_id, now).exists():
            continue  # rows in backoff: a later sweep
        if Delivery.objects.filter(send_id=send_id, claimed_at__gte=stalled_since).exists():
            continue  # batches are at work
        report.to_resume[send_id] = batches_to_enqueue(send_id)
    return report
