"""How long `make test` takes, as a ratio to the suite of a baseline commit, in the same run.

The suite grows with every feature, so "is the test loop faster?" has three answers, and this
benchmark gives all three from runs made one after the other on the same machine:

- **whole suite**: `make test CREATE_DB=1` here (as CI runs it) against the baseline's `make
  test`, each on its own tests;
- **per test**: the same two runs, each divided by the number of tests it ran;
- **same tests**: `make test CREATE_DB=1` here restricted to the tests that already existed at
  the baseline, against the baseline's run. A test is the same when its name and parameters
  are (tests moved between files keep their names); a baseline test whose name matches
  several tests here is matched to the one whose file name shares a word with its own, and
  one that matches nothing is left out and counted in the report.

The baseline defaults to 561bfe9, the main that issue 10 ("make the test loop fast") was filed
against. Its checkout is a git worktree under var/bench-suite/ with a virtualenv of its own
(`make install`), both kept for later runs. Runs alternate (baseline, here, here on the same
tests, then again with --rounds 2...) so a machine whose speed drifts over the hour does not
favour one side; each ratio is of the medians. Each run here starts as on CI's clean clone:
fresh test databases (CREATE_DB=1) and the browser tests' demo removed, since the baseline's
tests build theirs every time. Python's bytecode caches (`__pycache__/`, which the Makefile
keeps even under PYTHONDONTWRITEBYTECODE=1) are kept, as in a developer's checkout: in a new
checkout only the first run here starts without them, as on CI. Wall time is what a developer
waits for; user CPU is summed over every process `make test` started (pytest, its xdist
workers, the browsers), PostgreSQL's own CPU not included.

A run whose tests do not all pass aborts the benchmark: a failing suite proves nothing about
speed. Both sides use DATABASE_URL and REDIS_URL as `make test` does (set them for PostgreSQL
and Redis, as CI does); CI=true is set, so browser tests are errors rather than skips.

Usage, from the repository root::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python -m bench.suite [--base 561bfe9] [--rounds 1] [--json PATH]

One round takes about 20 minutes on the project's 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.harness.cli import guarded, step
from bench.harness.processes import HarnessError
from bench.harness.report import aligned_table, machine_meta

REPO = Path(__file__).resolve().parent.parent
WORKDIR = REPO / "var" / "bench-suite"
DEFAULT_BASE = "561bfe9"
TITLE = "bench/suite.py: make test here vs at a baseline commit, same machine, same run"
PASSED = re.compile(r"(\d+) passed")


@dataclass
class Run:
    side: str  # "base", "here" or "here, same tests"
    tests: int
    wall: float
    user_cpu: float

    @property
    def per_test(self) -> float:
        return self.wall / self.tests


# --- the two checkouts -------------------------------------------------------------------------


def git(*args: str, cwd: Path = REPO) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


def base_checkout(commit: str) -> Path:
    """A worktree of `commit` with its own virtualenv, made once and kept."""
    sha = git("rev-parse", "--verify", f"{commit}^{{commit}}")
    path = WORKDIR / sha[:12]
    if not (path / "Makefile").exists():
        step(f"checking out {sha[:12]} into {path}")
        path.parent.mkdir(parents=True, exist_ok=True)
        git("worktree", "add", "--detach", "--force", str(path), sha)
    step(f"installing the baseline's dependencies ({path / '.venv'})")
    subprocess.run(
        ["make", "install", "PYTHON=python3"],
        cwd=path,
        check=True,
        capture_output=True,
    )
    return path


def suite_env() -> dict[str, str]:
    """`make test`'s environment on both sides: CI's, and one hash seed, since a test id made
    from a set (the baseline has some) differs between xdist workers with random seeds."""
    env = {**os.environ, "CI": "true", "PYTHONHASHSEED": "0"}
    env.pop("PYTEST_ADDOPTS", None)
    return env


def collected(checkout: Path) -> list[str]:
    """The test ids `pytest --collect-only` finds in `checkout`."""
    out = subprocess.run(
        [".venv/bin/python", "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=checkout,
        env=suite_env(),
        capture_output=True,
        text=True,
    )
    ids = [line for line in out.stdout.splitlines() if "::" in line]
    if not ids:
        raise HarnessError(f"no tests collected in {checkout}:\n{out.stdout[-2000:]}")
    return ids


# --- the same tests ----------------------------------------------------------------------------


def _words(test_id: str) -> set[str]:
    stem = Path(test_id.split("::", 1)[0]).stem.removeprefix("test_")
    return set(stem.split("_"))


def same_tests(base_ids: list[str], here_ids: list[str]) -> tuple[list[str], list[str]]:
    """The tests here that were already at the baseline (by name and parameters), and the
    baseline's tests that have no counterpart here."""
    by_name: dict[str, list[str]] = defaultdict(list)
    for test_id in here_ids:
        by_name[test_id.split("::", 1)[1]].append(test_id)
    matched, unmatched = [], []
    for test_id in base_ids:
        candidates = by_name.get(test_id.split("::", 1)[1], [])
        if len(candidates) > 1:
            candidates = [c for c in candidates if _words(c) & _words(test_id)]
        if candidates:
            matched.append(candidates[0])
        else:
            unmatched.append(test_id)
    return sorted(set(matched)), unmatched


