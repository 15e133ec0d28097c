"""The project served over HTTP on loopback: ``Gunicorn`` (``cms.wsgi`` as deployed) and
``wait_until_answers``, which any server of the project (gunicorn, runserver) is ready by."""

from __future__ import annotations

import http.client
import subprocess
import sys
from pathlib import Path

from gunicorn.config import KNOWN_SETTINGS

from bench.harness.processes import (
    START_TIMEOUT,
    HarnessError,
    WaitTimeout,
    check_running,
    log_tail,
    start_process,
    stop_process,
    wait_for,
)

GRACEFUL_TIMEOUT = 5  # gunicorn's own --graceful-timeout
HEALTH_PATH, HEALTH_MARKER = "/healthz", "ok"  # sites.views.healthz: a constant response


def wait_until_answers(
    process: subprocess.Popen[bytes],
    port: int,
    log_path: Path | None,
    *,
    what: str = "gunicorn",
    host: str = "localhost",
    timeout: float = START_TIMEOUT,
) -> None:
    """Poll until /healthz on 127.0.0.1:port answers 200 "ok" for `host`; an answer is the only
    sure sign (runserver prints its banner before it listens). HarnessError, with the log's
    tail, if the process exits first or the deadline passes."""
    last_error = ["no answer yet"]

    def answers() -> bool:
        check_running(process, f"{what} (before it was ready)", log_path)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", HEALTH_PATH, headers={"Host": f"{host}:{port}"})
            response = connection.getresponse()
            body = response.read().decode(errors="replace")
            if response.status == 200 and HEALTH_MARKER in body:
                return True
            last_error[0] = f"HTTP {response.status}: {body[:200]!r}"
        except OSError as exc:
            last_error[0] = repr(exc)
        finally:
            connection.close()
        return False

    try:
        wait_for(answers, timeout=timeout, what=f"{what} to answer {HEALTH_PATH}")
    except WaitTimeout as exc:
        raise HarnessError(f"{exc} ({last_error[0]}):\n{log_tail(log_path)}") from exc


def gunicorn_has_option(option: str) -> bool:
    return any(option in (setting.cli or []) for setting in KNOWN_SETTINGS)


class Gunicorn:
    """gunicorn serving cms.wsgi:application on 127.0.0.1:port with the given environment, its
    error log to log_path (no access log: writing one per request would be measured too)."""

    def __init__(
        self,
        env: dict[str, str],
        port: int,
        log_path: Path,
        *,
        workers: int = 2,
        worker_class: str = "sync",
    ):
        self.env, self.port, self.log_path = env, port, log_path
        self.workers, self.worker_class = workers, worker_class
        self.process: subprocess.Popen[bytes] | None = None

    def command(self) -> list[str]:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "cms.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--worker-class",
            self.worker_class,
            "--graceful-timeout",
            str(GRACEFUL_TIMEOUT),
            "--error-logfile",
            "-",
        ]
        if gunicorn_has_option("--no-control-socket"):
            # Newer gunicorns open a control socket at one fixed path under $HOME by default,
            # shared with any other gunicorn started there; none is needed here.
            command.append("--no-control-socket")
        if self.worker_class == "gthread":
            # One thread per worker, so each worker still serves one request at a time as the
            # sync worker does; what gthread adds is keep-alive.
            command += ["--threads", "1", "--keep-alive", "30"]
        return command

    def start(self) -> None:
        """Start it and wait until /healthz answers."""
        self.process = start_process(self.command(), self.log_path, self.env)
        wait_until_answers(self.process, self.port, self.log_path)

    def check_running(self) -> None:
        """HarnessError if gunicorn has exited (during a run, say)."""
        check_running(self.process, "gunicorn", self.log_path)

    def stop(self) -> None:
        stop_process(self.process)
