"""A task's database connections live as a web request's (cms/celery.py): kept between tasks
while DATABASE_CONN_MAX_AGE allows (production: one connection per worker process instead of
a new PostgreSQL backend for every newsletter batch), closed after a task when it is 0 or the
connection broke. Celery's Django fixup, which closes every connection around each task, is
kept out by CELERY_DB_REUSE_MAX."""

import pytest
from celery.fixups.django import DjangoWorkerFixup
from celery.signals import task_postrun, task_prerun
from django.db import DatabaseError, connection

from cms.celery import app
from newsletter import tasks


def run_task_signals() -> None:
    """What a worker process does around a task, as far as connections go: Celery's Django
    fixup (which a worker hooks on the task signals when it starts) and our handlers."""
    task = tasks.send_batch
    fixup = DjangoWorkerFixup(app)
    fixup.on_task_prerun(sender=task)
    task_prerun.send(sender=task, task_id="t", task=task, args=(), kwargs={})
    fixup.on_task_postrun(sender=task)
    task_postrun.send(sender=task, task_id="t", task=task, args=(), kwargs={}, retval=None)


@pytest.fixture
def max_age():
    """Set the connection's CONN_MAX_AGE (as DATABASE_CONN_MAX_AGE does) and connect afresh."""
    saved = connection.settings_dict["CONN_MAX_AGE"]

    def set_to(seconds: int):
        connection.close()
        connection.settings_dict["CONN_MAX_AGE"] = seconds
        connection.ensure_connection()
        return connection.connection

    yield set_to
    connection.close()
    connection.settings_dict["CONN_MAX_AGE"] = saved


@pytest.mark.django_db(transaction=True)
def test_a_worker_keeps_its_connection_between_tasks_within_conn_max_age(max_age):
    opened = max_age(60)
    for _ in range(3):
        run_task_signals()
        connection.ensure_connection()
        assert connection.connection is opened


@pytest.mark.django_db(transaction=True)
def test_with_conn_max_age_0_each_task_has_a_connection_of_its_own(max_age):
    opened = max_age(0)
    run_task_signals()
    assert connection.connection is None
    connection.ensure_connection()
    assert connection.connection is not opened


@pytest.mark.django_db(transaction=True)
def test_a_broken_connection_is_replaced_before_the_next_task(max_age):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL ends its own backend here; SQLite has none")
    opened = max_age(60)
    with pytest.raises(DatabaseError), connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
    run_task_signals()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
    assert connection.connection is not opened
