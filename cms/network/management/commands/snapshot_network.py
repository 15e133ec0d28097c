"""python manage.py snapshot_network [--backfill 52w]: today's snapshot of every site's figures,
and with --backfill the past weeks' too (reconstructed from timestamps, see
cms/network/snapshots.py), e.g. for a new install or the demo."""

import re

from django.core.management.base import BaseCommand, CommandError

from cms.network.snapshots import backfill, take_today

MAX_WEEKS = 520


def weeks(value: str) -> int:
    """ "52w" or "52": a number of weeks, 1 to MAX_WEEKS."""
    match = re.fullmatch(r"\s*(\d{1,4})\s*w?\s*", value or "")
    if not match or not 1 <= int(match.group(1)) <= MAX_WEEKS:
        raise CommandError(f"--backfill takes a number of weeks from 1 to {MAX_WEEKS}, e.g. 52w")
    return int(match.group(1))


class Command(BaseCommand):
    help = "Write today's snapshot of every site's figures; --backfill 52w also the past weeks'."

    def add_arguments(self, parser):
        parser.add_argument(
            "--backfill", dest="backfill_weeks", metavar="WEEKS", help="e.g. 52w (a year)"
        )

    def handle(self, *args, backfill_weeks: str | None = None, **options):
        if backfill_weeks:
            count = weeks(backfill_weeks)
            added = backfill(count)
            self.stdout.write(f"Back-filled {added} rows over {count} weeks.")
        written = take_today()
        self.stdout.write(f"Wrote {written} rows for today.")
