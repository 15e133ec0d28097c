"""Fixtures of the newsletter tests: the demo's issues and lists as the admin and signup tests
use them, the recorder of what the admin enqueues, and the real processes under the worker tests
(Redis, an SMTP server and a `celery worker`, tests/newsletter/harness.py)."""

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.harness.mail import MailServer
from bench.harness.processes import RedisServer, log_tail
from bench.harness.worker import CeleryWorker
from newsletter.demo import COVENTRY_ISSUE_SLUG, NATIONAL_ISSUE_SLUG
from newsletter.models import NewsletterIssuePage, NewsletterList, Subscriber
from tests.newsletter.admin_support import (
    EMBARGO_SUBJECT,
    EMBARGO_TITLE,
    EMBARGO_WORDS,
    Enqueued,
    add_issue_under,
)
from tests.newsletter.harness import (
    WORKER_SETTINGS,
    Services,
    enqueue_to,
    pause_between_transactions,
    require_services,
)
from tests.newsletter.subscriptions_support import EMAIL, _confirmed

# --- the demo's issues, and what the admin enqueues -----------------------------------------


@pytest.fixture
def enqueued():
    with Enqueued() as recorder:
        yield recorder


@pytest.fixture
def coventry_issue(network) -> NewsletterIssuePage:
    """The demo's draft: ready to send."""
    return NewsletterIssuePage.objects.get(slug=COVENTRY_ISSUE_SLUG)


@pytest.fixture
def national_draft(network) -> NewsletterIssuePage:
    return add_issue_under(network.national_home, EMBARGO_TITLE, EMBARGO_SUBJECT, EMBARGO_WORDS)


@pytest.fixture
def national_sent(network) -> NewsletterIssuePage:
    return NewsletterIssuePage.objects.get(
        slug=NATIONAL_ISSUE_SLUG,
        locale__language_code="en",  # the demo has it in Welsh too
    )


# --- the demo's lists, and someone on both ----------------------------------------------------


@pytest.fixture
def coventry_list(network) -> NewsletterList:
    return NewsletterList.for_site(network.coventry_site)


@pytest.fixture
def national_list(network) -> NewsletterList:
    return NewsletterList.for_site(network.national_site)


@pytest.fixture
def on_both_lists(coventry_list, national_list) -> Subscriber:
    _confirmed(coventry_list)
    _confirmed(national_list)
    return Subscriber.objects.get(email=EMAIL)


# --- the real services and the Celery worker ------------------------------------------------


@pytest.fixture(scope="module")
def newsletter_services(django_db_setup, django_db_blocker) -> Iterator[Services]:
    """Redis and the SMTP server, for one test module."""
    with django_db_blocker.unblock():
        require_services()
    directory = Path(tempfile.mkdtemp(prefix="newsletter-services-"))
    redis_server = RedisServer(directory)
    mail = MailServer()
    try:
        redis_server.start()
        mail.start()
        yield Services(redis_server, mail, directory)
    finally:
        mail.stop()
        redis_server.stop()
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="module")
def celery_worker(newsletter_services) -> Iterator[CeleryWorker]:
    """One worker for the module; a test may kill it and start() it again."""
    worker = CeleryWorker(newsletter_services.directory, newsletter_services.worker_env())
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()


@pytest.fixture
def worker_env(newsletter_services, celery_worker, settings) -> Iterator[Services]:
    """For one test: the module's worker running, the mail server's answers and counts reset,
    this process enqueueing to the worker's broker with the worker's timings. Afterwards the
    worker is paused between two of its transactions (`pause_between_transactions`), so that
    the flush after the test never meets a lock it holds; the next test thaws it."""
    if not celery_worker.alive:
        celery_worker.start()
    else:
        celery_worker.thaw()
    newsletter_services.mail.reset()
    for name, value in WORKER_SETTINGS.items():
        setattr(settings, name, value)
    with enqueue_to(newsletter_services.redis.url):
        yield newsletter_services
    if celery_worker.alive:
        pause_between_transactions(celery_worker)


@pytest.fixture
def outage_worker(newsletter_services) -> Iterator[CeleryWorker]:
    """A worker of its own for one test: on the queue "outage", without beat, so that it is idle
    until the test gives it a task."""
    worker = CeleryWorker(
        newsletter_services.directory,
        newsletter_services.worker_env(),
        beat=False,
        queue="outage",
        name_prefix="outage",
    )
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A worker test that fails shows its workers' warnings and errors and the ends of their and
    Redis's logs in its report (they are in a temporary directory removed with the module's
    services)."""
    report = yield
    if report.when != "call" or not report.failed:
        return report
    for name, value in item.funcargs.items():
        if isinstance(value, CeleryWorker) and value.log_path is not None:
            report.sections.append((f"{name} log (warnings and errors)", value.log_warnings()))
            report.sections.append((f"{name} log (its end)", value.log_tail(80)))
    services = item.funcargs.get("newsletter_services")
    if isinstance(services, Services):
        report.sections.append(("redis-server log (its end)", log_tail(services.redis.log_path)))
    return report


@pytest.fixture(scope="module")
def mail_server() -> Iterator[MailServer]:
    """A real SMTP server (aiosmtpd) for one test module: the tests that send over SMTP."""
    server = MailServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
