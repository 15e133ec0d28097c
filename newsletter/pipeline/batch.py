"""Sending one batch of a send: claim up to NEWSLETTER_BATCH_SIZE due rows, hand their emails
to the worker process's SMTP connections (lanes: several at once), mark the rows as the server
answered, keep a heartbeat on the claims and skip who unsubscribed meanwhile. Also the
questions the tasks and the sweep ask about a send's rows: which are due, how many batches to
put in flight, whether it is done.

Bookkeeping is batched: the rows the server accepted are marked sent by one UPDATE per
MARK_SENT_ROWS rows (or per checkpoint, about once a second), which holds only for rows still
claimed with this batch's token. Until then they stay claimed, so a kill -9 loses nothing (the
sweep puts claimed rows back) and sends again at most the rows that were claimed: the ones in
flight."""

import logging
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.db import connection as db_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from ..conf import batch_size, concurrent_batches, max_attempts, retry_delay, smtp_connections
from ..models import Delivery, Send, Subscription, Suppression, email_hash
from .compose import RECIPIENT_FIELDS, DeliveryEmails, Recipient
from .lanes import Lanes, Outcome
from .smtp import classify, pause_reason, take_mailers

logger = logging.getLogger(__name__)

Status = Send.Status
Row = Delivery.Status

CHECKPOINT_SECONDS = 1.0  # a batch refreshes its claims and re-reads unsubscribes this often
MARK_SENT_ROWS = 50  # rows accepted by the server marked sent in one UPDATE


class Stop(StrEnum):
    """Why a batch ended before its last row."""

    PAUSED = "paused"  # the mail server refused our credentials or sender: the send is paused
    UNAVAILABLE = "unavailable"  # could not reach the mail server: rows released with a delay
    CLAIM_LOST = "claim_lost"  # our claims were taken back (we stalled past the claim timeout)
    NOT_SENDING = "not_sending"  # the send is paused, cancelled or finished


@dataclass
class BatchOutcome:
    claimed: int = 0
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    retried: int = 0
    stopped: Stop | None = None
    more: bool = False  # due rows are left and the send goes on: hand over to a next batch
    finished: bool = False  # this batch closed the send


def due_deliveries(send_id: int, now: datetime | None = None):
    now = now or timezone.now()
    return Delivery.objects.filter(send_id=send_id, status=Row.QUEUED).filter(
        Q(not_before__isnull=True) | Q(not_before__lte=now)
    )


