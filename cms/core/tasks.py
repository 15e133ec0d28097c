"""Celery tasks of the core app: the retry of tasks kept while the broker was down, and the
"submitted for moderation" email."""

import logging

from celery import current_app, shared_task
from django.contrib.auth import get_user_model
from django.db import transaction
from kombu.exceptions import OperationalError
from wagtail.models import TaskState

from .models import DeferredTask
from .moderation import task_submission_notifier
from .queue import ERROR_LENGTH

logger = logging.getLogger(__name__)

BATCH = 200


@shared_task
def retry_deferred_tasks() -> int:
    """Beat: enqueue again the tasks a request could not enqueue (cms.core.queue), oldest
    first, stopping while the broker is still down; a task that fails again (run eagerly) is
    kept with its error. Rows are claimed with SKIP LOCKED, so two runs at once never enqueue
    one twice. Returns how many went."""
    enqueued = 0
    with transaction.atomic():
        rows = list(DeferredTask.objects.select_for_update(skip_locked=True)[:BATCH])
        for row in rows:
            task = current_app.tasks.get(row.task)
            if task is None:
                logger.error("Deferred task %s is not a known task; left in place", row.task)
                DeferredTask.objects.filter(pk=row.pk).update(
                    attempts=row.attempts + 1, last_error="unknown task"
                )
                continue
            try:
                with transaction.atomic():  # run eagerly (no broker), a failure rolls back alone
                    task.apply_async(args=row.args, kwargs=row.kwargs)
            except Exception as error:
                DeferredTask.objects.filter(pk=row.pk).update(
                    attempts=row.attempts + 1, last_error=str(error)[:ERROR_LENGTH]
                )
                logger.warning("Deferred %s failed again: %s", row, error)
                if isinstance(error, OperationalError):
                    break  # the broker is still down: the rest would fail alike
                continue
            row.delete()
            enqueued += 1
    return enqueued


# The name it had when it lived in cms/core/workflows.py: DeferredTask rows and queued messages
# carry it, and must still find the task.
@shared_task(name="cms.core.workflows.send_task_submission_notification")
def send_task_submission_notification(task_state_id: int, user_id: int | None) -> bool:
    """Send the "submitted for moderation" email of this task state (cms.core.moderation)."""
    task_state = TaskState.objects.filter(pk=task_state_id).first()
    if task_state is None:
        return False
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return task_submission_notifier(task_state, user=user)
