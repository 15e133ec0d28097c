"""What the newsletter tests share.

- ``build_newsletter`` / ``add_subscribers`` / ``add_issue``: a newsletter made from nothing (a
  site of its own, its home, /newsletter/, an issue, a list and subscribers in bulk). Worker
  tests run in transactional tests, which flush the database after each test, so they cannot
  lean on the session's demo network: this builds even the root page and locale if missing.
- Real services on loopback, for the tests that run a real ``celery worker``, from the
  harness the benchmarks share (bench/harness): an aiosmtpd server whose answers the test
  controls (451 once, 550, 535 on login), a ``redis-server`` of the module's own (so stopping
  it never disturbs the machine's Redis), and the worker itself as a subprocess in its own
  process group (so ``kill -9`` of the group takes all of it). Here: the fixtures that start
  them, the worker's environment, and ``wait_for``, whose deadline fails the test.

A test module imports the fixtures it uses (``worker_env_fixture`` and the two it depends on,
``celery_worker_fixture`` and ``newsletter_services_fixture``); in tests they are named
``worker_env``, ``celery_worker`` and ``newsletter_services``. They skip when the database is
not PostgreSQL (the worker shares the test database) or redis-server is not installed, unless
CI=true: then a missing service fails the test loudly.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote

import pytest
from django.db import connection
from django.utils import timezone
from wagtail.models import Collection, Locale, Page, Site

from bench.harness import processes
from bench.harness.mail import MailServer
from bench.harness.processes import RedisServer
from bench.harness.worker import CELERY, CeleryWorker
from cms.core.models import ChapterHomePage
from newsletter.models import (
    NewsletterIndexPage,
    NewsletterIssuePage,
    NewsletterList,
    Subscriber,
    Subscription,
)

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


# --- data -----------------------------------------------------------------------------------


@dataclass
class Newsletter:
    site: Site
    home: Page
    index: NewsletterIndexPage
    newsletter_list: NewsletterList
    issues: list[NewsletterIssuePage] = field(default_factory=list)

    @property
    def issue(self) -> NewsletterIssuePage:
        return self.issues[0]


def default_body(home: Page) -> list[dict]:
    return [
        {"type": "heading", "value": {"text": "What we did this month", "level": "h2"}},
        {
            "type": "paragraph",
            "value": (
                "<p>Neighbours met at the <b>library</b>. "
                '<a href="/about/">Read about us</a> or '
                '<a href="https://example.org/report">the full report</a>.</p>'
                "<ul><li>Tea mornings</li><li>Walks</li></ul>"
            ),
        },
        {
            "type": "call_to_action",
            "value": {"label": "Visit our site", "page": home.pk, "url": "", "style": "primary"},
        },
        {
            "type": "news_links",
            "value": {
                "heading": "In the news",
                "links": [
                    {
                        "page": None,
                        "url": "https://example.org/news/1",
                        "title": "A kinder city",
                        "summary": "How Coventry got talking.",
                    }
                ],
            },
        },
    ]


def _root_page() -> Page:
    """The tree's root, made again if a transactional test's flush removed it."""
    locale = Locale.objects.filter(language_code="en").first() or Locale.objects.create(
        language_code="en"
    )
    Locale.objects.get_or_create(language_code="cy")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    return root


def _publish(page: Page) -> Page:
    page.save_revision().publish()
    return page


def build_newsletter(
    hostname: str = "news.example.test",
    *,
    name: str = "Connecting News",
    from_name: str = "Connecting for Good",
    reply_to: str = "editor@news.example.test",
    body: list[dict] | None = None,
) -> Newsletter:
    """A site of its own (port 443: its links are https, as in production) with a home page,
    /newsletter/, one published issue and an empty list."""
    root = _root_page()
    home = ChapterHomePage(title=f"{name} home", slug=hostname.replace(".", "-"))
    root.add_child(instance=home)
    _publish(home)
    site = Site.objects.create(
        hostname=hostname,
        port=443,
        root_page=home,
        site_name=name,
        is_default_site=not Site.objects.filter(is_default_site=True).exists(),
    )
    index = NewsletterIndexPage(title="Newsletter", slug="newsletter")
    home.add_child(instance=index)
    _publish(index)
    newsletter_list = NewsletterList.objects.create(
        site=site, name=name, from_name=from_name, reply_to=reply_to
    )
    newsletter = Newsletter(site, home, index, newsletter_list)
    add_issue(newsletter, "June news", body=body)
    return newsletter


def add_issue(
    newsletter: Newsletter, title: str, *, body: list[dict] | None = None, publish: bool = True
) -> NewsletterIssuePage:
    issue = NewsletterIssuePage(
        title=title,
        slug=title.lower().replace(" ", "-"),
        subject=f"{title}: neighbours, walks and tea",
        preheader="Three things to do this month",
        body=body if body is not None else default_body(newsletter.home),
        live=False,
    )
    newsletter.index.add_child(instance=issue)
    if publish:
        _publish(issue)
        issue.refresh_from_db()
    newsletter.issues.append(issue)
    return issue


def address(prefix: str, number: int) -> str:
    return f"{prefix}{number:05d}@mail.example.test"


def add_subscribers(
    newsletter_list: NewsletterList,
    count: int,
    *,
    prefix: str = "reader",
    status: str = Subscription.Status.CONFIRMED,
    language: str = "en",
    start: int = 0,
) -> list[Subscription]:
    """`count` people subscribed to the list, inserted in bulk. Pending ones have had their
    confirmation email already (so a worker's confirmation sweep leaves them alone)."""
    names = {address(prefix, number): f"Reader {number}" for number in range(start, start + count)}
    subscribers = Subscriber.objects.bulk_create(
        [Subscriber(email=email, language=language) for email in names],
        batch_size=2000,
    )
    if any(subscriber.pk is None for subscriber in subscribers):  # a backend without RETURNING
        emails = [subscriber.email for subscriber in subscribers]
        subscribers = list(Subscriber.objects.filter(email__in=emails).order_by("email"))
    return Subscription.objects.bulk_create(
        [
            Subscription(
                subscriber=subscriber,
                newsletter_list=newsletter_list,
                name=names[subscriber.email],
                status=status,
                confirmation_sent_at=timezone.now()
                if status == Subscription.Status.PENDING
                else None,
            )
            for subscriber in subscribers
        ],
        batch_size=2000,
    )


class _FormInputs(HTMLParser):
    """The named inputs of the first form whose action ends with `action`, as a browser would
    submit them untouched (checkboxes, radios and selects are for the test to fill)."""

    def __init__(self, action: str):
        super().__init__()
        self.action, self.inside, self.done, self.values = action, False, False, {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if (
            tag == "form"
            and not self.done
            and (attributes.get("action") or "").endswith(self.action)
        ):
            self.inside = True
        elif (
            tag == "input"
            and self.inside
            and attributes.get("name")
            and attributes.get("type") not in ("checkbox", "radio", "submit")
        ):
            self.values[attributes["name"]] = attributes.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside, self.done = False, True


def form_inputs(html: str, action: str) -> dict[str, str]:
    parser = _FormInputs(action)
    parser.feed(html)
    assert parser.done, f"no form posting to {action} in the page"
    return parser.values


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
    its deadline a test failure naming `what`."""
    try:
        return processes.wait_for(condition, timeout=timeout, what=what, every=every, tick=tick)
    except processes.WaitTimeout as exc:
        pytest.fail(str(exc))


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


@pytest.fixture(scope="module", name="newsletter_services")
def newsletter_services_fixture(django_db_setup, django_db_blocker) -> Iterator[Services]:
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


@pytest.fixture(scope="module", name="celery_worker")
def celery_worker_fixture(newsletter_services) -> Iterator[CeleryWorker]:
    """One worker for the module; a test may kill it and start() it again."""
    worker = CeleryWorker(newsletter_services.directory, newsletter_services.worker_env())
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()


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


@pytest.fixture(name="worker_env")
def worker_env_fixture(newsletter_services, celery_worker, settings) -> Iterator[Services]:
    """For one test: the module's worker running, the mail server's answers and counts reset,
    this process enqueueing to the worker's broker with the worker's timings."""
    if not celery_worker.alive:
        celery_worker.start()
    newsletter_services.mail.reset()
    for name, value in WORKER_SETTINGS.items():
        setattr(settings, name, value)
    with enqueue_to(newsletter_services.redis.url):
        yield newsletter_services
