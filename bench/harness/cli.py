"""How a benchmark talks and ends: progress on stderr, and guarded(), which turns how a run
ends (done, a HarnessError, Ctrl-C or SIGTERM) into an exit status and a message."""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable

from bench.harness.processes import HarnessError


def step(message: str) -> None:
    """Say what the benchmark is doing, on stderr (the results go to stdout)."""
    print(f"... {message}", file=sys.stderr, flush=True)


def interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def guarded(benchmark: Callable[[], int]) -> int:
    """Run benchmark() and turn how it ends into an exit status and a message.

    The servers run in sessions of their own, so only this script can stop them: SIGTERM (and
    SIGINT, even if the shell started us with it ignored) unwind through the benchmark's
    finally blocks.
    """
    signal.signal(signal.SIGINT, interrupted)
    signal.signal(signal.SIGTERM, interrupted)
    try:
        return benchmark()
    except HarnessError as exc:
        print(f"\nBENCHMARK ABORTED: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted; gunicorn stopped and temporary files removed", file=sys.stderr)
        return 130
