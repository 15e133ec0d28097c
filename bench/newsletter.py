"""Newsletter sending throughput through real Celery workers, as a ratio to a raw smtplib loop.

What it measures: an issue sent to N confirmed subscribers (``--subscribers``, 100,000 by
default; several sizes may be given, e.g. ``10000,100000``) by ``celery -A cms worker`` with 1
and then 2 prefork processes (``--processes 1,2``), against PostgreSQL, a Redis of its own and
an aiosmtpd server that discards the mail (``python -m aiosmtpd -c aiosmtpd.handlers.Sink``,
in a process of its own). For each run:

- time to enqueue: from ``start_send`` being enqueued until its deliveries are all recorded
  and its renderings made (the send's ``started_at``, set in the transaction that records them);
- messages/s: recipients / (``finished_at`` - ``started_at``), every row checked ``sent``;
- worker peak memory: the largest resident set of any worker process (main or pool child),
  sampled every 0.1 s and checked against the kernel's own peak (VmHWM) at the end; and the
  peak of their sum. It must not grow with N: compare the rows for 10,000 and 100,000;
- baseline: right before each run, the same SMTP server receives ``--baseline-messages``
  copies of an email of the same size from one smtplib connection in a loop (no database, no
  broker, no rendering): the machine's limit. ratio = pipeline msg/s / baseline msg/s, so
  machine speed and load mostly cancel out. Nothing is asserted about timings.

The SMTP server is one asyncio process, so with 2 worker processes it may be the bottleneck
and the ratio can exceed 1 (the baseline uses one connection). On a 2-CPU machine the workers,
PostgreSQL, Redis, the SMTP server and this script share the CPUs: read ratios, not absolutes.

The database is ``DATABASE_URL`` (default postgres://postgres@127.0.0.1:5432/bench_newsletter),
created if missing, migrated, and given one site per size (bench-<N>.localhost) with its
subscribers (inserted in bulk, once: a second run reuses them). Each run's issue and send are
deleted after it. Settings: cms.settings.production (persistent DB connections, DEBUG off).

Usage, from the repository root::

    .venv/bin/python bench/newsletter.py [--subscribers 100000] [--processes 1,2]
                                         [--baseline-messages 5000] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import smtplib
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script, too

from bench.pages import (  # noqa: E402
    BenchError,
    aligned_table,
    ensure_postgres_database,
    free_port,
    guarded,
    log_tail,
    machine_meta,
    manage,
    start_process,
    step,
    stop_process,
)

TITLE = "bench/newsletter.py: Celery send pipeline vs a raw smtplib loop, same SMTP server"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench_newsletter"
CELERY = str(Path(sys.executable).with_name("celery"))
START_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0  # seconds a celery worker gets to finish its tasks on SIGTERM
SAMPLE_SECONDS = 0.1
SUBSCRIBER_CHUNK = 5000


# --- services -----------------------------------------------------------------------------------


def wait_port(port: int, process: subprocess.Popen, what: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"{what} exited with {process.returncode}:\n{log_tail(log)}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise BenchError(f"{what} did not listen on port {port} within {START_TIMEOUT:.0f} s")


def start_redis(tmp: Path) -> tuple[subprocess.Popen, int]:
    if shutil.which("redis-server") is None:
        raise BenchError("redis-server is not installed")
    port = free_port()
    log = tmp / "redis.log"
    process = start_process(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp),
        ],
        log,
    )
    wait_port(port, process, "redis-server", log)
    return process, port


def start_smtp_sink(tmp: Path) -> tuple[subprocess.Popen, int]:
    """aiosmtpd's Sink: accepts every message and keeps nothing, in its own process."""
    port = free_port()
    log = tmp / "smtp.log"
    process = start_process(
        [
            sys.executable,
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            f"127.0.0.1:{port}",
            "-c",
            "aiosmtpd.handlers.Sink",
        ],
        log,
    )
    wait_port(port, process, "the aiosmtpd server", log)
    return process, port


