"""Celery tasks of the newsletter pipeline: where the app plugs into Celery. They take ids, are
safe to run twice (with acks_late and reject_on_worker_lost Celery may deliver one again) and
leave the work to newsletter.sending.

A send runs as a few chains of one-batch tasks: start_send puts up to
NEWSLETTER_CONCURRENT_BATCHES send_batch tasks in flight; each claims and sends one batch,
then enqueues its successor while due rows remain. So:
- every worker process can work on a send (more workers, more chains running at once);
- no task runs long: a confirmation email or another chapter's send queued behind a big
  newsletter waits for one batch, not for the whole list, and no task outlives the broker's
  visibility timeout (which would have Redis deliver it a second time);
- the broker holds a handful of messages per send, not one per batch.
A chain lost with a dead worker is restarted by the sweep (beat), which sees due rows that
no batch has claimed for two sweep periods. Under CELERY_TASK_ALWAYS_EAGER (no worker) a task
loops over the batches instead of enqueueing itself, which would nest one call per batch.

Beat runs sweep_sends every NEWSLETTER_SWEEP_SECONDS: it also starts scheduled sends, by
polling the database, so no task is ever given an ETA (Redis would redeliver an ETA task
held past its visibility timeout).
"""

import logging

from celery import shared_task

from . import sending
from .models import NewsletterIssuePage, Send

logger = logging.getLogger(__name__)


def is_eager() -> bool:
    """No broker: tasks run in the caller's process (CELERY_TASK_ALWAYS_EAGER)."""
    return bool(send_batch.app.conf.task_always_eager)


def enqueue_batches(send_id: int, count: int) -> None:
    for _ in range(min(count, 1) if is_eager() else count):
        send_batch.delay(send_id)


@shared_task
def start_send(send_id: int) -> int:
    """Start a queued (or due scheduled) send: record its deliveries, render it, and put its
    batches in flight. Returns the number of recipients (0 if this call did not start it)."""
    recipients = sending.begin_send(send_id)
    if recipients is None:
        return 0
    enqueue_batches(send_id, sending.batches_to_enqueue(send_id))
    if not recipients:
        sending.finish_if_done(send_id)
    return recipients


@shared_task
def send_batch(send_id: int) -> int:
    """Send one batch of a send, then hand over to a successor if due rows remain. Returns
    how many emails this task sent."""
    sent = 0
    while True:
        outcome = sending.send_next_batch(send_id)
        sent += outcome.sent
        if not outcome.more:
            return sent
        if not is_eager():
            send_batch.delay(send_id)
            return sent


@shared_task
def resume_send(send_id: int) -> int:
    """After the admin moved a paused send back to sending: put its batches in flight again.
    A send paused before it was prepared (its issue could not be rendered) starts over."""
    send = Send.objects.filter(pk=send_id, status=Send.Status.SENDING).first()
    if send is None:
        return 0
    if not send.renderings.exists():
        Send.objects.filter(pk=send_id, status=Send.Status.SENDING).update(
            status=Send.Status.QUEUED
        )
        return start_send(send_id)
    count = max(1, sending.batches_to_enqueue(send_id))
    enqueue_batches(send_id, count)
    return count


@shared_task
def sweep_sends() -> dict:
    """Periodic (beat): put back claims of dead workers, start due scheduled sends, restart
    sends whose batch tasks were lost, close finished sends."""
    report = sending.sweep()
    for send_id in report.to_start:
        start_send.delay(send_id)
    for send_id, count in report.to_resume.items():
        logger.info("Send %s: no batch at work, enqueueing %d", send_id, count)
        enqueue_batches(send_id, count)
    return {
        "requeued": report.requeued,
        "failed": report.failed,
        "started": report.to_start,
        "resumed": list(report.to_resume),
        "finished": report.finished,
    }


@shared_task
def send_test(issue_id: int, address: str) -> bool:
    """The issue, marked as a test, to one address (an editor's own)."""
    issue = NewsletterIssuePage.objects.filter(pk=issue_id).first()
    if issue is None:
        return False
    return bool(sending.proof_message(issue, address).send())
