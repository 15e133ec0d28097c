"""Requests per second for three Wagtail pages, each as a ratio to a constant Django view.

What it measures: the national home (``localhost``), the Coventry chapter home
(``coventry.localhost``) and a standard page (``localhost/about/``), served by gunicorn
(2 sync workers by default, as in the Dockerfile and docker-compose) with ``DEBUG`` off, on a
database of its own loaded with the demo content. Beside each page it measures ``/healthz``, a
constant-response Django view that goes through the same middleware but touches no page,
template or database.

Why ratios: absolute requests/s depend on the machine, its load and the load generator (a
Python client sharing the CPUs with the server). The ratio page/baseline, with the two runs
made one right after the other in the same process, cancels most of that and says what the
page itself costs: 0.25 means a page costs four times a bare Django request. Nothing here
asserts a timing; it only reports.

How: for each page, a 1 s warm-up of the baseline and of the page (checked, not counted), then
``--duration`` seconds of each, cut into ``--rounds`` alternating baseline/page slices (5 by
default). On a shared 2-CPU machine, other load comes and goes within seconds: in trials
there, single back-to-back 5 s runs (``--rounds 1``) put a page's ratio anywhere from 0.015 to
0.048 over four runs, while 5 alternating slices kept it within 0.033 to 0.064 over six runs
(mostly 0.035 to 0.050) as absolute requests/s moved more than twofold. Run on a quiet machine,
with a longer ``--duration``, for numbers to compare across commits.
Every response must be a 200 whose body holds a known marker, or the benchmark stops.

Usage, from the repository root::

    .venv/bin/python bench/pages.py [--duration 10] [--concurrency 4] [--workers 2] [--port 0]
                                    [--rounds 5] [--worker-class sync|gthread] [--json PATH]

The database is a fresh SQLite file in a temporary directory, unless ``DATABASE_URL`` is set
(e.g. ``postgres://postgres@127.0.0.1:5432/bench``): then that database is used, created first
if it is a PostgreSQL database that does not exist yet (an existing one is accepted; it is
migrated and the idempotent ``load_demo`` brings the demo content up to date, pointing the demo
sites at the benchmark's port, so give the benchmark a database of its own; it is not dropped
afterwards). Media, static files and the gunicorn log go to the temporary directory,
which is removed at the end, as gunicorn is stopped, even on error or Ctrl-C.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

REPO_ROOT = Path(__file__).resolve().parent.parent
READY_TIMEOUT = 60.0  # seconds gunicorn gets to answer /healthz
REQUEST_TIMEOUT = 30.0  # seconds for one request before it counts as a failure
STOP_TIMEOUT = 15.0  # seconds a server (gunicorn, Redis...) gets to stop on SIGTERM before a kill
GRACEFUL_TIMEOUT = 5  # gunicorn's own --graceful-timeout
MAX_FAILURE_MESSAGES = 5
STOP = threading.Event()  # set as the benchmark ends, however it ends: client threads stop
TITLE = "bench/pages.py: Wagtail pages vs a constant Django view, same gunicorn, same run"


class BenchError(RuntimeError):
    """The benchmark could not run, or a request failed: the numbers would mean nothing."""


@dataclass(frozen=True)
class Target:
    name: str
    hostname: str
    path: str
    marker: str  # text the response body must contain

    def url(self, port: int) -> str:
        return f"http://{self.hostname}:{port}{self.path}"


BASELINE = Target("baseline /healthz", "localhost", "/healthz", "ok")
TARGETS = [
    Target("national home", "localhost", "/", "Connection Coalition"),
    Target("Coventry home", "coventry.localhost", "/", "CommUNITY is not just for pandemics"),
    Target("standard page /about/", "localhost", "/about/", "Why now?"),
]


@dataclass
class RunResult:
    """One timed run of one target: every client thread hammering it for the duration."""

    target: str
    url: str
    requests: int
    seconds: float
    requests_per_second: float
    p50_ms: float
    p95_ms: float
    mean_bytes: float
    client_cpu_percent: float  # the load generator's CPU use, in % of one core


@dataclass
class Comparison:
    target: RunResult
    baseline: RunResult

    @property
    def ratio(self) -> float:
        return self.target.requests_per_second / self.baseline.requests_per_second


@dataclass
class Prepared:
    """What a prepare hook made of the database, for run() to measure and report."""

    targets: list[Target] = field(default_factory=list)  # measured after run()'s own targets
    meta: dict[str, Any] = field(default_factory=dict)  # added to the meta (header and JSON)
    header: list[str] = field(default_factory=list)  # printed right after the title


# prepare(env, port): called by run() after load_demo, with the server's environment and port.
Prepare = Callable[[dict[str, str], int], Prepared]


# --- the server ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ensure_postgres_database(url: str) -> str:
    """Create the PostgreSQL database named in url if it is missing. Says what it did."""
    import psycopg2
    from psycopg2 import sql

    parsed = urlparse(url)
    name = unquote(parsed.path.lstrip("/"))
    if not name:
        raise BenchError(f"DATABASE_URL {url!r} names no database.")
    try:
        connection = psycopg2.connect(
            dbname="postgres",
            host=parsed.hostname or None,
            port=parsed.port or None,
            user=unquote(parsed.username) if parsed.username else None,
            password=unquote(parsed.password) if parsed.password else None,
        )
    except psycopg2.Error as exc:
        raise BenchError(f"cannot reach PostgreSQL to create {name!r}: {exc}") from exc
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is not None:
                return f"using existing PostgreSQL database {name!r}"
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            return f"created PostgreSQL database {name!r}"
    finally:
        connection.close()


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


def manage(env: dict[str, str], *args: str) -> str:
    """Run a manage.py command; on failure show its output and stop."""
    command = [sys.executable, "manage.py", *args]
    completed = subprocess.run(
        command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise BenchError(
            f"{' '.join(command[1:])} failed (exit {completed.returncode}):\n"
            f"{completed.stdout}\n{completed.stderr}"
        )
    return completed.stdout


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


def django_script(env: dict[str, str], script: str, *args: str, what: str) -> Any:
    """Run script (``python -c``, with the server's environment); its last line, read as JSON.

    On failure, stops the benchmark: "<what> failed", with the script's stderr.
    """
    completed = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise BenchError(f"{what} failed:\n{completed.stderr}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def probe(env: dict[str, str]) -> dict[str, Any]:
    """Versions and database as the server's own settings see them."""
    info: dict[str, Any] = django_script(env, PROBE, what="probing the settings")
    if info["debug"]:
        raise BenchError("DEBUG is on in the server's settings: the numbers would mislead.")
    return info


def gunicorn_has_option(option: str) -> bool:
    from gunicorn.config import KNOWN_SETTINGS

    return any(option in (setting.cli or []) for setting in KNOWN_SETTINGS)


def start_gunicorn(
    env: dict[str, str], port: int, workers: int, worker_class: str, log_path: Path
) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "cms.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        "--graceful-timeout",
        str(GRACEFUL_TIMEOUT),
        "--error-logfile",
        "-",  # no access log: writing one per request would be part of what is measured
    ]
    if gunicorn_has_option("--no-control-socket"):
        # Newer gunicorns open a control socket at one fixed path under $HOME by default, shared
        # with any other gunicorn started there; the benchmark needs none.
        command.append("--no-control-socket")
    if worker_class == "gthread":
        # One thread per worker, so each worker still serves one request at a time as the
        # sync worker does; what gthread adds is keep-alive.
        command += ["--threads", "1", "--keep-alive", "30"]
    return start_process(command, log_path, env)


