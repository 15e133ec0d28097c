"""Celery, configured from Django settings (namespace CELERY); tasks from each app's tasks.py.

Database connections live as in a web request: before and after each task Django's own
``close_old_connections`` closes the ones past DATABASE_CONN_MAX_AGE or broken (so 0, the
development default, is a connection per task, and production's 60 keeps one per worker
process: a newsletter batch no longer pays PostgreSQL a new backend each). Celery's Django
fixup would otherwise close them all around every task; CELERY_DB_REUSE_MAX (base settings)
stops that."""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun
from django.db import close_old_connections as close_expired_connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")

app = Celery("cms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def close_old_connections(sender=None, **kwargs) -> None:
    """Django's request rule for a task's connections (see the module docstring). An eager
    task runs inside its caller, whose connection is not ours to close."""
    if sender is not None and getattr(sender.request, "is_eager", False):
        return
    close_expired_connections()
