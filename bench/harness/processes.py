"""Server processes on loopback: free ports, waiting for them, starting and stopping them, and a
``redis-server`` of one's own.

Every server is started in a session of its own (so Ctrl-C reaches only the script or test
that started it, which then stops its servers in order, and ``kill -9`` of its process group
takes all its children), its output to a log file whose tail goes into any error.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import redis

REPO_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60.0  # seconds a server gets to come up
STOP_TIMEOUT = 20.0  # seconds a server gets to stop on SIGTERM before its session is killed

T = TypeVar("T")


class HarnessError(RuntimeError):
    """A real process did not start, answer or finish as it should."""


class WaitTimeout(HarnessError):
    """wait_for() reached its deadline."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(
    condition: Callable[[], T],
    *,
    timeout: float,
    what: str,
    every: float = 0.1,
    tick: Callable[[], object] | None = None,
) -> T:
    """Poll until condition() is truthy (and return it), calling tick() between polls; raise
    WaitTimeout naming `what` at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise WaitTimeout(f"timed out after {timeout:.0f} s waiting for {what}")
        if tick is not None:
            tick()
        time.sleep(every)


def start_process(
    command: list[str], log_path: Path, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """Start a server in the repository root, in its own session, its output to log_path; stop
    it with stop_process()."""
    with log_path.open("wb") as log:  # the child keeps its own descriptor
        return subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
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


def log_tail(log_path: Path | None, lines: int = 40) -> str:
    """The last lines of a server's log, for an error message."""
    if log_path is None:
        return "(no log)"
    try:
        text = log_path.read_text(errors="replace")
    except OSError:
        return f"(no log at {log_path})"
    return "\n".join(text.splitlines()[-lines:])


def check_running(process: subprocess.Popen[bytes], what: str, log_path: Path | None) -> None:
    """Raise HarnessError, with the log's tail, if the process has exited."""
    if process.poll() is not None:
        raise HarnessError(f"{what} exited with {process.returncode}:\n{log_tail(log_path)}")


def wait_port(
    port: int,
    process: subprocess.Popen[bytes],
    what: str,
    log_path: Path | None,
    timeout: float = START_TIMEOUT,
) -> None:
    """Wait until something accepts connections on 127.0.0.1:port, while process runs."""

    def listens() -> bool:
        check_running(process, what, log_path)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            return False

    wait_for(listens, timeout=timeout, what=f"{what} to listen on port {port}", every=0.05)


class RedisServer:
    """A redis-server of our own on a free port, no persistence, its files in `directory`: so
    stopping it never disturbs the machine's Redis."""

    def __init__(self, directory: Path):
        self.port = free_port()
        self.directory = directory
        self.log_path = directory / "redis.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = START_TIMEOUT) -> None:
        """Start it and wait until it answers PING."""
        if shutil.which("redis-server") is None:
            raise HarnessError("redis-server is not installed")
        self.process = start_process(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            self.log_path,
        )
        client = redis.Redis.from_url(self.url, socket_timeout=1)

        def answers() -> bool:
            check_running(self.process, "redis-server", self.log_path)
            try:
                return bool(client.ping())
            except redis.RedisError:
                return False

        try:
            wait_for(answers, timeout=timeout, what="redis-server to answer PING")
        finally:
            client.close()

    def stop(self) -> None:
        stop_process(self.process)