def start_process(
    command: list[str], log_path: Path, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """Start a server of the benchmark's, its output to log_path; stop it with stop_process()."""
    with log_path.open("wb") as log:  # the child keeps its own descriptor
        # Own session: Ctrl-C reaches only this script, which then stops its servers in order.
        return subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def log_tail(log_path: Path, lines: int = 40) -> str:
    try:
        text = log_path.read_text(errors="replace")
    except OSError:
        return f"(no log at {log_path})"
    return "\n".join(text.splitlines()[-lines:])


def wait_until_ready(server: subprocess.Popen[bytes], port: int, log_path: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    last_error = "no answer yet"
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(
                f"gunicorn exited with {server.returncode} before it was ready:\n"
                + log_tail(log_path)
            )
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", BASELINE.path, headers={"Host": f"localhost:{port}"})
            response = connection.getresponse()
            body = response.read().decode(errors="replace")
            if response.status == 200 and BASELINE.marker in body:
                return
            last_error = f"HTTP {response.status}: {body[:200]!r}"
        except OSError as exc:
            last_error = repr(exc)
        finally:
            connection.close()
        time.sleep(0.1)
    raise BenchError(
        f"gunicorn did not answer /healthz within {READY_TIMEOUT:.0f} s ({last_error}):\n"
        + log_tail(log_path)
    )


def stop_process(process: subprocess.Popen[bytes] | None, timeout: float = STOP_TIMEOUT) -> None:
    """SIGTERM to a start_process() server's main process (gunicorn's master, celery's main
    process: it stops its children), then wait; kill its whole session only if it hangs."""
    if process is None or process.poll() is not None:
        return
    try:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        print(f"pid {process.pid} ignored SIGTERM; killing its session", file=sys.stderr)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=timeout)
    except ProcessLookupError:
        pass


# --- the load generator -------------------------------------------------------------------------


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, round(fraction * len(sorted_values) + 0.5))
    return sorted_values[min(rank, len(sorted_values)) - 1]


