"""The Django side of bench.newsletter: the audiences, the issues, one measured send per size
and worker count, and the report. Import it only once Django is set up with the workers'
settings (bench.newsletter does that): its models need them.
"""

from __future__ import annotations

import argparse
import json
import platform
import smtplib
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import celery
import django
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.utils import timezone
from wagtail.models import Page, Site

from bench.harness.cli import step
from bench.harness.memory import MemorySampler
from bench.harness.processes import HarnessError, WaitTimeout, wait_for
from bench.harness.report import aligned_table, machine_meta
from bench.harness.worker import CeleryWorker
from bench.newsletter_signing import SAMPLE_TOKEN, signing_costs
from cms.celery import app
from cms.core.models import ChapterHomePage
from newsletter import tasks
from newsletter.conf import concurrent_batches, smtp_connections
from newsletter.models import (
    Delivery,
    NewsletterIndexPage,
    NewsletterIssuePage,
    NewsletterList,
    Send,
    Subscriber,
    Subscription,
)
from newsletter.pipeline.queueing import queue_send
from newsletter.rendering import fill_links, render_issue

STOP_TIMEOUT = 30.0  # seconds a celery worker gets to finish its tasks on SIGTERM
SUBSCRIBER_CHUNK = 5000


# --- the audience and the issue -------------------------------------------------------------


def ensure_audience(size: int) -> Site:
    """A site bench-<size>.localhost with /newsletter/ and `size` confirmed subscribers."""
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
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return site


def new_issue(site: Site, label: str) -> NewsletterIssuePage:
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


def sample_message(site: Site) -> bytes:
    """An email as the pipeline would send it (same headers and parts), for the baseline."""
    issue = new_issue(site, "sample")
    rendered = render_issue(issue, "en")
    link = f"https://{site.hostname}/subscriptions/unsubscribe/{SAMPLE_TOKEN}/"
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
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        began = time.perf_counter()
        for number in range(count):
            smtp.sendmail("hello@localhost", [f"raw-{number:06d}@bench.example.test"], message)
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
    dkim: bool = False

    @property
    def ratio(self) -> float:
        return self.messages_per_second / self.baseline_per_second


@dataclass(frozen=True)
class Setup:
    """What every run shares: the workers' environment, where their logs go, the SMTP sink."""

    env: dict[str, str]
    tmp: Path
    smtp_port: int
    message: bytes  # the baseline's email
    dkim_env: dict[str, str]  # added to the workers' environment for a run with DKIM


def start_worker(setup: Setup, processes: int, dkim: bool = False) -> CeleryWorker:
    """A worker with `processes` prefork processes (signing with DKIM if `dkim`), ready once it
    answers a ping (it logs at WARNING, so it never says "ready")."""
    worker = CeleryWorker(
        setup.tmp,
        {**setup.env, **setup.dkim_env} if dkim else setup.env,
        processes,
        beat=False,
        loglevel="WARNING",
        name_prefix=f"bench-{processes}",
        stop_timeout=STOP_TIMEOUT,
    )
    worker.start(ready=lambda w: bool(app.control.ping(destination=[w.hostname], timeout=0.5)))
    return worker


def wait_until_sent(send: Send, worker: CeleryWorker, size: int) -> None:
    def sent() -> bool:
        send.refresh_from_db()
        if send.status == Send.Status.PAUSED:
            raise HarnessError(f"the send paused: {send.paused_reason}")
        if not worker.alive:
            raise HarnessError("the worker died during the run")
        return send.status == Send.Status.SENT

    try:
        wait_for(sent, timeout=120 + size / 20, what="the send to finish", every=0.2)
    except WaitTimeout as timeout:
        raise HarnessError(f"the send did not finish in time (status {send.status})") from timeout


def measure(
    setup: Setup, site: Site, size: int, processes: int, baseline_messages: int, dkim: bool
) -> Run:
    step(f"baseline: {baseline_messages} messages over one smtplib connection")
    baseline = raw_smtp(setup.smtp_port, setup.message, baseline_messages)
    signed = " with DKIM" if dkim else ""
    step(f"{size} subscribers through {processes} worker process(es){signed}")
    worker = start_worker(setup, processes, dkim)
    sampler = MemorySampler(worker.process.pid)
    sampler.start()
    issue = new_issue(site, f"{size}-{processes}{'-dkim' if dkim else ''}")
    send = queue_send(issue).send
    try:
        enqueued_at = timezone.now()
        tasks.start_send.delay(send.pk)
        wait_until_sent(send, worker, size)
        hwm_kib = sampler.finish()
        sent = Delivery.objects.filter(send=send, status=Delivery.Status.SENT).count()
        if sent != size:
            raise HarnessError(f"{sent} of {size} deliveries sent")
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
            dkim=dkim,
        )
    finally:
        sampler.stop_event.set()
        worker.stop()
        Send.objects.filter(pk=send.pk).delete()  # its deliveries and renderings go with it
        issue.delete()


