"""Celery tasks kept in the database while the broker is down (see cms.core.queue)."""

from django.db import models


class DeferredTask(models.Model):
    """A Celery task a request could not enqueue (the broker was down): kept here, in the same
    database as the data it works on, until beat's retry_deferred_tasks enqueues it again."""

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)!r}"
