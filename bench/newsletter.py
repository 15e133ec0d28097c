"""Newsletter sending throughput through real Celery workers, as a ratio to a raw smtplib loop.

What it measures: an issue sent to N confirmed subscribers (``--subscribers``, 10,000 and
100,000 by default: worker memory must not grow with N) by ``celery -A cms worker`` with 1
and then 2 prefork processes (``--processes 1,2``), against PostgreSQL, a Redis of its own and
an SMTP server that discards the mail (aiosmtpd's Sink handler served by one process per CPU
on one listening socket, ``bench/harness/smtp_sink.py``, as a real MTA pre-forks). For each run:

- time to enqueue: from ``start_send`` being enqueued until its deliveries are all recorded
  and its renderings made (the send's ``started_at``, set in the transaction that records them);
- messages/s: recipients / (``finished_at`` - ``started_at``), every row checked ``sent``;
- worker peak memory: the largest resident set of any worker process (main or pool child),
  sampled every 0.1 s and checked against the kernel's own peak (VmHWM) at the end; and the
  peak of their sum. It must not grow with N: compare the rows for 10,000 and 100,000;
- baseline: right before each run, the same SMTP server receives ``--baseline-messages``
  copies of an email of the same size from one smtplib connection in a loop (no database, no
  broker, no rendering): the machine's limit. ratio = pipeline msg/s / baseline msg/s, so
  machine speed and load mostly cancel out. Nothing is asserted about timings;
- DKIM (``--dkim``, both by default): each size and worker count is run without and with DKIM
  signing (a 2048-bit RSA key made for the run, given to the workers as DKIM_SELECTOR and
  DKIM_PRIVATE_KEY for DEFAULT_FROM_EMAIL's domain), so the table shows what signing costs;
  the report also gives, in this process, the time to sign one whole email (as the test email
  and the confirmation are signed) and the pipeline's cost per recipient of making an email
  from its template without and with DKIM, and checks that the signatures verify.

One aiosmtpd process tops out near a core's worth of messages a second: served by one process
it was what two worker processes measured. Served by several, whichever is free takes the next
connection (the baseline's one connection goes to one of them). On a 2-CPU machine the workers,
PostgreSQL, Redis, the SMTP server and this script share the CPUs: read ratios, not absolutes.

The database is ``DATABASE_URL`` (default postgres://postgres@127.0.0.1:5432/bench_newsletter),
created if missing, migrated, and given one site per size (bench-<N>.localhost) with its
subscribers (inserted in bulk, once: a second run reuses them). Each run's issue and send are
deleted after it. Settings: cms.settings.production (persistent DB connections, DEBUG off).

This module sets up the services and the settings; bench/newsletter_sends.py, imported once
Django is set up with them, builds the audiences and measures the sends.

Usage, from the repository root::

    .venv/bin/python -m bench.newsletter [--subscribers 100000] [--processes 1,2]
                                         [--baseline-messages 5000] [--dkim both|off|on]
                                         [--json PATH]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlparse

import django

from bench.harness.cli import guarded, step
from bench.harness.mail import SmtpSink
from bench.harness.processes import HarnessError, RedisServer
from bench.harness.project import ensure_postgres_database, manage

TITLE = "bench/newsletter.py: Celery send pipeline vs a raw smtplib loop, same SMTP server"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench_newsletter"


def environment(tmp: Path, database_url: str, redis_url: str, smtp_url: str) -> dict[str, str]:
    """The workers' environment, and this script's once it has set up Django."""
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "cms.settings.production",
            "SECRET_KEY": "bench-newsletter-not-secret",
            "ALLOWED_HOSTS": ".localhost,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "EMAIL_URL": smtp_url,
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


def dkim_environment() -> dict[str, str]:
    """DKIM_SELECTOR and DKIM_PRIVATE_KEY of a new 2048-bit RSA key, for DEFAULT_FROM_EMAIL's
    domain (cms/settings/env.py). `cryptography` comes with the test extras."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return {"DKIM_SELECTOR": "bench", "DKIM_PRIVATE_KEY": pem.decode()}


def int_list(value: str) -> list[int]:
    try:
        numbers = [int(part.replace("_", "")) for part in value.split(",") if part.strip()]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a list of whole numbers: {value!r}") from exc
    if not numbers or min(numbers) < 1:
        raise argparse.ArgumentTypeError("give one or more numbers, each at least 1")
    return numbers


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.newsletter", description=TITLE)
    parser.add_argument(
        "--subscribers",
        type=int_list,
        default=[10_000, 100_000],
        help="subscribers per send; several, comma-separated, to compare (default 10000,100000)",
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
    parser.add_argument(
        "--dkim",
        choices=["both", "off", "on"],
        default="both",
        help="run without and with DKIM signing (both, the default), or only off / on",
    )
    parser.add_argument(
        "--smtp-processes",
        type=int,
        default=None,
        metavar="N",
        help="processes serving the SMTP sink (default: one per CPU)",
    )
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write results as JSON")
    return parser


def run(args: argparse.Namespace) -> int:
    """Start Redis and the SMTP sink, migrate, set up Django here with the workers' settings,
    then measure every size with every worker count. Whatever happens, the services are
    stopped and the temporary directory removed."""
    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if not urlparse(database_url).scheme.startswith("postgres"):
        raise HarnessError("bench.newsletter needs PostgreSQL (DATABASE_URL=postgres://...)")
    tmp = Path(tempfile.mkdtemp(prefix="bench-newsletter-"))
    redis_server, smtp = RedisServer(tmp), SmtpSink(tmp, args.smtp_processes)
    try:
        database_note = ensure_postgres_database(database_url)
        step(database_note)
        redis_server.start()
        smtp.start()
        env = environment(tmp, database_url, redis_server.url, smtp.url)
        step("migrate")
        manage(env, "migrate", "--noinput")
        os.environ.update(env)  # this process enqueues and watches with the workers' settings
        django.setup()
        # Imported here, not at the top: its models need Django set up, with the environment
        # just built.
        from bench import newsletter_sends

        dkim = {"off": [False], "on": [True], "both": [False, True]}[args.dkim]
        return newsletter_sends.measure_all(
            args,
            env,
            tmp,
            smtp.port,
            title=TITLE,
            database_note=database_note,
            smtp_server=smtp.describe(),
            dkim_env=dkim_environment(),
            dkim=dkim,
        )
    finally:
        smtp.stop()
        redis_server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return guarded(lambda: run(args))


if __name__ == "__main__":
    sys.exit(main())
