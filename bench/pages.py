"""Requests per second for four Wagtail pages, each as a ratio to a constant Django view, with
the page cache off (uncached: every visit renders) and on (cached), side by side in one run.

What it measures: the national home (``localhost``), the Coventry chapter home
(``coventry.localhost``), a standard page (``localhost/about/``) and the story index
(``localhost/stories/``), served by gunicorn
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

Each variant has a gunicorn of its own (``PAGE_CACHE_SECONDS`` 0, then 600; the page cache
in each worker's memory, as nothing purges during the run), and its own baselines. The timed
slices are made by wrk (Debian's package) when it is installed: a Python client saturates
before the constant view or a cached page does; the warm-up before each target goes through
the Python client, which checks every body for the target's marker.

Usage, from the repository root (a module of the ``bench`` package, which imports the shared
harness, ``bench.harness``)::

    .venv/bin/python -m bench.pages [--duration 10] [--concurrency 4] [--workers 2] [--port 0]
                                    [--rounds 5] [--worker-class sync|gthread] [--json PATH]
                                    [--client wrk|python] [--page-cache both|cached|uncached]

The database is a fresh SQLite file in a temporary directory, unless ``DATABASE_URL`` is set
(e.g. ``postgres://postgres@127.0.0.1:5432/bench``): then that database is used, created first
if it is a PostgreSQL database that does not exist yet (an existing one is accepted; it is
migrated and the idempotent ``load_demo`` brings the demo content up to date, pointing the demo
sites at the benchmark's port, so give the benchmark a database of its own; it is not dropped
afterwards). Media, static files and the gunicorn log go to the temporary directory,
which is removed at the end, as gunicorn is stopped, even on error or Ctrl-C.
"""

from __future__ import annotations

import sys

from bench.harness import web
from bench.harness.cli import guarded
from bench.harness.load import Target

TITLE = "bench/pages.py: Wagtail pages vs a constant Django view, same gunicorn, same run"
TARGETS = [
    Target("national home", "localhost", "/", "Connection Coalition"),
    Target("Coventry home", "coventry.localhost", "/", "CommUNITY is not just for pandemics"),
    Target("standard page /about/", "localhost", "/about/", "Why now?"),
    Target("story index /stories/", "localhost", "/stories/", "Filter stories"),
]


def main(argv: list[str] | None = None) -> int:
    parser = web.build_parser("python -m bench.pages", __doc__.split("\n\n")[0])
    args = web.parse_args(parser, argv)
    return guarded(lambda: web.run(args, TARGETS, title=TITLE, temp_prefix="bench-pages-"))


if __name__ == "__main__":
    sys.exit(main())
