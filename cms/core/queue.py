"""Enqueue Celery tasks only once the data they read is committed, without failing the request
when the broker is unreachable (the work is then picked up by the periodic sweep, if any, or
logged for an operator)."""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task, *args, **kwargs) -> None:
    def send():
        try:
            task.delay(*args, **kwargs)
        except Exception:  # broker down: the user's data is saved; say so loudly in the logs
            logger.exception("Could not enqueue %s%r", task.name, args)

    transaction.on_commit(send)
