"""The real processes under the newsletter's worker tests, on loopback, from the harness the
benchmarks share (bench/harness): an aiosmtpd server whose answers the test controls (451 once,
550, 535 on login), a ``redis-server`` of the module's own (so stopping it never disturbs the
machine's Redis), and the worker itself as a subprocess in its own process group (so ``kill -9``
of the group takes all of it). Here: what the services are (``Services``), the worker's
environment and timings, whether they can run (``require_services``), enqueueing to the
worker's broker (``enqueue_to``), and ``wait_for``, whose deadline fails the test.

The fixtures that start them are in tests/newsletter/conftest.py: ``newsletter_services`` and
``celery_worker`` (one per test module) and ``worker_env`` (per test). They skip when the
database is not PostgreSQL (the worker shares the test database) or redis-server is not
installed, unless CI=true: then a missing service fails the test loudly.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote

import pytest
from django.db import connection

from bench.harness import processes
from bench.harness.mail import MailServer
from bench.harness.processes import RedisServer
from bench.harness.worker import CELERY, CeleryWorker

T = TypeVar("T")
# The worker's timings in these tests: a dead worker's claims come back after 5 s, and the
# first retry after a 451 waits about a second (the retry base follows the sweep period); beat
# looks every second for confirmation emails whose task was lost (sending those 2 s old) and
# for tasks a request kept because the broker was down.
WORKER_SETTINGS = {
    "NEWSLETTER_CLAIM_TIMEOUT": 5,
    "NEWSLETTER_SWEEP_SECONDS": 1,
    "NEWSLETTER_RETRY_BASE_SECONDS": 1,
    "NEWSLETTER_CONFIRMATION_SWEEP_SECONDS": 1,
    "NEWSLETTER_CONFIRMATION_RETRY_SECONDS": 2,
    "DEFERRED_TASK_RETRY_SECONDS": 1,
}


PATIENCE = float(os.environ.get("TEST_PATIENCE", "3"))


# --- waiting --------------------------------------------------------------------------------


def wait_for(
    condition: Callable[[], T],
    *,
    timeout: float,
    what: str,
    every: float = 0.1,
    tick: Callable[[], object] | None = None,
) -> T:
    """The harness's wait_for (poll until condition() is truthy, calling tick() between polls),
    its deadline a test failure naming `what`. Deadlines are stretched by TEST_PATIENCE (3 by
    default): these tests run alongside the parallel suite on the same cores, where a worker can
    wait minutes for the CPU; a condition met returns at once, so only a failure waits longer."""
    timeout *= PATIENCE
    try:
        return processes.wait_for(condition, timeout=timeout, what=what, every=every, tick=tick)
    except processes.WaitTimeout as exc:
        pytest.fail(str(exc))


def pause_between_transactions(worker: CeleryWorker) -> None:
    """SIGSTOP the worker at a moment none of its database connections is in a transaction,
    seen twice 50 ms apart while it is stopped (a query it sent just before the stop has begun
    by the second look). A test on a real transaction ends by truncating every table, and the
    worker's beat reads them every second: caught in a transaction, the worker would make the
    truncation wait for it or deadlock with it. `worker_env` thaws it for the next test."""
    clean_looks = 0

    def paused() -> bool:
        nonlocal clean_looks
        if clean_looks == 0:
            worker.freeze()
        if _others_in_a_transaction():
            worker.thaw()
            clean_looks = 0
            return False
        clean_looks += 1
        return clean_looks == 2

    wait_for(paused, timeout=10, every=0.05, what="the worker to be between transactions")


def _others_in_a_transaction() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND xact_start IS NOT NULL"
        )
        return cursor.fetchone()[0] > 0


# --- the services and the Celery worker -----------------------------------------------------


def database_url_for_worker() -> str:
    """The URL of the database this test session runs on (pytest-django's test_... copy)."""
    settings_dict = connection.settings_dict
    user = quote(settings_dict.get("USER") or "")
    password = quote(settings_dict.get("PASSWORD") or "")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    return f"postgres://{credentials}{host}:{port}/{quote(settings_dict['NAME'])}"


@dataclass
class Services:
    redis: RedisServer
    mail: MailServer
    directory: Path

    def worker_env(self, **extra: str) -> dict[str, str]:
        from django.conf import settings

        env = dict(os.environ)
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "cms.settings.test",
                "DATABASE_URL": database_url_for_worker(),
                "REDIS_URL": self.redis.url,
                "CELERY_BROKER_URL": self.redis.url,
                "CELERY_EAGER": "0",
                "EMAIL_URL": self.mail.url,
                "MEDIA_ROOT": str(settings.MEDIA_ROOT),
                "PYTHONUNBUFFERED": "1",
                **{key: str(value) for key, value in WORKER_SETTINGS.items()},
            }
        )
        env.update(extra)
        return env


def missing_services() -> str | None:
    if connection.vendor != "postgresql":
        return "needs PostgreSQL (DATABASE_URL): the worker process shares the test database"
    if shutil.which("redis-server") is None:
        return "needs redis-server installed"
    if not Path(CELERY).exists():
        return f"needs the celery command at {CELERY}"
    return None


def require_services() -> None:
    reason = missing_services()
    if reason is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but the worker tests cannot run: {reason}")
    pytest.skip(reason)


def _reset_pools(app) -> None:
    """Forget broker connections made for the previous broker URL (kombu keeps its pools in
    a global registry keyed by connection, so that is cleared too)."""
    from kombu import pools

    app._pool = None
    app.amqp._producer_pool = None
    pools.reset()


@contextmanager
def enqueue_to(broker_url: str) -> Iterator[None]:
    """Tasks this test process enqueues go to `broker_url` instead of running eagerly."""
    from cms.celery import app

    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url = broker_url
    app.conf.task_always_eager = False
    _reset_pools(app)
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved
        _reset_pools(app)
