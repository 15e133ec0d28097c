"""Every Celery task of the newsletter: where the app plugs into Celery. They take ids, are
safe to run twice (with acks_late and reject_on_worker_lost Celery may deliver one again) and
leave the work to newsletter.pipeline (sending issues) and newsletter.message (building mail).

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

Confirmation emails: subscribing enqueues send_confirmation once the subscription is
committed; beat runs send_pending_confirmations (every minute or so) for those whose enqueue
failed, and purge_unconfirmed (daily). These three keep the names they had when they lived in
newsletter/subscriptions.py (name=...): the beat schedule names them, and a DeferredTask row
kept while the broker was down holds the name, so nothing queued before the move is lost.
"""

import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from cms.core.queue import enqueue, runs_inline

from .conf import UNCONFIRMED_LIFETIME, pending_sweep_after
from .message import confirmation_message, proof_message
from .models import (
    NewsletterIssuePage,
    NewsletterList,
    Send,
    Subscriber,
    Subscription,
    Suppression,
)
from .pipeline.batch import batches_to_enqueue, finish_if_done, send_next_batch
from .pipeline.queueing import begin_send
from .pipeline.single import send_for_list
from .pipeline.sweep import sweep
from .rendering import issue_site

logger = logging.getLogger(__name__)


def is_eager() -> bool:
    """No broker: tasks run in the caller's process (CELERY_TASK_ALWAYS_EAGER, or without
    Celery django-tasks' immediate backend)."""
    return runs_inline()


def enqueue_batches(send_id: int, count: int) -> None:
    for _ in range(min(count, 1) if is_eager() else count):
        enqueue(send_batch, send_id)


@shared_task
def start_send(send_id: int) -> int:
    """Start a queued (or due scheduled) send: record its deliveries, render it, and put its
    batches in flight. Returns the number of recipients (0 if this call did not start it)."""
    recipients = begin_send(send_id)
    if recipients is None:
        return 0
    enqueue_batches(send_id, batches_to_enqueue(send_id))
    if not recipients:
        finish_if_done(send_id)
    return recipients


@shared_task
def send_batch(send_id: int) -> int:
    """Send one batch of a send, then hand over to a successor if due rows remain. Returns
    how many emails this task sent."""
    sent = 0
    while True:
        outcome = send_next_batch(send_id)
        sent += outcome.sent
        if not outcome.more:
            return sent
        if not is_eager():
            enqueue(send_batch, send_id)
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
    count = max(1, batches_to_enqueue(send_id))
    enqueue_batches(send_id, count)
    return count


@shared_task
def sweep_sends() -> dict:
    """Periodic (beat): put back claims of dead workers, start due scheduled sends, restart
    sends whose batch tasks were lost, close finished sends."""
    report = sweep()
    for send_id in report.to_start:
        enqueue(start_send, send_id)
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
    newsletter_list = NewsletterList.for_site(issue_site(issue))
    return bool(send_for_list(proof_message(issue, address), newsletter_list))


# --- confirmations --------------------------------------------------------------------------


@shared_task(name="newsletter.subscriptions.send_confirmation")
def send_confirmation(subscription_id: int) -> bool:
    """Mail the confirmation link, once: the row is claimed (confirmation_sent_at set where it
    was empty) before sending, so a task delivered twice, or the sweep racing it, sends once.
    If sending fails the claim is released for the sweep to try again."""
    claimed_at = timezone.now()
    claimed = Subscription.objects.filter(
        pk=subscription_id, status=Subscription.Status.PENDING, confirmation_sent_at__isnull=True
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
        send_for_list(confirmation_message(subscription), subscription.newsletter_list)
    except Exception:
        Subscription.objects.filter(pk=subscription_id, confirmation_sent_at=claimed_at).update(
            confirmation_sent_at=None
        )
        raise
    return True


@shared_task(name="newsletter.subscriptions.send_pending_confirmations")
def send_pending_confirmations() -> int:
    """Send the confirmations whose task never ran (the broker was down when the resident
    subscribed); returns how many were sent."""
    due = Subscription.objects.filter(
        status=Subscription.Status.PENDING,
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


@shared_task(name="newsletter.subscriptions.purge_unconfirmed")
def purge_unconfirmed() -> int:
    """Delete subscriptions never confirmed within UNCONFIRMED_LIFETIME, and the people left
    with no subscription at all; returns how many subscriptions were deleted. In batches, each
    its own transaction, so a large backlog never holds long locks."""
    cutoff = timezone.now() - UNCONFIRMED_LIFETIME
    stale = Subscription.objects.filter(status=Subscription.Status.PENDING, created_at__lt=cutoff)
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
