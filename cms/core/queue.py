"""Enqueue Celery tasks only once the data they read is committed, and never lose one because
the broker is unreachable: the request goes on (its data is saved), the task is kept as a
DeferredTask row, and beat's retry_deferred_tasks enqueues it once the broker is back.

Tasks enqueued this way must be safe to run late (they read their rows by id and check state
before acting), as every task here is. A project with no Celery broker configured runs them
through Django's task framework instead (cms.core.background)."""

import logging

from celery import current_app
from django.db import DatabaseError, transaction
from django_tasks.backends.immediate import ImmediateBackend

from . import conf
from .background import run_celery_task
from .models import DeferredTask

logger = logging.getLogger(__name__)

ERROR_LENGTH = 500


def enqueue(task, *args, **kwargs) -> None:
    """`task.delay(...)` under Celery, else the same task through Django's task framework."""
    if conf.uses_celery():
        task.delay(*args, **kwargs)
    else:
        run_celery_task.enqueue(task.name, list(args), dict(kwargs))


def runs_inline() -> bool:
    """Whether an enqueued task runs at once in this process: Celery's eager mode, or
    django-tasks' immediate backend (its default) when there is no Celery."""
    if conf.uses_celery():
        return bool(current_app.conf.task_always_eager)
    return isinstance(run_celery_task.get_backend(), ImmediateBackend)


def enqueue_on_commit(task, *args, **kwargs) -> None:
    def send():
        try:
            enqueue(task, *args, **kwargs)
        except Exception as error:  # broker down (or, running eagerly, the task itself failed)
            defer(task.name, args, kwargs, error)

    transaction.on_commit(send)


def defer(name: str, args, kwargs, error: Exception) -> None:
    try:
        DeferredTask.objects.create(
            task=name, args=list(args), kwargs=dict(kwargs), last_error=str(error)[:ERROR_LENGTH]
        )
    except DatabaseError:  # nowhere to keep it: say so loudly, with what it was
        logger.exception("Could not enqueue %s%r, nor keep it for later", name, tuple(args))
        return
    logger.warning("Could not enqueue %s%r (%s): kept for retry", name, tuple(args), error)
