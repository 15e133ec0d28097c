"""wrk (Debian's package) as the load generator: a C client that keeps up with what a Python
client cannot (the constant view and cached pages answer thousands of requests a second).

A timed slice runs `wrk` for its seconds against one target, its Host header set, and reads
the numbers from a Lua `done` hook: requests, bytes, errors (any status other than 2xx/3xx,
and socket errors), the 50th and 95th latency percentiles. wrk cannot check bodies, so the
warm-up before each target still goes through the Python client, which does.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from bench.harness.processes import HarnessError

REPORT = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK_RESULT requests=%d duration_us=%d bytes=%d status=%d connect=%d read=%d write=%d " ..
    "timeout=%d p50_us=%d p95_us=%d\n",
    summary.requests, summary.duration, summary.bytes, e.status, e.connect, e.read, e.write,
    e.timeout, latency:percentile(50), latency:percentile(95)))
end
"""
RESULT = re.compile(r"WRK_RESULT (.*)")


def available() -> bool:
    return shutil.which("wrk") is not None


def _script() -> Path:
    path = Path(tempfile.gettempdir()) / "bench-wrk-report.lua"
    if not path.exists() or path.read_text() != REPORT:
        path.write_text(REPORT)
    return path


def run(hostname: str, port: int, path: str, concurrency: int, seconds: float) -> dict:
    """One wrk run; its numbers (latencies in seconds). Raises HarnessError if wrk fails."""
    if not available():
        raise HarnessError("wrk is not installed (Debian's wrk package), or use --client python")
    threads = max(1, min(concurrency, 2))
    command = ["wrk", f"-t{threads}", f"-c{concurrency}", f"-d{max(seconds, 1):.0f}s"]
    command += ["-H", f"Host: {hostname}:{port}", "-s", str(_script())]
    command.append(f"http://127.0.0.1:{port}{path}")
    finished = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    found = RESULT.search(finished.stdout)
    if finished.returncode != 0 or found is None:
        raise HarnessError(f"wrk failed: {finished.stdout[-500:]}{finished.stderr[-500:]}")
    numbers = {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", found[1])}
    errors = sum(numbers[key] for key in ("status", "connect", "read", "write", "timeout"))
    return {
        "requests": numbers["requests"],
        "seconds": numbers["duration_us"] / 1e6,
        "bytes": numbers["bytes"],
        "errors": errors,
        "p50": numbers["p50_us"] / 1e6,
        "p95": numbers["p95_us"] / 1e6,
    }
