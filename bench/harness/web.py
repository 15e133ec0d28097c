"""The page benchmark's run, shared by bench.pages and bench.stories: a database with the demo
content, gunicorn with DEBUG off, each target measured against ``/healthz`` (see bench.pages
for why ratios and how to read them), the report.

A benchmark gives run() its targets and, if it needs more data than the demo, a prepare hook
(``prepare(env, port) -> Prepared``) that grows the database and adds targets, meta and header
lines; build_parser()/parse_args() give it the shared options, to which it may add its own.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from bench.harness import wrk
from bench.harness.appserver import Gunicorn
from bench.harness.cli import step
from bench.harness.load import BASELINE, STOP, Comparison, Plan, Target, compare
from bench.harness.processes import HarnessError, free_port
from bench.harness.project import django_script, ensure_postgres_database, manage
from bench.harness.report import log_problems, machine_meta, report

# The page cache as each variant's server has it (cms/core/page_cache.py; in-process memory
# per gunicorn worker, as nothing purges during a benchmark).
PAGE_CACHE_VARIANTS = {"uncached": "0", "cached": "600"}


@dataclass
class Prepared:
    """What a prepare hook made of the database, for run() to measure and report."""

    targets: list[Target] = field(default_factory=list)  # measured after run()'s own targets
    meta: dict[str, Any] = field(default_factory=dict)  # added to the meta (header and JSON)
    header: list[str] = field(default_factory=list)  # printed right after the title


# prepare(env, port): called by run() after load_demo, with the server's environment and port.
Prepare = Callable[[dict[str, str], int], Prepared]


def build_parser(prog: str, description: str) -> argparse.ArgumentParser:
    """The options every page benchmark has; one may add its own to them."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per timed run")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds of warm-up per run")
    parser.add_argument(
        "--rounds",
        type=int,
        default=5,
        help="cut each --duration into this many baseline/page pairs, run alternately "
        "(default 5; 1 runs the baseline and the page once each, back to back)",
    )
    parser.add_argument("--concurrency", type=int, default=4, help="client threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--worker-class",
        choices=["sync", "gthread"],
        default="sync",
        help="sync (as deployed; a new connection per request) or gthread with 1 thread per "
        "worker and keep-alive",
    )
    parser.add_argument("--port", type=int, default=0, help="port for gunicorn (0: a free one)")
    parser.add_argument(
        "--client",
        choices=["wrk", "python"],
        default="wrk" if wrk.available() else "python",
        help="load generator for the timed slices: wrk (default when installed; a Python "
        "client saturates before the constant view does) or python",
    )
    parser.add_argument(
        "--page-cache",
        choices=sorted(PAGE_CACHE_VARIANTS) + ["both"],
        default="both",
        help="measure the pages from the page cache (cached), rendered every time "
        "(uncached), or both side by side, each on its own gunicorn (default both)",
    )
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write results as JSON")
    return parser


def parse_args(parser: argparse.ArgumentParser, argv: list[str] | None) -> argparse.Namespace:
    """Parse with parser (from build_parser()) and check the options it shares."""
    args = parser.parse_args(argv)
    if args.duration <= 0 or args.warmup < 0:
        parser.error("--duration must be > 0 and --warmup >= 0")
    if min(args.concurrency, args.workers, args.rounds) < 1:
        parser.error("--concurrency, --workers and --rounds must be at least 1")
    return args


def child_environment(tmp: Path, database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
            "DEBUG": "0",  # what is measured is the site as served, not the debug toolbar path
            "ALLOWED_HOSTS": "localhost,.localhost,127.0.0.1",
            "DATABASE_URL": database_url,
            "VAR_DIR": str(tmp / "var"),
            "MEDIA_ROOT": str(tmp / "var" / "media"),
            "STATIC_ROOT": str(tmp / "var" / "static"),
            "PYTHONUNBUFFERED": "1",
        }
    )
    # Persistent database connections, as production settings have them (dev's default of 0
    # would add a PostgreSQL connection set-up to every page and nothing to the baseline).
    env.setdefault("DATABASE_CONN_MAX_AGE", "60")
    return env


PROBE = """
import json, platform, django, wagtail
from importlib.metadata import version
django.setup()
from django.conf import settings
from django.db import connection
connection.ensure_connection()
print(json.dumps({
    "python": platform.python_version(),
    "django": django.get_version(),
    "wagtail": wagtail.__version__,
    "gunicorn": version("gunicorn"),
    "database_vendor": connection.vendor,
    "database_version": ".".join(map(str, connection.Database.sqlite_version_info))
        if connection.vendor == "sqlite"
        else f"{connection.pg_version // 10000}.{connection.pg_version % 10000}"
        if connection.vendor == "postgresql" else "",
    "conn_max_age": settings.DATABASES["default"]["CONN_MAX_AGE"],
    "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
    "debug": settings.DEBUG,
}))
"""