# --- the report ---------------------------------------------------------------------------


def table(runs: list[Run]) -> list[str]:
    columns = (
        "subscribers",
        "processes",
        "DKIM",
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
            "on" if run.dkim else "off",
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


def report(meta: dict[str, Any], runs: list[Run], title: str, json_path: Path | None) -> None:
    print()
    print(title)
    print(
        f"  Python {meta['python']}, Django {meta['django']}, Celery {meta['celery']}, "
        f"PostgreSQL {meta['postgresql']} ({meta['database_note']}), "
        f"batch size {meta['batch_size']}, {meta['concurrent_batches']} batch tasks per send, "
        f"{meta['smtp_connections']} SMTP connections per worker process"
    )
    print(
        f"  CPUs: {meta['cpu_count']} ({meta['machine']}), load average before: "
        f"{meta['load_average_before']}; SMTP: {meta['smtp_server']}"
    )
    print()
    print("\n".join(table(runs)))
    print()
    print(
        "ratio = pipeline msg/s / baseline msg/s (one raw smtplib connection, same server, "
        "measured right before the run)."
    )
    if "dkim_sign_ms" in meta:
        print(
            f"DKIM on: the workers sign every email (rsa-sha256, 2048 bits, relaxed/relaxed). "
            f"In this process: signing a whole email {meta['dkim_sign_ms']:.2f} ms; one "
            f"recipient's email from its template {meta['template_ms']:.3f} ms unsigned, "
            f"{meta['template_dkim_ms']:.3f} ms signed, so signing costs the pipeline "
            f"{meta['template_dkim_ms'] - meta['template_ms']:.3f} ms an email (verified with "
            "dkimpy)."
        )
    print(
        "enqueue s: start_send enqueued → all deliveries recorded and rendered (one "
        "transaction). peak RSS/proc: largest worker process (main or pool child), sampled "
        "every 0.1 s; VmHWM: the kernel's peak for it; sum: all worker processes together."
    )
    if json_path:
        payload = {"meta": meta, "runs": [{**asdict(run), "ratio": run.ratio} for run in runs]}
        json_path.write_text(json.dumps(payload, indent=2))


def measure_all(
    args: argparse.Namespace,
    env: dict[str, str],
    tmp: Path,
    smtp_port: int,
    *,
    title: str,
    database_note: str,
    smtp_server: str,
    dkim_env: dict[str, str],
    dkim: list[bool],
) -> int:
    """The audiences, then every size with every worker count, then the report."""
    connection.ensure_connection()
    sites = {}
    for size in args.subscribers:
        step(f"audience of {size} subscribers (bulk insert of what is missing)")
        sites[size] = ensure_audience(size)
    setup = Setup(env, tmp, smtp_port, sample_message(sites[args.subscribers[0]]), dkim_env)
    meta: dict[str, Any] = {
        "python": platform.python_version(),
        "django": django.get_version(),
        "celery": celery.__version__,
        "postgresql": f"{connection.pg_version // 10000}.{connection.pg_version % 10000}",
        "database_note": database_note,
        "smtp_server": smtp_server,
        "batch_size": settings.NEWSLETTER_BATCH_SIZE,
        "concurrent_batches": concurrent_batches(),
        "smtp_connections": smtp_connections(),
        "message_bytes": len(setup.message),
        **machine_meta(),
    }
    if True in dkim:
        meta.update(signing_costs(setup.message, setup.dkim_env["DKIM_PRIVATE_KEY"]))
    runs = [
        measure(setup, sites[size], size, processes, count, signed)
        for size in args.subscribers
        for processes in args.processes
        for signed in dkim
        for count in [min(args.baseline_messages, max(size, 1000))]
    ]
    report(meta, runs, title, args.json)
    return 0
