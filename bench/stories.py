"""Requests per second for /stories/ and a story page, each as a ratio to a constant Django view.

What it measures: the story index ``/stories/`` and one story's page ``/stories/<slug>/``, on
the national host (``localhost``) and on the Coventry chapter's host (``coventry.localhost``),
with the library grown to the demo's four stories plus ``--stories`` more (10,000 by default),
all live and shared with the whole network, a quarter of them with a photo. The baseline is
``/healthz``, as in bench/pages.py, whose server, load generator, alternating slices and table
this script reuses (see that file for why ratios, and how to read them). Nothing is asserted
about timings; every response must be a 200 holding a marker: on the index, the number of
stories it says it holds (so a library that failed to load cannot pass for a fast one).

How the library is grown: after ``migrate`` and ``load_demo``, a short script run with the
server's own settings (``python -c`` with ``django.setup()``) bulk-inserts the missing
``bench-NNNNN`` stories and their theme links, then runs ``ANALYZE`` so the database plans its
queries with statistics for the grown tables, as it would once autovacuum (PostgreSQL) or a
maintenance job (SQLite) had run. Run twice on the same database, it inserts nothing new.

Usage, from the repository root::

    .venv/bin/python bench/stories.py [--stories 10000] [any option of bench/pages.py]

The database is a fresh SQLite file in a temporary directory unless ``DATABASE_URL`` is set
(e.g. ``postgres://postgres@127.0.0.1:5432/bench_stories``): give it a database of its own, as
for bench/pages.py (it is created if missing and not dropped afterwards).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script, too

from bench import pages  # noqa: E402
from bench.pages import (  # noqa: E402
    BASELINE,
    REPO_ROOT,
    STOP,
    BenchError,
    Comparison,
    Target,
    child_environment,
    compare,
    ensure_postgres_database,
    free_port,
    header_lines,
    log_problems,
    manage,
    probe,
    start_gunicorn,
    stop_gunicorn,
    table_lines,
    wait_until_ready,
)

DEFAULT_STORIES = 10_000
DETAIL_SLUG = "bench-00000"  # has a photo and two themes
DETAIL_TITLE = "Bench story 0: a knock on the door"
NATIONAL_DEMO_VISIBLE = 3  # the demo's network stories (Rose is Coventry's own)
COVENTRY_DEMO_VISIBLE = 4

GROW_LIBRARY = r"""
import datetime, json, sys
import django
django.setup()
from django.db import connection, transaction
from wagtail.models import Locale, Site
from cms.stories.models import Story, Theme