def probe(env: dict[str, str]) -> dict[str, Any]:
    """Versions and database as the server's own settings see them."""
    info: dict[str, Any] = django_script(env, PROBE, what="probing the settings")
    if info["debug"]:
        raise HarnessError("DEBUG is on in the server's settings: the numbers would mislead.")
    return info


def database(tmp: Path) -> tuple[str, str]:
    """DATABASE_URL (a PostgreSQL one created if missing), or a fresh SQLite file in tmp; and
    a note saying which."""
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url:
        return f"sqlite:///{tmp / 'bench.sqlite3'}", "fresh file in a temporary directory"
    if urlparse(database_url).scheme.startswith("postgres"):
        return database_url, ensure_postgres_database(database_url)
    return database_url, "from DATABASE_URL"


def build_site(env: dict[str, str], port: int, prepare: Prepare | None) -> Prepared:
    """migrate, load_demo for this port, the prepare hook, collectstatic."""
    step("migrate")
    manage(env, "migrate", "--noinput")
    step(f"load_demo --port {port}")
    manage(env, "load_demo", "--port", str(port))
    prepared = prepare(env, port) if prepare is not None else Prepared()
    step("collectstatic (whitenoise serves from STATIC_ROOT with DEBUG off)")
    manage(env, "collectstatic", "--noinput")
    return prepared


def load_plan(args: argparse.Namespace, log_path: Path) -> Plan:
    """The load the options ask for, on --port or a free one."""
    # Sync workers (the deployed configuration) answer every request with "Connection: close"
    # whatever the client asks, so the client opens a connection per request; that also spreads
    # requests evenly over the workers. gthread with keep-alive pins each connection to the
    # worker that accepted it, and in trials here gave no steadier ratios, so sync is the default.
    return Plan(
        port=args.port or free_port(),
        concurrency=args.concurrency,
        duration=args.duration,
        warmup=args.warmup,
        rounds=args.rounds,
        keep_alive=args.worker_class == "gthread",
        log_path=log_path,
        client=args.client,
    )


def measure_variants(args, env: dict[str, str], plan: Plan, measured) -> list[Comparison]:
    """Each variant's gunicorn in turn (the page cache off, then on), every target measured
    against the baseline on it; the server is stopped after its variant, even on error."""
    comparisons: list[Comparison] = []
    for variant in variants(args):
        step(f"gunicorn on 127.0.0.1:{plan.port}, pages {variant}")
        variant_env = {**env, "PAGE_CACHE_SECONDS": PAGE_CACHE_VARIANTS[variant]}
        server = Gunicorn(
            variant_env,
            plan.port,
            plan.log_path,
            workers=args.workers,
            worker_class=args.worker_class,
        )
        server.start()
        try:
            for target in measured:
                named = replace(target, name=f"{target.name} ({variant})")
                # Baseline right before its page: each ratio compares runs made close together.
                step(f"measuring {BASELINE.name} then {named.name} ({target.url(plan.port)})")
                comparisons.append(compare(named, plan))
            server.check_running()
        finally:
            server.stop()
    return comparisons


def variants(args: argparse.Namespace) -> list[str]:
    return ["uncached", "cached"] if args.page_cache == "both" else [args.page_cache]


def run_meta(args: argparse.Namespace, env: dict[str, str], plan: Plan, note: str) -> dict:
    """Everything the header and the JSON say about the run, but the prepare hook's part."""
    return {
        **probe(env),
        "database_note": note,
        "workers": args.workers,
        "worker_class": args.worker_class,
        "concurrency": args.concurrency,
        "connections": "keep-alive" if plan.keep_alive else "a new connection per request",
        "duration": args.duration,
        "warmup": args.warmup,
        "rounds": args.rounds,
        "client": args.client,
        "page_cache": args.page_cache,
        **machine_meta(),
        "port": plan.port,
    }


def run(
    args: argparse.Namespace,
    targets: Sequence[Target] = (),
    *,
    prepare: Prepare | None = None,
    title: str,
    temp_prefix: str,
) -> int:
    """Set up a database and gunicorn, measure each target against the baseline, report.

    prepare(env, port), if given, runs after migrate and load_demo, before collectstatic; the
    Prepared it returns adds targets (measured after these), meta entries and header lines.
    Whatever happens, gunicorn is stopped and the temporary directory removed.
    """
    tmp = Path(tempfile.mkdtemp(prefix=temp_prefix))
    plan = load_plan(args, tmp / "gunicorn.log")
    try:
        database_url, note = database(tmp)
        env = child_environment(tmp, database_url)
        step(note)
        prepared = build_site(env, plan.port, prepare)
        measured = [*targets, *prepared.targets]
        if not measured:
            raise HarnessError("no target to measure")
        meta = {**run_meta(args, env, plan, note), **prepared.meta}

        comparisons = measure_variants(args, env, plan, measured)
        report(
            meta,
            comparisons,
            log_problems(plan.log_path),
            title=title,
            extra_header=prepared.header,
            json_path=args.json,
        )
        return 0
    finally:
        STOP.set()
        shutil.rmtree(tmp, ignore_errors=True)