def batches_to_enqueue(send_id: int) -> int:
    """How many batch tasks to put in flight: one per due batch, up to concurrent_batches()."""
    due = due_deliveries(send_id).count()
    return min(concurrent_batches(), -(-due // batch_size()))


def finish_if_done(send_id: int) -> bool:
    """sending → sent once no row is queued or claimed; True if this call did it."""
    if Delivery.objects.filter(send_id=send_id, status__in=[Row.QUEUED, Row.CLAIMED]).exists():
        return False
    return bool(
        Send.objects.filter(pk=send_id, status=Status.SENDING).update(
            status=Status.SENT, finished_at=timezone.now()
        )
    )


def claim_batch(send_id: int, size: int | None = None) -> tuple[str, list[int]]:
    """Claim up to `size` due rows for this batch: (claim token, their ids).

    On PostgreSQL the rows are picked FOR UPDATE SKIP LOCKED, so concurrent batches take
    different rows without waiting; elsewhere the conditional UPDATE alone decides (each row
    goes to one claimer), which is enough for SQLite's one writer at a time."""
    token = secrets.token_hex(16)
    now = timezone.now()
    due = due_deliveries(send_id, now)
    with transaction.atomic():
        if db_connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        # In the (send, status, not_before) index's order: retries that are due come first.
        ids = list(due.order_by("not_before").values_list("pk", flat=True)[: size or batch_size()])
        if not ids:
            return token, []
        Delivery.objects.filter(pk__in=ids, status=Row.QUEUED).update(
            status=Row.CLAIMED, claim_token=token, claimed_at=now
        )
    claimed = list(
        Delivery.objects.filter(pk__in=ids, claim_token=token, status=Row.CLAIMED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return token, claimed


class _Batch:
    """The rows one batch task holds, identified by their claim token. Every change to a row
    is an UPDATE that holds only while this batch still owns it."""

    def __init__(self, send: Send, token: str, ids: list[int]):
        self.send = send
        self.token = token
        self.remaining = set(ids)  # claimed, not yet settled
        self.accepted: list[int] = []  # accepted by the server, not yet marked sent
        self.outcome = BatchOutcome(claimed=len(ids))
        self.delay: timedelta | None = None  # before the rows given back are due again
        self.last_checkpoint = time.monotonic()

    def mine(self, ids):
        return Delivery.objects.filter(pk__in=ids, claim_token=self.token, status=Row.CLAIMED)

    def rows(self) -> list[Recipient]:
        """The claimed rows, as plain tuples (a batch holds no model instances)."""
        rows = self.mine(self.remaining).order_by("pk").values_list(*RECIPIENT_FIELDS)
        return [Recipient(*row) for row in rows]

    def done(self, delivery: Recipient) -> None:
        self.remaining.discard(delivery.pk)

    def sent(self, delivery: Recipient) -> bool:
        """The server accepted the email: marked sent with the next few (False if our claims
        were taken back meanwhile)."""
        self.done(delivery)
        self.accepted.append(delivery.pk)
        return len(self.accepted) < MARK_SENT_ROWS or self.mark_sent()

    def mark_sent(self) -> bool:
        """One UPDATE for the rows accepted since the last one; False if some were no longer
        ours: the sweep took the batch back while we were stuck, so another batch may send
        them too."""
        if not self.accepted:
            return True
        ids, self.accepted = self.accepted, []
        updated = self.mine(ids).update(
            status=Row.SENT, sent_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
        )
        self.outcome.sent += updated
        if updated < len(ids):
            logger.warning(
                "Send %s: %d deliveries sent after their claim was lost",
                self.send.pk,
                len(ids) - updated,
            )
            return False
        return True

    def skip(self, ids: list[int], reason: str) -> None:
        if ids:
            self.outcome.skipped += self.mine(ids).update(status=Row.SKIPPED, last_error=reason)
            self.remaining.difference_update(ids)

    def fail(self, delivery: Recipient, error: str) -> None:
        self.outcome.failed += self.mine([delivery.pk]).update(
            status=Row.FAILED, attempts=F("attempts") + 1, last_error=error[:500]
        )
        self.done(delivery)

    def retry(self, delivery: Recipient, error: str) -> None:
        """A temporary failure: back in the queue after a backoff, or failed after the last
        allowed attempt."""
        attempts = delivery.attempts + 1
        if attempts >= max_attempts():
            self.fail(delivery, f"Gave up after {attempts} attempts: {error}")
            return
        self.outcome.retried += self.mine([delivery.pk]).update(
            status=Row.QUEUED,
            attempts=attempts,
            not_before=timezone.now() + retry_delay(attempts),
            last_error=error[:500],
            claim_token="",
        )
        self.done(delivery)

    def release(self, delay: timedelta | None = None) -> None:
        """Hand every row still held back to the queue (not counted as an attempt), once the
        ones the server accepted are marked sent."""
        self.mark_sent()
        if self.remaining:
            self.mine(self.remaining).update(
                status=Row.QUEUED,
                claim_token="",
                not_before=timezone.now() + delay if delay else None,
            )
            self.remaining = set()

    def checkpoint(self, force: bool = False) -> bool:
        """About once a second: mark sent what the server accepted, refresh the claims (the
        heartbeat that tells the sweep this batch is alive) and skip rows whose subscription
        ended meanwhile. False if the claims were taken back: the sweep decided this batch was
        dead, the rows are someone else's."""
        if not force and time.monotonic() - self.last_checkpoint < CHECKPOINT_SECONDS:
            return True
        self.last_checkpoint = time.monotonic()
        if not self.mark_sent():
            return False
        if not self.remaining:
            return True
        refreshed = self.mine(self.remaining).update(claimed_at=timezone.now())
        if refreshed < len(self.remaining):
            held = set(self.mine(self.remaining).values_list("pk", flat=True))
            logger.warning(
                "Send %s: %d claimed rows were taken back from batch %s",
                self.send.pk,
                len(self.remaining) - len(held),
                self.token,
            )
            self.remaining &= held
            if not held:
                return False
        ended = list(
            self.mine(self.remaining)
            .filter(
                Q(subscription__isnull=True)
                | ~Q(subscription__status=Subscription.Status.CONFIRMED)
            )
            .values_list("pk", flat=True)
        )
        self.skip(ended, "unsubscribed")
        return True


def _pause(send: Send, reason: str) -> None:
    Send.objects.filter(pk=send.pk, status=Status.SENDING).update(
        status=Status.PAUSED, paused_reason=reason
    )
    logger.error("Send %s paused: %s", send.pk, reason)


def _suppressed_ids(send: Send, rows: list[Recipient]) -> list[int]:
    """The rows whose address was suppressed (network-wide or for this list) since recording."""
    hashes = {row.pk: email_hash(row.email) for row in rows if row.email}
    found = Suppression.suppressed_hashes(send.newsletter_list_id, hashes.values())
    return [pk for pk, value in hashes.items() if value in found]


def _not_wanted(rows: list[Recipient]) -> list[int]:
    return [
        row.pk
        for row in rows
        if row.subscription_id is None
        or row.status != Subscription.Status.CONFIRMED
        or not row.email
    ]


def send_next_batch(send_id: int) -> BatchOutcome:
    """Claim one batch of the send's due rows and send it. See the module docstring."""
    send = Send.objects.select_related("newsletter_list__site").filter(pk=send_id).first()
    if send is None or send.status != Status.SENDING:
        return BatchOutcome(stopped=Stop.NOT_SENDING)
    token, ids = claim_batch(send_id)
    batch = _Batch(send, token, ids)
    if ids:
        _send_rows(send, batch)
    outcome = batch.outcome
    if outcome.stopped is None:
        outcome.more = due_deliveries(send_id).exists()
    outcome.finished = finish_if_done(send_id)
    return outcome


def _send_rows(send: Send, batch: _Batch) -> None:
    rows = batch.rows()
    batch.skip(_not_wanted(rows), "unsubscribed")
    batch.skip(_suppressed_ids(send, rows), "suppressed")
    renderings = list(send.renderings.all())
    if not renderings:
        _pause(send, "The issue was never rendered for this send. Resume it to prepare it again.")
        batch.release()
        batch.outcome.stopped = Stop.PAUSED
        return
    emails = DeliveryEmails(send, renderings)
    with Lanes(take_mailers(smtp_connections(), send.pk, send.newsletter_list)) as lanes:
        try:
            _hand_over(send, batch, rows, emails, lanes)
        finally:
            for outcome in lanes.stop():  # what was in flight when we stopped
                _settle(send, batch, lanes, outcome)
            # Whatever stopped us early, nothing stays claimed by us.
            batch.release(batch.delay)


def _hand_over(
    send: Send, batch: _Batch, rows: list[Recipient], emails: DeliveryEmails, lanes: Lanes
) -> None:
    """Give each row's email to the lanes and settle the outcomes as they come; stop early
    (batch.outcome.stopped, and batch.delay before the rows left are due again) if the batch
    must. The heartbeat goes on while the lanes are busy, up to the last answer: at a paced
    server the emails made ahead take many seconds to go."""
    for delivery in rows:
        if delivery.pk not in batch.remaining:
            continue
        if not _beat(batch):
            return
        if delivery.pk not in batch.remaining:  # unsubscribed during the batch
            continue
        try:
            envelope = emails.envelope(delivery)
        except Exception as exc:
            _settle(send, batch, lanes, Outcome(delivery, exc))
            continue
        if not _offer(send, batch, lanes, delivery, envelope):
            return
    while lanes.waiting():
        for outcome in lanes.collect(wait=True):
            _settle(send, batch, lanes, outcome)
        if batch.outcome.stopped is not None or not _beat(batch):
            return
    for outcome in lanes.collect():
        _settle(send, batch, lanes, outcome)


def _beat(batch: _Batch) -> bool:
    """The batch's heartbeat (batch.checkpoint); False, and the batch stopped, if its claims
    were taken back."""
    if batch.checkpoint():
        return True
    batch.outcome.stopped = Stop.CLAIM_LOST
    return False


def _offer(send: Send, batch: _Batch, lanes: Lanes, delivery: Recipient, envelope) -> bool:
    """Hand one email to the lanes, settling outcomes and keeping the heartbeat while they are
    all busy; False if the batch must stop (no lane left, or a decision to stop)."""
    while True:
        taken, outcomes = lanes.send(delivery, envelope)
        for outcome in outcomes:
            _settle(send, batch, lanes, outcome)
        if batch.outcome.stopped is not None:
            return False
        if taken:
            return True
        if not lanes.alive or not _beat(batch):
            return False


def _settle(send: Send, batch: _Batch, lanes: Lanes, outcome: Outcome) -> None:
    """Book one outcome a lane reported. A decision to stop is kept in batch.outcome.stopped
    (the first one counts)."""
    if outcome.connect:
        if not lanes.alive and batch.outcome.stopped is None:
            _connection_failed(send, batch, outcome.error)
        return
    delivery = outcome.job
    if outcome.error is None:
        if not batch.sent(delivery) and batch.outcome.stopped is None:
            batch.outcome.stopped = Stop.CLAIM_LOST
        return
    _delivery_failed(send, batch, delivery, outcome.error)


def _connection_failed(send: Send, batch: _Batch, exc: BaseException) -> None:
    action, message = classify(exc)
    if action in ("pause", "fail"):  # refused login, or a mail setting that cannot work
        _pause(send, pause_reason(exc, message, send.newsletter_list))
        batch.outcome.stopped = Stop.PAUSED
        return
    logger.warning("Send %s: cannot reach the mail server: %s", send.pk, message)
    batch.delay = retry_delay(1)
    batch.outcome.stopped = Stop.UNAVAILABLE


def _delivery_failed(send: Send, batch: _Batch, delivery: Recipient, exc: BaseException) -> None:
    """Book one failed delivery; a failure that stops the batch (the server refused our
    sender or login) pauses the send."""
    action, message = classify(exc)
    if action == "pause":
        if batch.outcome.stopped is None:
            _pause(send, pause_reason(exc, message, send.newsletter_list))
            batch.outcome.stopped = Stop.PAUSED
        return
    if action == "bounce":
        batch.fail(delivery, message)
        Suppression.suppress(delivery.email, Suppression.Reason.BOUNCED, send.newsletter_list)
    elif action == "fail":
        logger.error("Send %s: delivery %s cannot be sent: %s", send.pk, delivery.pk, message)
        batch.fail(delivery, message)
    else:  # retry, or reconnect (the lane has opened its connection again, or stopped)
        batch.retry(delivery, message)