def environment(tmp: Path, database_url: str, redis_port: int, smtp_port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "cms.settings.production",
            "SECRET_KEY": "bench-newsletter-not-secret",
            "ALLOWED_HOSTS": ".localhost,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": database_url,
            "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "VAR_DIR": str(tmp / "var"),
            "MEDIA_ROOT": str(tmp / "var" / "media"),
            "STATIC_ROOT": str(tmp / "var" / "static"),
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.pop("CELERY_BROKER_URL", None)
    env.pop("CELERY_EAGER", None)
    return env


# --- memory of the worker processes -------------------------------------------------------------


def _status_kib(pid: int, field: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def process_tree(root: int) -> list[int]:
    """root and its descendants, from /proc (pool children, the embedded beat if any)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            parents[int(entry)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
    tree, frontier = [root], [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        tree += children
        frontier += children
    return tree


class MemorySampler(threading.Thread):
    """Samples the resident memory of every worker process every SAMPLE_SECONDS."""

    def __init__(self, root: int):
        super().__init__(daemon=True)
        self.root = root
        self.stop_event = threading.Event()
        self.peak_process_kib = 0
        self.peak_total_kib = 0
        self.samples = 0
        self.pids: set[int] = set()

    def sample(self) -> None:
        pids = process_tree(self.root)
        self.pids.update(pids)
        sizes = [_status_kib(pid, "VmRSS") for pid in pids]
        self.peak_process_kib = max(self.peak_process_kib, *sizes)
        self.peak_total_kib = max(self.peak_total_kib, sum(sizes))
        self.samples += 1

    def run(self) -> None:
        while not self.stop_event.wait(SAMPLE_SECONDS):
            self.sample()

    def finish(self) -> int:
        """Stop sampling; return the kernel's peak RSS (VmHWM) of the largest live process."""
        self.stop_event.set()
        self.join()
        self.sample()
        return max(_status_kib(pid, "VmHWM") for pid in process_tree(self.root))


# --- the audience and the issue -------------------------------------------------------------


def ensure_audience(size: int):
    """A site bench-<size>.localhost with /newsletter/ and `size` confirmed subscribers."""
    from wagtail.models import Page, Site

    from cms.core.models import ChapterHomePage
    from newsletter.models import (
        NewsletterIndexPage,
        NewsletterList,
        Subscriber,
        Subscription,
    )

    hostname = f"bench-{size}.localhost"
    site = Site.objects.filter(hostname=hostname).first()
    if site is None:
        root = Page.get_first_root_node()
        home = ChapterHomePage(title=f"Bench {size}", slug=f"bench-{size}")
        root.add_child(instance=home)
        home.save_revision().publish()
        site = Site.objects.create(hostname=hostname, port=443, root_page=home, site_name=hostname)
        index = NewsletterIndexPage(title="Newsletter", slug="newsletter")
        home.add_child(instance=index)
        index.save_revision().publish()
    newsletter_list = NewsletterList.for_site(site)
    have = newsletter_list.subscriptions.filter(status=Subscription.Status.CONFIRMED).count()
    for start in range(have, size, SUBSCRIBER_CHUNK):
        numbers = range(start, min(size, start + SUBSCRIBER_CHUNK))
        subscribers = Subscriber.objects.bulk_create(
            [
                Subscriber(email=f"n{size}-{number:06d}@bench.example.test", language="en")
                for number in numbers
            ]
        )
        Subscription.objects.bulk_create(
            [
                Subscription(
                    subscriber=subscriber,
                    newsletter_list=newsletter_list,
                    status=Subscription.Status.CONFIRMED,
                )
                for subscriber in subscribers
            ]
        )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return site


def new_issue(site, label: str):
    from newsletter.models import NewsletterIndexPage, NewsletterIssuePage

    index = NewsletterIndexPage.objects.get(path__startswith=site.root_page.path)
    paragraph = "".join(
        f"<p>Paragraph {n}: neighbours met at the library, shared tea and planned walks. "
        f'<a href="/about/">More about us</a>.</p>'
        for n in range(8)
    )
    issue = NewsletterIssuePage(
        title=f"Bench issue {label}",
        slug=f"bench-{label}-{time.time_ns()}",
        subject=f"Bench issue {label}",
        preheader="What the bench sends",
        body=[
            {"type": "heading", "value": {"text": "This month", "level": "h2"}},
            {"type": "paragraph", "value": paragraph},
            {
                "type": "call_to_action",
                "value": {"label": "Join us", "page": None, "url": "https://example.org/join"},
            },
        ],
    )
    index.add_child(instance=issue)
    issue.save_revision().publish()
    issue.refresh_from_db()
    return issue


def sample_message(site) -> bytes:
    """An email as the pipeline would send it (same headers and parts), for the baseline."""
    from django.core.mail import EmailMultiAlternatives

    from newsletter.rendering import fill_links, render_issue

    issue = new_issue(site, "sample")
    rendered = render_issue(issue, "en")
    link = f"https://{site.hostname}/subscriptions/unsubscribe/{'x' * 60}/"
    copy = fill_links(rendered, preferences_url=link, unsubscribe_url=link)
    message = EmailMultiAlternatives(
        subject=copy.subject,
        body=copy.text,
        from_email="Bench <hello@localhost>",
        to=["reader@bench.example.test"],
        headers={
            "List-Unsubscribe": f"<{link}>, <mailto:hello@localhost>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f'"Bench" <list-1.{site.hostname}>',
            "Message-ID": f"<newsletter.1.1@{site.hostname}>",
        },
    )
    message.attach_alternative(copy.html, "text/html")
    data = message.message().as_bytes(linesep="\r\n")
    issue.delete()
    return data


def raw_smtp(port: int, message: bytes, count: int) -> float:
    """Messages/s of one smtplib connection sending `message` in a loop."""
    with smtplib.SMTP("127.0.0.1", port) as connection:
        began = time.perf_counter()
        for number in range(count):
            connection.sendmail(
                "hello@localhost", [f"raw-{number:06d}@bench.example.test"], message
            )
        return count / (time.perf_counter() - began)


# --- one run ------------------------------------------------------------------------------


@dataclass
class Run:
    subscribers: int
    processes: int
    enqueue_seconds: float
    send_seconds: float
    messages_per_second: float
    baseline_per_second: float
    peak_process_mib: float
    peak_hwm_mib: float
    peak_total_mib: float
    memory_samples: int

    @property
    def ratio(self) -> float:
        return self.messages_per_second / self.baseline_per_second


def start_worker(env: dict[str, str], processes: int, tmp: Path, app) -> subprocess.Popen:
    name = f"bench-{processes}-{time.time_ns()}"
    log = tmp / f"{name}.log"
    worker = start_process(
        [
            CELERY,
            "-A",
            "cms",
            "worker",
            "-Q",
            "default",
            "--pool",
            "prefork",
            "--concurrency",
            str(processes),
            "--loglevel",
            "WARNING",
            "--hostname",
            f"{name}@%h",
            "--without-mingle",
            "--without-gossip",
        ],
        log,
        env,
    )
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise BenchError(f"the celery worker exited:\n{log_tail(log)}")
        replies = app.control.ping(destination=[f"{name}@{socket.gethostname()}"], timeout=0.5)
        if replies:
            return worker
    stop_process(worker, STOP_TIMEOUT)
    raise BenchError(f"the celery worker did not answer a ping:\n{log_tail(log)}")


def measure(
    env: dict[str, str],
    tmp: Path,
    site,
    size: int,
    processes: int,
    smtp_port: int,
    message: bytes,
    baseline_messages: int,
) -> Run:
    from django.utils import timezone

    from cms.celery import app
    from newsletter import tasks
    from newsletter.models import Delivery, Send
    from newsletter.pipeline.queueing import queue_send

    step(f"baseline: {baseline_messages} messages over one smtplib connection")
    baseline = raw_smtp(smtp_port, message, baseline_messages)
    step(f"{size} subscribers through {processes} worker process(es)")
    worker = start_worker(env, processes, tmp, app)
    sampler = MemorySampler(worker.pid)
    sampler.start()
    issue = new_issue(site, f"{size}-{processes}")
    send = queue_send(issue).send
    try:
        enqueued_at = timezone.now()
        tasks.start_send.delay(send.pk)
        deadline = time.monotonic() + 120 + size / 20
        while True:
            send.refresh_from_db()
            if send.status == Send.Status.SENT:
                break
            if send.status == Send.Status.PAUSED:
                raise BenchError(f"the send paused: {send.paused_reason}")
            if worker.poll() is not None:
                raise BenchError("the worker died during the run")
            if time.monotonic() > deadline:
                raise BenchError(f"the send did not finish in time (status {send.status})")
            time.sleep(0.2)
        hwm_kib = sampler.finish()
        sent = Delivery.objects.filter(send=send, status=Delivery.Status.SENT).count()
        if sent != size:
            raise BenchError(f"{sent} of {size} deliveries sent")
        send_seconds = (send.finished_at - send.started_at).total_seconds()
        return Run(
            subscribers=size,
            processes=processes,
            enqueue_seconds=(send.started_at - enqueued_at).total_seconds(),
            send_seconds=send_seconds,
            messages_per_second=size / send_seconds,
            baseline_per_second=baseline,
            peak_process_mib=sampler.peak_process_kib / 1024,
            peak_hwm_mib=hwm_kib / 1024,
            peak_total_mib=sampler.peak_total_kib / 1024,
            memory_samples=sampler.samples,
        )
    finally:
        sampler.stop_event.set()
        stop_process(worker, STOP_TIMEOUT)
        Send.objects.filter(pk=send.pk).delete()  # its deliveries and renderings go with it
        issue.delete()


# --- the report ---------------------------------------------------------------------------


def table(runs: list[Run]) -> list[str]:
    columns = (
        "subscribers",
        "processes",
        "enqueue s",
        "send s",
        "msg/s",
        "baseline msg/s",
        "ratio",
        "peak RSS/proc MiB",
        "(VmHWM)",
        "peak RSS sum MiB",
    )
    rows = [
        (
            f"{run.subscribers:,}",
            str(run.processes),
            f"{run.enqueue_seconds:.2f}",
            f"{run.send_seconds:.1f}",
            f"{run.messages_per_second:.0f}",
            f"{run.baseline_per_second:.0f}",
            f"{run.ratio:.2f}",
            f"{run.peak_process_mib:.1f}",
            f"{run.peak_hwm_mib:.1f}",
            f"{run.peak_total_mib:.1f}",
        )
        for run in runs
    ]
    return aligned_table(columns, rows)


def report(meta: dict[str, Any], runs: list[Run], json_path: Path | None) -> None:
    print()
    print(TITLE)
    print(
        f"  Python {meta['python']}, Django {meta['django']}, Celery {meta['celery']}, "
        f"PostgreSQL {meta['postgresql']} ({meta['database_note']}), "
        f"batch size {meta['batch_size']}, {meta['concurrent_batches']} batch tasks per send"
    )
    print(
        f"  CPUs: {meta['cpu_count']} ({meta['machine']}), load average before: "
        f"{meta['load_average_before']}; SMTP: aiosmtpd Sink in its own process"
    )
    print()
    print("\n".join(table(runs)))
    print()
    print(
        "ratio = pipeline msg/s / baseline msg/s (one raw smtplib connection, same server, "
        "measured right before the run)."
    )
    print(
        "enqueue s: start_send enqueued → all deliveries recorded and rendered (one "
        "transaction). peak RSS/proc: largest worker process (main or pool child), sampled "
        "every 0.1 s; VmHWM: the kernel's peak for it; sum: all worker processes together."
    )
    if json_path:
        json_path.write_text(
            json.dumps(
                {
                    "meta": meta,
                    "runs": [{**asdict(run), "ratio": run.ratio} for run in runs],
                },
                indent=2,
            )
        )


# --- main -----------------------------------------------------------------------------------


def int_list(value: str) -> list[int]:
    try:
        numbers = [int(part.replace("_", "")) for part in value.split(",") if part.strip()]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a list of whole numbers: {value!r}") from exc
    if not numbers or min(numbers) < 1:
        raise argparse.ArgumentTypeError("give one or more numbers, each at least 1")
    return numbers


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=TITLE)
    parser.add_argument(
        "--subscribers",
        type=int_list,
        default=[100_000],
        help="subscribers per send; several, comma-separated, to compare (default 100000)",
    )
    parser.add_argument(
        "--processes",
        type=int_list,
        default=[1, 2],
        help="worker processes per run, comma-separated (default 1,2)",
    )
    parser.add_argument(
        "--baseline-messages",
        type=int,
        default=5000,
        help="messages of the raw smtplib baseline before each run (default 5000)",
    )
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write results as JSON")
    return parser


def run(args: argparse.Namespace) -> int:
    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if not urlparse(database_url).scheme.startswith("postgres"):
        raise BenchError("bench/newsletter.py needs PostgreSQL (DATABASE_URL=postgres://...)")
    tmp = Path(tempfile.mkdtemp(prefix="bench-newsletter-"))
    redis = smtp = None
    try:
        database_note = ensure_postgres_database(database_url)
        step(database_note)
        redis, redis_port = start_redis(tmp)
        smtp, smtp_port = start_smtp_sink(tmp)
        env = environment(tmp, database_url, redis_port, smtp_port)
        step("migrate")
        manage(env, "migrate", "--noinput")
        os.environ.update(env)  # this process enqueues and watches with the workers' settings
        import celery
        import django

        django.setup()
        from django.conf import settings
        from django.db import connection

        from newsletter.conf import concurrent_batches

        connection.ensure_connection()
        sites = {}
        for size in args.subscribers:
            step(f"audience of {size} subscribers (bulk insert of what is missing)")
            sites[size] = ensure_audience(size)
        message = sample_message(sites[args.subscribers[0]])
        meta: dict[str, Any] = {
            "python": platform.python_version(),
            "django": django.get_version(),
            "celery": celery.__version__,
            "postgresql": f"{connection.pg_version // 10000}.{connection.pg_version % 10000}",
            "database_note": database_note,
            "batch_size": settings.NEWSLETTER_BATCH_SIZE,
            "concurrent_batches": concurrent_batches(),
            "message_bytes": len(message),
            **machine_meta(),
        }
        runs = [
            measure(env, tmp, sites[size], size, processes, smtp_port, message, count)
            for size in args.subscribers
            for processes in args.processes
            for count in [min(args.baseline_messages, max(size, 1000))]
        ]
        report(meta, runs, args.json)
        return 0
    finally:
        stop_process(smtp)
        stop_process(redis)
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return guarded(lambda: run(args))


if __name__ == "__main__":
    sys.exit(main())
