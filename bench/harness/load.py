"""The load generator: client threads requesting one URL over and over for a slice of time,
timed; a page measured against the baseline (``/healthz``) in alternating slices; the results.

Every response must be a 200 whose body holds the target's marker: any other answer stops
the benchmark (HarnessError, with the server's log), since the numbers would mean nothing.
"""

from __future__ import annotations

import http.client
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bench.harness import wrk
from bench.harness.appserver import HEALTH_MARKER, HEALTH_PATH
from bench.harness.processes import HarnessError, log_tail

REQUEST_TIMEOUT = 30.0  # seconds for one request before it counts as a failure
MAX_FAILURE_MESSAGES = 5
STOP = threading.Event()  # set as a benchmark ends, however it ends: client threads stop


@dataclass(frozen=True)
class Target:
    name: str
    hostname: str
    path: str
    marker: str  # text the response body must contain

    def url(self, port: int) -> str:
        return f"http://{self.hostname}:{port}{self.path}"


BASELINE = Target("baseline /healthz", "localhost", HEALTH_PATH, HEALTH_MARKER)


@dataclass(frozen=True)
class Plan:
    """How to load a server: where, how hard, how long, in how many slices."""

    port: int
    concurrency: int  # client threads
    duration: float  # seconds per target, all slices together
    warmup: float  # seconds of warm-up per target (checked, not counted)
    rounds: int  # alternating baseline/page slices
    keep_alive: bool
    log_path: Path  # the server's log, shown when a request fails
    client: str = "python"  # the timed slices' load generator: "python" or "wrk"


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
                self.check(response, body, perf() - began)
                if response.will_close:
                    connection.close()
        finally:
            connection.close()
            self.finished_at = perf()

    def check(self, response: http.client.HTTPResponse, body: bytes, elapsed: float) -> None:
        """Count a response that is a 200 holding the marker; any other is a failure."""
        if response.status != 200:
            self.fail(f"HTTP {response.status}: {body[:200]!r}")
        elif self.marker not in body:
            self.fail(f"HTTP 200 without {self.target.marker!r}: {body[:200]!r}")
        else:
            self.latencies.append(elapsed)
            self.bytes_read += len(body)

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
    # wrk reports counts and percentiles, not each latency (bench.harness.wrk).
    count: int = 0
    p50: float | None = None
    p95: float | None = None


def run_wrk_slice(target: Target, port: int, concurrency: int, seconds: float) -> Slice:
    cpu_before = sum(os.times()[:4])  # wrk is a child: its CPU counts once it has ended
    numbers = wrk.run(target.hostname, port, target.path, concurrency, seconds)
    return Slice(
        latencies=[],
        bytes_read=numbers["bytes"],
        failures=numbers["errors"],
        failure_messages=[f"{numbers['errors']} errors (non-2xx/3xx or socket) reported by wrk"],
        seconds=numbers["seconds"],
        client_cpu_seconds=sum(os.times()[:4]) - cpu_before,
        count=numbers["requests"],
        p50=numbers["p50"],
        p95=numbers["p95"],
    )


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


def checked_slice(target: Target, plan: Plan, seconds: float, what: str) -> Slice:
    """Run a slice; any failed request stops the benchmark, with the server's log."""
    if plan.client == "wrk" and what != "warm-up":  # the warm-up checks bodies, wrk cannot
        result = run_wrk_slice(target, plan.port, plan.concurrency, seconds)
    else:
        result = run_slice(target, plan.port, plan.concurrency, seconds, plan.keep_alive)
    if result.failures:
        raise HarnessError(
            f"{result.failures} of {result.failures + len(result.latencies)} requests to "
            f"{target.url(plan.port)} failed ({what}):\n  "
            + "\n  ".join(result.failure_messages)
            + "\ngunicorn log:\n"
            + log_tail(plan.log_path)
        )
    if not (result.latencies or result.count):
        raise HarnessError(
            f"no request to {target.url(plan.port)} completed in {seconds:g} s ({what})"
        )
    return result


def summarise(target: Target, port: int, slices: list[Slice]) -> RunResult:
    """The slices together. wrk's slices give percentiles, not latencies: theirs are the
    request-weighted means of each slice's."""
    latencies = sorted(value for part in slices for value in part.latencies)
    done = len(latencies) + sum(part.count for part in slices)
    seconds = sum(part.seconds for part in slices)
    if latencies:
        p50, p95 = percentile(latencies, 0.50), percentile(latencies, 0.95)
    else:
        p50 = sum(part.p50 * part.count for part in slices) / done
        p95 = sum(part.p95 * part.count for part in slices) / done
    return RunResult(
        target=target.name,
        url=target.url(port),
        requests=done,
        seconds=round(seconds, 3),
        requests_per_second=done / seconds,
        p50_ms=p50 * 1000,
        p95_ms=p95 * 1000,
        mean_bytes=sum(part.bytes_read for part in slices) / done,
        client_cpu_percent=100 * sum(part.client_cpu_seconds for part in slices) / seconds,
    )


def compare(target: Target, plan: Plan) -> Comparison:
    """Baseline then page, each warmed up first (not counted, but checked).

    With rounds > 1 the duration is cut into that many baseline/page pairs run alternately, so
    a burst of other load on the machine lands on both sides of the ratio alike.
    """
    slice_seconds = plan.duration / plan.rounds
    baseline: list[Slice] = []
    page: list[Slice] = []
    for number in range(plan.rounds):
        for which, into in ((BASELINE, baseline), (target, page)):
            if number == 0 and plan.warmup > 0:
                checked_slice(which, plan, plan.warmup, "warm-up")
            what = f"round {number + 1} of {plan.rounds}"
            into.append(checked_slice(which, plan, slice_seconds, what))
    return Comparison(
        target=summarise(target, plan.port, page),
        baseline=summarise(BASELINE, plan.port, baseline),
    )