wanted = int(sys.argv[1])
locale = Locale.get_default()
national = Site.objects.get(is_default_site=True)
themes = list(Theme.objects.filter(locale=locale).order_by("pk").values_list("pk", flat=True))
images = list(
    Story.objects.filter(slug__in=["this-mum-runs", "zak-qpg-hub", "orla-and-jean"])
    .values_list("image_id", flat=True)
)
towns = ["Bristol", "London", "Leeds", "Coventry", "Hull", "Cardiff", "Norwich", "Derby"]
have = set(Story.objects.filter(slug__startswith="bench-").values_list("slug", flat=True))
missing = [n for n in range(wanted) if f"bench-{n:05d}" not in have]
today = datetime.date.today()
with transaction.atomic():
    created = Story.objects.bulk_create(
        [
            Story(
                slug=f"bench-{n:05d}",
                title=f"Bench story {n}: a knock on the door",
                quote=(
                    f"Story {n}. When the street went quiet, a knock on the door every morning "
                    "turned into a friendship, and then into a rota the whole road joined."
                ),
                body="<p>A story grown for the benchmark.</p>",
                person_name=f"Person {n}",
                person_role="volunteer",
                organisation="Bench Cares",
                town=towns[n % len(towns)],
                site=national,
                reach=Story.Reach.NETWORK,
                live=True,
                locale=locale,
                consent_given_on=today - datetime.timedelta(days=n % 700),
                image_id=images[(n // 4) % len(images)] if n % 4 == 0 else None,
                image_alt=f"Photo for story {n}" if n % 4 == 0 else "",
                photo_credit="Bench Cares" if n % 4 == 0 else "",
            )
            for n in missing
        ],
        batch_size=1000,
    )
    Through = Story.themes.through
    Through.objects.bulk_create(
        [
            Through(story_id=story.pk, theme_id=themes[(int(story.slug[6:]) + k) % len(themes)])
            for story in created
            for k in range(2)
        ],
        batch_size=2000,
    )
with connection.cursor() as cursor:
    cursor.execute("ANALYZE")
print(json.dumps({
    "inserted": len(created),
    "bench_stories": Story.objects.filter(slug__startswith="bench-").count(),
    "stories": Story.objects.count(),
}))
"""


def grow_library(env: dict[str, str], stories: int) -> dict[str, int]:
    completed = subprocess.run(
        [sys.executable, "-c", GROW_LIBRARY, str(stories)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise BenchError(f"growing the story library failed:\n{completed.stderr}")
    result: dict[str, int] = json.loads(completed.stdout.strip().splitlines()[-1])
    if result["bench_stories"] < stories:
        raise BenchError(
            f"the library holds {result['bench_stories']} bench stories, not {stories}"
        )
    return result


def targets(stories: int) -> list[Target]:
    # The index says how many stories it holds: that number is its marker. (A library grown
    # earlier to more than --stories on a reused database is measured as it is.)
    return [
        Target(
            "national /stories/",
            "localhost",
            "/stories/",
            f"{stories + NATIONAL_DEMO_VISIBLE} stories</p>",
        ),
        Target("national story page", "localhost", f"/stories/{DETAIL_SLUG}/", DETAIL_TITLE),
        Target(
            "Coventry /stories/",
            "coventry.localhost",
            "/stories/",
            f"{stories + COVENTRY_DEMO_VISIBLE} stories</p>",
        ),
        Target(
            "Coventry story page", "coventry.localhost", f"/stories/{DETAIL_SLUG}/", DETAIL_TITLE
        ),
    ]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """--stories here; every other option is bench/pages.py's, parsed by it."""
    own = argparse.ArgumentParser(
        prog="bench/stories.py", description=__doc__.split("\n\n")[0], add_help=False
    )
    own.add_argument(
        "--stories",
        type=int,
        default=DEFAULT_STORIES,
        help=f"stories to add to the demo's four (default {DEFAULT_STORIES:,})",
    )
    known, rest = own.parse_known_args(argv)
    if "-h" in rest or "--help" in rest:
        own.print_help()
        print("\nand the options of bench/pages.py:\n")
    args = pages.parse_args(rest)
    if known.stories < 1:
        own.error("--stories must be at least 1")
    args.stories = known.stories
    return args


def run(args: argparse.Namespace) -> int:
    port = args.port or free_port()
    keep_alive = args.worker_class == "gthread"  # as bench/pages.py: see its run()
    tmp = Path(tempfile.mkdtemp(prefix="bench-stories-"))
    server: subprocess.Popen[bytes] | None = None
    log_path = tmp / "gunicorn.log"
    try:
        database_url = os.environ.get("DATABASE_URL", "")
        if database_url:
            if urlparse(database_url).scheme.startswith("postgres"):
                database_note = ensure_postgres_database(database_url)
            else:
                database_note = "from DATABASE_URL"
        else:
            database_url = f"sqlite:///{tmp / 'bench.sqlite3'}"
            database_note = "fresh file in a temporary directory"
        env = child_environment(tmp, database_url)

        def step(message: str) -> None:
            print(f"... {message}", file=sys.stderr, flush=True)

        step(database_note)
        step("migrate")
        manage(env, "migrate", "--noinput")
        step(f"load_demo --port {port}")
        manage(env, "load_demo", "--port", str(port))
        step(f"grow the story library by {args.stories:,} stories (bulk insert, then ANALYZE)")
        library = grow_library(env, args.stories)
        step(f"inserted {library['inserted']:,}; the library holds {library['stories']:,} stories")
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
                "cpu_count": os.cpu_count(),
                "load_average_before": " ".join(f"{value:.2f}" for value in os.getloadavg()),
                "machine": f"{platform.system()} {platform.machine()}",
                "port": port,
                "library_stories": library["stories"],
            }
        )

        step(f"gunicorn on 127.0.0.1:{port}")
        server = start_gunicorn(env, port, args.workers, args.worker_class, log_path)
        wait_until_ready(server, port, log_path)

        comparisons: list[Comparison] = []
        for target in targets(library["bench_stories"]):
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

        problems = log_problems(log_path)
        header = header_lines(meta)
        header[0] = "bench/stories.py: the story library vs a constant Django view, same gunicorn"
        header.insert(1, f"  library: {library['stories']:,} stories ({DETAIL_SLUG} on its page)")
        print()
        print("\n".join(header))
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

        if args.json:
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
            args.json.write_text(json.dumps(payload, indent=2) + "\n")
            print(f"\nwrote {args.json}")
        return 0
    finally:
        STOP.set()
        if server is not None:
            stop_gunicorn(server)
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # As bench/pages.py: SIGINT and SIGTERM unwind through run()'s finally, stopping gunicorn.
    signal.signal(signal.SIGINT, pages.interrupted)
    signal.signal(signal.SIGTERM, pages.interrupted)
    try:
        return run(args)
    except BenchError as exc:
        print(f"\nBENCHMARK ABORTED: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted; gunicorn stopped and temporary files removed", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