class Client(threading.Thread):
    """One simulated visitor: requests one URL over and over until the deadline."""

    def __init__(
        self, target: Target, port: int, keep_alive: bool, start: threading.Barrier
    ) -> None:
        super().__init__(daemon=True)
        self.target = target
        self.port = port
        self.start_barrier = start
        self.deadline = 0.0
        self.headers = {
            "Host": f"{target.hostname}:{port}",
            "User-Agent": "bench/pages.py",
            "Accept": "text/html",
            # Sync workers close the connection after every response anyway; say so up front
            # rather than find out on the next request.
            "Connection": "keep-alive" if keep_alive else "close",
        }
        self.marker = target.marker.encode()
        self.latencies: list[float] = []
        self.bytes_read = 0
        self.failures = 0
        self.failure_messages: list[str] = []
        self.finished_at = 0.0

    def run(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        self.start_barrier.wait()
        perf = time.perf_counter
        try:
            while perf() < self.deadline and not STOP.is_set():
                began = perf()
                try:
                    connection.request("GET", self.target.path, headers=self.headers)
                    response = connection.getresponse()
                    body = response.read()
                except (OSError, http.client.HTTPException) as exc:
                    connection.close()  # the next request() opens a fresh connection
                    self.fail(f"{exc.__class__.__name__}: {exc}")
                    continue
                elapsed = perf() - began
                if response.status != 200:
                    self.fail(f"HTTP {response.status}: {body[:200]!r}")
                elif self.marker not in body:
                    self.fail(f"HTTP 200 without {self.target.marker!r}: {body[:200]!r}")
                else:
                    self.latencies.append(elapsed)
                    self.bytes_read += len(body)
                if response.will_close:
                    connection.close()
        finally:
            connection.close()
            self.finished_at = perf()

    def fail(self, message: str) -> None:
        self.failures += 1
        if len(self.failure_messages) < MAX_FAILURE_MESSAGES:
            self.failure_messages.append(message)


@dataclass
class Slice:
    """What the client threads saw in one stretch of load on one target."""

    latencies: list[float]
    bytes_read: int
    failures: int
    failure_messages: list[str]
    seconds: float
    client_cpu_seconds: float


def run_slice(
    target: Target, port: int, concurrency: int, seconds: float, keep_alive: bool
) -> Slice:
    barrier = threading.Barrier(concurrency + 1)
    clients = [Client(target, port, keep_alive, barrier) for _ in range(concurrency)]
    for client in clients:
        client.start()
    cpu_before = sum(os.times()[:2])  # this process: the load generator's own cost
    started = time.perf_counter()
    for client in clients:
        client.deadline = started + seconds
    barrier.wait()  # all threads go together
    for client in clients:
        client.join()
    # Requests in flight at the deadline still finish: count the time they took too.
    elapsed = max(client.finished_at for client in clients) - started
    return Slice(
        latencies=[value for client in clients for value in client.latencies],
        bytes_read=sum(client.bytes_read for client in clients),
        failures=sum(client.failures for client in clients),
        failure_messages=[m for client in clients for m in client.failure_messages][
            :MAX_FAILURE_MESSAGES
        ],
        seconds=elapsed,
        client_cpu_seconds=sum(os.times()[:2]) - cpu_before,
    )


def checked_slice(
    target: Target,
    port: int,
    concurrency: int,
    seconds: float,
    keep_alive: bool,
    log_path: Path,
    what: str,
) -> Slice:
    """Run a slice; any failed request stops the benchmark, with gunicorn's log."""
    result = run_slice(target, port, concurrency, seconds, keep_alive)
    if result.failures:
        raise BenchError(
            f"{result.failures} of {result.failures + len(result.latencies)} requests to "
            f"{target.url(port)} failed ({what}):\n  "
            + "\n  ".join(result.failure_messages)
            + "\ngunicorn log:\n"
            + log_tail(log_path)
        )
    if not result.latencies:
        raise BenchError(f"no request to {target.url(port)} completed in {seconds:g} s ({what})")
    return result


def summarise(target: Target, port: int, slices: list[Slice]) -> RunResult:
    latencies = sorted(value for part in slices for value in part.latencies)
    done = len(latencies)
    seconds = sum(part.seconds for part in slices)
    return RunResult(
        target=target.name,
        url=target.url(port),
        requests=done,
        seconds=round(seconds, 3),
        requests_per_second=done / seconds,
        p50_ms=percentile(latencies, 0.50) * 1000,
        p95_ms=percentile(latencies, 0.95) * 1000,
        mean_bytes=sum(part.bytes_read for part in slices) / done,
        client_cpu_percent=100 * sum(part.client_cpu_seconds for part in slices) / seconds,
    )


def compare(
    target: Target,
    port: int,
    concurrency: int,
    duration: float,
    warmup: float,
    rounds: int,
    keep_alive: bool,
    log_path: Path,
) -> Comparison:
    """Baseline then page, each warmed up first (not counted, but checked).

    With rounds > 1 the duration is cut into that many baseline/page pairs run alternately, so
    a burst of other load on the machine lands on both sides of the ratio alike.
    """
    slice_seconds = duration / rounds
    baseline: list[Slice] = []
    page: list[Slice] = []
    for number in range(rounds):
        for which, into in ((BASELINE, baseline), (target, page)):
            if number == 0 and warmup > 0:
                checked_slice(which, port, concurrency, warmup, keep_alive, log_path, "warm-up")
            what = f"round {number + 1} of {rounds}"
            into.append(
                checked_slice(which, port, concurrency, slice_seconds, keep_alive, log_path, what)
            )
    return Comparison(
        target=summarise(target, port, page), baseline=summarise(BASELINE, port, baseline)
    )


# --- reporting ----------------------------------------------------------------------------------


def header_lines(meta: dict[str, Any], title: str = TITLE, extra: Sequence[str] = ()) -> list[str]:
    """The title, any extra lines, then versions, database, server, client and timing."""
    rounds = f" (in {meta['rounds']} alternating slices)" if meta["rounds"] > 1 else ""
    return [
        title,
        *extra,
        f"  Python {meta['python']}, Django {meta['django']}, Wagtail {meta['wagtail']}, "
        f"gunicorn {meta['gunicorn']}",
        f"  database: {meta['database_vendor']} {meta['database_version']} "
        f"({meta['database_note']}), CONN_MAX_AGE {meta['conn_max_age']}, "
        f"cache: {meta['cache']}, DEBUG off",
        f"  gunicorn: {meta['workers']} {meta['worker_class']} workers; "
        f"client: {meta['concurrency']} threads, {meta['connections']}",
        f"  duration: {meta['duration']:g} s per run{rounds} after {meta['warmup']:g} s "
        f"warm-up; CPUs: {meta['cpu_count']} ({meta['machine']}), load average before: "
        f"{meta['load_average_before']}",
    ]


def aligned_table(
    columns: tuple[str, ...], rows: list[tuple[str, ...]], left: int = 0
) -> list[str]:
    """A text table: header, rule, rows; the first `left` columns aligned left, the rest right."""
    widths = [max(len(row[i]) for row in [columns, *rows]) for i in range(len(columns))]

    def line(row: tuple[str, ...]) -> str:
        return "  ".join(
            cell.ljust(width) if index < left else cell.rjust(width)
            for index, (cell, width) in enumerate(zip(row, widths, strict=True))
        )

    return [line(columns), "  ".join("-" * width for width in widths), *map(line, rows)]


def table_lines(comparisons: list[Comparison]) -> list[str]:
    columns = ("target", "req/s", "p50 ms", "p95 ms", "baseline req/s", "ratio")
    rows = [
        (
            c.target.target,
            f"{c.target.requests_per_second:.1f}",
            f"{c.target.p50_ms:.1f}",
            f"{c.target.p95_ms:.1f}",
            f"{c.baseline.requests_per_second:.1f}",
            f"{c.ratio:.3f}",
        )
        for c in comparisons
    ]
    return aligned_table(columns, rows, left=1)


def log_problems(log_path: Path) -> list[str]:
    """Lines of gunicorn's log worth a look: tracebacks, errors, warnings, worker restarts."""
    pattern = re.compile(r"Traceback|ERROR|CRITICAL|WARNING|Warning:|Worker exiting|TIMEOUT")
    try:
        lines = log_path.read_text(errors="replace").splitlines()
    except OSError:
        return []
    return [line for line in lines if pattern.search(line)]


def report(
    meta: dict[str, Any],
    comparisons: list[Comparison],
    problems: list[str],
    *,
    title: str = TITLE,
    extra_header: Sequence[str] = (),
    json_path: Path | None = None,
) -> None:
    """Print the header, the table, how to read it and the log's problems; write the JSON."""
    print()
    print("\n".join(header_lines(meta, title, extra_header)))
    print()
    print("\n".join(table_lines(comparisons)))
    print()
    print("ratio = page req/s / baseline req/s, the baseline measured just before the page.")
    client_cpu = max(c.baseline.client_cpu_percent for c in comparisons)
    print(
        f"The load generator itself used up to {client_cpu:.0f}% of a core during the "
        f"baseline runs, on the same {meta['cpu_count']} CPUs as gunicorn."
    )
    if problems:
        print(f"\ngunicorn log had {len(problems)} line(s) worth a look:")
        print("\n".join(f"  {line}" for line in problems[:20]))

    if json_path:
        payload = {
            "meta": meta,
            "results": [
                {
                    "target": c.target.target,
                    "url": c.target.url,
                    "ratio": c.ratio,
                    "page": asdict(c.target),
                    "baseline": asdict(c.baseline),
                }
                for c in comparisons
            ],
            "gunicorn_log_problems": problems,
        }
        json_path.write_text(json.dumps(payload, indent=2) + "\n")
        print(f"\nwrote {json_path}")


# --- main ---------------------------------------------------------------------------------------


def build_parser(
    prog: str | None = None, description: str | None = None
) -> argparse.ArgumentParser:
    """The options of this benchmark; another one built on run() adds its own to them."""
    parser = argparse.ArgumentParser(prog=prog, description=description or __doc__.split("\n\n")[0])
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
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write results as JSON")
    return parser


def parse_args(
    argv: list[str] | None, parser: argparse.ArgumentParser | None = None
) -> argparse.Namespace:
    """Parse with parser (build_parser()'s by default) and check the options it shares."""
    parser = parser or build_parser()
    args = parser.parse_args(argv)
    if args.duration <= 0 or args.warmup < 0:
        parser.error("--duration must be > 0 and --warmup >= 0")
    if min(args.concurrency, args.workers, args.rounds) < 1:
        parser.error("--concurrency, --workers and --rounds must be at least 1")
    return args


def machine_meta() -> dict[str, Any]:
    """The machine, and how busy it was before the run (for the header and the JSON)."""
    return {
        "cpu_count": os.cpu_count(),
        "machine": f"{platform.system()} {platform.machine()}",
        "load_average_before": " ".join(f"{value:.2f}" for value in os.getloadavg()),
    }


def step(message: str) -> None:
    """Say what the benchmark is doing, on stderr (the results go to stdout)."""
    print(f"... {message}", file=sys.stderr, flush=True)


def run(
    args: argparse.Namespace,
    targets: Sequence[Target] = (),
    *,
    prepare: Prepare | None = None,
    title: str = TITLE,
    temp_prefix: str = "bench-pages-",
) -> int:
    """Set up a database and gunicorn, measure each target against the baseline, report.

    prepare(env, port), if given, runs after migrate and load_demo, before collectstatic; the
    Prepared it returns adds targets (measured after these), meta entries and header lines.
    Whatever happens, gunicorn is stopped and the temporary directory removed.
    """
    port = args.port or free_port()
    # Sync workers (the deployed configuration) answer every request with "Connection: close"
    # whatever the client asks, so the client opens a connection per request; that also spreads
    # requests evenly over the workers. gthread with keep-alive pins each connection to the
    # worker that accepted it, and in trials here gave no steadier ratios, so sync is the default.
    keep_alive = args.worker_class == "gthread"
    tmp = Path(tempfile.mkdtemp(prefix=temp_prefix))
    server: subprocess.Popen[bytes] | None = None
    log_path = tmp / "gunicorn.log"
    try:
        database_url = os.environ.get("DATABASE_URL", "")
        if database_url:
            scheme = urlparse(database_url).scheme
            if scheme.startswith("postgres"):
                database_note = ensure_postgres_database(database_url)
            else:
                database_note = "from DATABASE_URL"
        else:
            database_url = f"sqlite:///{tmp / 'bench.sqlite3'}"
            database_note = "fresh file in a temporary directory"
        env = child_environment(tmp, database_url)

        step(database_note)
        step("migrate")
        manage(env, "migrate", "--noinput")
        step(f"load_demo --port {port}")
        manage(env, "load_demo", "--port", str(port))
        prepared = prepare(env, port) if prepare is not None else Prepared()
        measured = [*targets, *prepared.targets]
        if not measured:
            raise BenchError("no target to measure")
        step("collectstatic (whitenoise serves from STATIC_ROOT with DEBUG off)")
        manage(env, "collectstatic", "--noinput")
        meta: dict[str, Any] = probe(env)
        meta.update(
            {
                "database_note": database_note,
                "workers": args.workers,
                "worker_class": args.worker_class,
                "concurrency": args.concurrency,
                "connections": "keep-alive" if keep_alive else "a new connection per request",
                "duration": args.duration,
                "warmup": args.warmup,
                "rounds": args.rounds,
                **machine_meta(),
                "port": port,
                **prepared.meta,
            }
        )

        step(f"gunicorn on 127.0.0.1:{port}")
        server = start_gunicorn(env, port, args.workers, args.worker_class, log_path)
        wait_until_ready(server, port, log_path)

        comparisons: list[Comparison] = []
        for target in measured:
            # Baseline right before its page, so each ratio compares runs made close together.
            step(f"measuring {BASELINE.name} then {target.name} ({target.url(port)})")
            comparisons.append(
                compare(
                    target,
                    port,
                    args.concurrency,
                    args.duration,
                    args.warmup,
                    args.rounds,
                    keep_alive,
                    log_path,
                )
            )
        if server.poll() is not None:
            raise BenchError(f"gunicorn exited with {server.returncode} during the run")

        report(
            meta,
            comparisons,
            log_problems(log_path),
            title=title,
            extra_header=prepared.header,
            json_path=args.json,
        )
        return 0
    finally:
        STOP.set()
        stop_process(server)
        shutil.rmtree(tmp, ignore_errors=True)


def interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def guarded(benchmark: Callable[[], int]) -> int:
    """Run benchmark() (a run()) and turn how it ends into an exit status and a message.

    gunicorn runs in its own session, so only this script can stop it: SIGTERM (and SIGINT,
    even if the shell started us with it ignored) unwind through run()'s finally block.
    """
    signal.signal(signal.SIGINT, interrupted)
    signal.signal(signal.SIGTERM, interrupted)
    try:
        return benchmark()
    except BenchError as exc:
        print(f"\nBENCHMARK ABORTED: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted; gunicorn stopped and temporary files removed", file=sys.stderr)
        return 130


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return guarded(lambda: run(args, TARGETS))


if __name__ == "__main__":
    sys.exit(main())
