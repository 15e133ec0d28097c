"""Requests per second for /stories/ and a story page, each as a ratio to a constant Django view.

What it measures: the story index ``/stories/`` and one story's page ``/stories/<slug>/``, on
the national host (``localhost``) and on the Coventry chapter's host (``coventry.localhost``),
with the library grown to the demo's four stories plus ``--stories`` more (10,000 by default),
all live and shared with the whole network, a quarter of them with a photo. The baseline is
``/healthz``, as in bench/pages.py; both share the page benchmark's run in bench/harness/web.py
(server, load generator, alternating slices, table and JSON), which this script extends through
its prepare hook (see bench/pages.py for why ratios, and how to read them). Nothing is
asserted about timings; every response must be a 200 holding a marker: on the index, the
number of stories it says it holds (so a library that failed to load cannot pass for a fast
one).

How the library is grown: after ``migrate`` and ``load_demo``, a short script run with the
server's own settings (``python -c`` with ``django.setup()``) bulk-inserts the missing
``bench-NNNNN`` stories and their theme links, then runs ``ANALYZE`` so the database plans its
queries with statistics for the grown tables, as it would once autovacuum (PostgreSQL) or a
maintenance job (SQLite) had run. Run twice on the same database, it inserts nothing new.

Usage, from the repository root::

    .venv/bin/python -m bench.stories [--stories 10000] [any option of bench.pages]

The database is a fresh SQLite file in a temporary directory unless ``DATABASE_URL`` is set
(e.g. ``postgres://postgres@127.0.0.1:5432/bench_stories``): give it a database of its own, as
for bench/pages.py (it is created if missing and not dropped afterwards).
"""

from __future__ import annotations

import argparse
import sys
from functools import partial

from bench.harness import web
from bench.harness.cli import guarded, step
from bench.harness.load import Target
from bench.harness.processes import HarnessError
from bench.harness.project import django_script
from bench.harness.web import Prepared

TITLE = "bench/stories.py: the story library vs a constant Django view, same gunicorn"
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
    """Bulk-insert the missing bench stories; counts of what was inserted and what is there."""
    result: dict[str, int] = django_script(
        env, GROW_LIBRARY, str(stories), what="growing the story library"
    )
    if result["bench_stories"] < stories:
        raise HarnessError(
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


def prepare(stories: int, env: dict[str, str], port: int) -> Prepared:
    """web.run()'s prepare hook: grow the library, then measure its pages."""
    step(f"grow the story library by {stories:,} stories (bulk insert, then ANALYZE)")
    library = grow_library(env, stories)
    step(f"inserted {library['inserted']:,}; the library holds {library['stories']:,} stories")
    return Prepared(
        targets=targets(library["bench_stories"]),
        meta={"library_stories": library["stories"]},
        header=[f"  library: {library['stories']:,} stories ({DETAIL_SLUG} on its page)"],
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The page benchmarks' options, checked as there, and --stories."""
    parser = web.build_parser("python -m bench.stories", __doc__.split("\n\n")[0])
    parser.add_argument(
        "--stories",
        type=int,
        default=DEFAULT_STORIES,
        help=f"stories to add to the demo's four (default {DEFAULT_STORIES:,})",
    )
    args = web.parse_args(parser, argv)
    if args.stories < 1:
        parser.error("--stories must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return guarded(
        lambda: web.run(
            args,
            prepare=partial(prepare, args.stories),
            title=TITLE,
            temp_prefix="bench-stories-",
        )
    )


if __name__ == "__main__":
    sys.exit(main())
