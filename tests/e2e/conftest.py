"""Fixtures of the browser tests: chromium (``browser``, from tests/e2e/support.py), a phone
in it, and the demo served as `make demo` serves it, with or without a real Celery worker."""

import os
import shutil

import pytest

from bench.harness.mail import MailServer
from bench.harness.processes import RedisServer
from bench.harness.worker import CeleryWorker
from tests.e2e import support
from tests.e2e.support import BIG_LIST, PHONE, serve_demo

browser = support.browser  # the fixture, defined once for tests/e2e and tests/security


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """The demo as `make demo` serves it (tasks run in-process, mail to var/outbox)."""
    with serve_demo(tmp_path_factory.mktemp("demo-var")) as (port, _env):
        yield port


@pytest.fixture(scope="module")
def mail_server():
    """A real SMTP server (aiosmtpd, bench/harness/mail.py) that keeps what it accepts."""
    server = MailServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def mail_demo(tmp_path_factory, mail_server):
    """The demo with EMAIL_URL pointing to `mail_server` (tasks in-process, as `make demo`)."""
    var = tmp_path_factory.mktemp("mail-demo-var")
    with serve_demo(var, {"EMAIL_URL": mail_server.url}) as (port, _env):
        yield port


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="module")
def worker_demo(tmp_path_factory):
    """The demo with REDIS_URL set, as on a real install: a redis-server of its own and a real
    `celery worker` next to the web server (both on the demo's SQLite file), and Coventry's
    list grown to BIG_LIST confirmed subscribers so that a send takes a few seconds."""
    if shutil.which("redis-server") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but redis-server is not installed")
        pytest.skip("needs redis-server")
    var = tmp_path_factory.mktemp("worker-demo-var")
    redis_server = RedisServer(var)
    redis_server.start()
    grow = (
        "from newsletter.models import NewsletterList;"
        "from tests.newsletter.support import add_subscribers;"
        "coventry = NewsletterList.objects.get(site__hostname='coventry.localhost');"
        f"add_subscribers(coventry, {BIG_LIST}, prefix='neighbour')"
    )
    broker = {"REDIS_URL": redis_server.url, "CELERY_BROKER_URL": redis_server.url}
    try:
        with serve_demo(var, broker, setup=(["shell", "-c", grow],)) as (port, env):
            worker = CeleryWorker(var, env, concurrency=1)
            worker.start()
            try:
                yield port
            finally:
                worker.stop()
    finally:
        redis_server.stop()