# --- one run of make test ----------------------------------------------------------------------


def make_test(side: str, checkout: Path, *make_args: str) -> Run:
    """`make test` in `checkout`: its wall time, its children's user CPU, the tests it passed."""
    step(f"make test: {side} ({checkout})")
    log = WORKDIR / f"make-test-{side.replace(', ', '-').replace(' ', '-')}.log"
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
    started = time.monotonic()
    with log.open("w") as out:
        done = subprocess.run(
            ["make", "test", *make_args], cwd=checkout, env=suite_env(), stdout=out, stderr=out
        )
    wall = time.monotonic() - started
    user = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime - before
    text = log.read_text(errors="replace")
    if done.returncode != 0:
        raise HarnessError(f"make test failed ({side}); see {log}")
    tests = sum(int(count) for count in PASSED.findall(text))
    step(f"  {tests} tests passed in {wall:.0f} s")
    return Run(side, tests, wall, user)


def as_on_a_clean_clone() -> None:
    """What a run here keeps for the next that CI's clean clone does not have: the browser
    tests' demo (var/e2e-demo/, built again from scratch, as the baseline's tests always do).
    The test databases are made afresh by CREATE_DB=1. The bytecode caches stay (see above)."""
    shutil.rmtree(REPO / "var" / "e2e-demo", ignore_errors=True)


def one_round(base: Path, args_file: Path) -> list[Run]:
    runs = [make_test("base", base)]
    as_on_a_clean_clone()
    runs.append(make_test("here", REPO, "CREATE_DB=1"))
    as_on_a_clean_clone()
    same = make_test("here, same tests", REPO, "CREATE_DB=1", f"PYTEST_ARGS=@{args_file}")
    return [*runs, same]


# --- the report --------------------------------------------------------------------------------


def medians(runs: list[Run]) -> dict[str, Run]:
    sides: dict[str, list[Run]] = defaultdict(list)
    for run in runs:
        sides[run.side].append(run)
    return {
        side: Run(
            side,
            round(statistics.median(r.tests for r in rs)),
            statistics.median(r.wall for r in rs),
            statistics.median(r.user_cpu for r in rs),
        )
        for side, rs in sides.items()
    }


def report_lines(commit: str, runs: list[Run], unmatched: list[str]) -> list[str]:
    middle = medians(runs)
    base, here, same = middle["base"], middle["here"], middle["here, same tests"]
    rows = [
        (run.side, str(run.tests), f"{run.wall:.1f}", f"{run.user_cpu:.0f}", f"{run.per_test:.3f}")
        for run in runs
    ]
    table = aligned_table(("run", "tests", "wall s", "user CPU s", "wall s/test"), rows, left=1)

    def faster(new: float, old: float) -> str:
        change = abs(1 - new / old) * 100
        return f"{new / old:.2f} ({change:.0f} % {'less' if new <= old else 'more'} time)"

    return [
        TITLE,
        f"  baseline {commit}; {len(runs) // 3} round(s), medians compared; CPUs: "
        f"{os.cpu_count()}, load average before: {machine_meta()['load_average_before']}",
        "",
        *table,
        "",
        f"whole suite, here / base (wall): {faster(here.wall, base.wall)}",
        f"per test, here / base (wall):    {faster(here.per_test, base.per_test)}",
        f"same tests, here / base (wall):  {faster(same.wall, base.wall)}"
        f"   [{same.tests} of the baseline's {base.tests} tests; "
        f"{len(unmatched)} have no counterpart here]",
        f"same tests, here / base (CPU):   {faster(same.user_cpu, base.user_cpu)}",
    ]


def benchmark(options: argparse.Namespace) -> int:
    WORKDIR.mkdir(parents=True, exist_ok=True)
    base = base_checkout(options.base)
    step("collecting both suites")
    matched, unmatched = same_tests(collected(base), collected(REPO))
    args_file = WORKDIR / "same-tests.args"
    args_file.write_text("".join(f"{test_id}\n" for test_id in matched))
    runs = [run for _ in range(options.rounds) for run in one_round(base, args_file)]
    lines = report_lines(options.base, runs, unmatched)
    print("\n".join(lines))
    if options.json:
        result = {"base": options.base, "runs": [asdict(run) for run in runs]}
        options.json.write_text(json.dumps({**result, "unmatched": unmatched}, indent=2))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=TITLE)
    parser.add_argument("--base", default=DEFAULT_BASE, help="the baseline commit")
    parser.add_argument("--rounds", type=int, default=1, help="alternating rounds (median)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write results as JSON")
    options = parser.parse_args()
    return guarded(lambda: benchmark(options))


if __name__ == "__main__":
    sys.exit(main())
