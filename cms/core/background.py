"""Our Celery tasks run by Django's task framework (django-tasks) in a project without Celery.

The project's TASKS setting decides where: django-tasks' default runs each task at once, in the
process that enqueued it (after the commit, as enqueue_on_commit asks); a worker backend (e.g.
django-tasks-db) runs them elsewhere. Each of our tasks is idempotent and reads its rows by id,
as under Celery.
"""

from celery import current_app
from django_tasks import task


@task()
def run_celery_task(name: str, args: list, kwargs: dict) -> None:
    """Run our Celery task `name` in this process, as Celery's eager mode does (`apply`); a
    failure is raised, for django-tasks to record and log."""
    app = current_app._get_current_object()
    app.loader.import_default_modules()  # each app's tasks.py, as a worker would import them
    app.tasks[name].apply(args=args, kwargs=kwargs, throw=True)
