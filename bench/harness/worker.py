"""``celery -A cms worker`` as a subprocess in its own process group (so ``kill -9`` of the
group takes all of it), on the queue ``make worker`` serves (or another), with the caller's
environment."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from bench.harness.memory import process_tree
from bench.harness.processes import (
    START_TIMEOUT,
    STOP_TIMEOUT,
    HarnessError,
    WaitTimeout,
    check_running,
    log_tail,
    start_process,
    stop_process,
    wait_for,
)

CELERY = str(Path(sys.executable).with_name("celery"))


_SERIOUS = ("WARNING", "ERROR", "CRITICAL")  # the log levels log_warnings() keeps


class CeleryWorker:
    """A prefork worker of `concurrency` processes, with beat embedded if `beat`; its log and
    beat schedule in `directory`.

    start() waits until ready(worker) is true: by default until the log says " ready." (which
    Celery logs at INFO); a caller logging less passes its own check (a ping, say)."""

    count = 0  # workers started by this process, for unique node names

    def __init__(
        self,
        directory: Path,
        env: dict[str, str],
        concurrency: int = 2,
        *,
        beat: bool = True,
        loglevel: str = "INFO",
        name_prefix: str = "newsletter-test",
        stop_timeout: float = STOP_TIMEOUT,
        queue: str = "default",
    ):
        self.directory = directory
        self.env = env
        self.concurrency = concurrency
        self.beat = beat
        self.loglevel = loglevel
        self.name_prefix = name_prefix
        self.stop_timeout = stop_timeout
        self.queue = queue
        self.name = ""
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path: Path | None = None

    @property
    def hostname(self) -> str:
        """The node name, as `celery inspect` and app.control.ping(destination=...) know it."""
        return f"{self.name}@{socket.gethostname()}"

    def command(self) -> list[str]:
        beat = ["--beat", "--schedule", str(self.directory / f"{self.name}-beat-schedule")]
        return [
            CELERY,
            "-A",
            "cms",
            "worker",
            *(beat if self.beat else []),
            "-Q",
            self.queue,
            "--concurrency",
            str(self.concurrency),
            "--pool",
            "prefork",
            "--hostname",
            f"{self.name}@%h",
            "--loglevel",
            self.loglevel,
            "--without-mingle",
            "--without-gossip",
        ]

    def start(self, ready: Callable[[CeleryWorker], bool] | None = None) -> None:
        CeleryWorker.count += 1
        self.name = f"{self.name_prefix}-{os.getpid()}-{CeleryWorker.count}"
        self.log_path = self.directory / f"{self.name}.log"
        self.process = start_process(self.command(), self.log_path, self.env)
        check = ready or CeleryWorker.logged_ready

        def started() -> bool:
            check_running(self.process, "the celery worker (early)", self.log_path)
            return check(self)

        try:
            wait_for(started, timeout=START_TIMEOUT, what="the celery worker to be ready")
        except WaitTimeout as exc:
            self.stop()
            raise HarnessError(f"{exc}:\n{self.log_tail()}") from exc
        except BaseException:
            self.stop()
            raise

    def logged(self, text: str) -> bool:
        """Whether this run's log (a new file at each start()) has `text` in it."""
        return text in self.log_path.read_text(errors="replace")

    def logged_ready(self) -> bool:
        return self.logged(" ready.")

    def log_tail(self, lines: int = 60) -> str:
        return log_tail(self.log_path, lines)

    def log_warnings(self, lines: int = 60) -> str:
        """This run's WARNING, ERROR and CRITICAL lines with their tracebacks (the first
        `lines`), however long ago they were logged: a failure's report, when the log's tail
        is only the routine lines that followed."""
        kept: list[str] = []
        keeping = False
        for line in self.log_path.read_text(errors="replace").splitlines():
            if line.startswith("["):
                keeping = any(f"{level}/" in line for level in _SERIOUS)
            if keeping:
                kept.append(line)
        return "\n".join(kept[:lines]) or "(none)"

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def freeze(self) -> None:
        """SIGSTOP the whole group: nothing moves while the test counts what is in flight."""
        os.killpg(self.process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        os.killpg(self.process.pid, signal.SIGCONT)

    def signal_children(self, signum: int) -> None:
        """SIGSTOP the main process's descendants (its pool processes, and beat when embedded)
        to hold the tasks they were given unacknowledged while the main process goes on
        consuming; SIGCONT to let them go on."""
        for pid in process_tree(self.process.pid)[1:]:
            os.kill(pid, signum)

    def kill9(self) -> None:
        """kill -9 of the main process and every child (the process group)."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=self.stop_timeout)

    def stop(self) -> None:
        """SIGTERM to the main process only (a warm shutdown: running tasks finish); a frozen
        worker is thawed first, since a stopped process acts on SIGTERM only once continued."""
        if self.alive:
            self.thaw()
        stop_process(self.process, self.stop_timeout)
