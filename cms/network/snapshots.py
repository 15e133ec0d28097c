"""Writing snapshots: today's rows (the beat task, run many times a day: each run overwrites
the day's rows with the figures as of now) and the past's (``backfill``: one day per week,
reconstructed from the features' timestamps, never overwriting a row a daily run wrote)."""

import datetime

from django.utils import timezone

from .measures import all_measures, count_all
from .models import SiteSnapshot
from .sitesets import SiteSet


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The local midnight that ends `day` (the moment a past day's figures are taken at)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min)) + (
        datetime.timedelta(days=1)
    )


def snapshot_rows(day: datetime.date, until: datetime.datetime, sites: SiteSet) -> list:
    """One SiteSnapshot per site and measure (zero when nothing happened): one query per
    measure for every site."""
    now = timezone.now()
    counts = count_all(all_measures(), sites, until)
    return [
        SiteSnapshot(site_id=site_id, date=day, measure=slug, value=value, taken_at=now)
        for slug, by_site in counts.items()
        for site_id, value in by_site.items()
    ]


def take_today() -> int:
    """Today's rows as of now, upserted: how many rows were written."""
    rows = snapshot_rows(timezone.localdate(), timezone.now(), SiteSet())
    SiteSnapshot.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["site", "date", "measure"],
        update_fields=["value", "taken_at"],
    )
    return len(rows)


def backfill(weeks: int, today: datetime.date | None = None) -> int:
    """A row per site and measure for the day ending each of the last `weeks` weeks (today
    minus 7, 14, … days), as reconstructed from timestamps (see each measure's docstring for
    what cannot be); rows already there (a daily run's, exact) are kept. Today's rows are taken
    as the beat task takes them. How many rows were added."""
    today = today or timezone.localdate()
    sites = SiteSet()
    days = [today - datetime.timedelta(weeks=week) for week in range(weeks, 0, -1)]
    before = SiteSnapshot.objects.filter(date__in=days).count()
    for day in days:
        rows = snapshot_rows(day, end_of_day(day), sites)
        SiteSnapshot.objects.bulk_create(rows, ignore_conflicts=True)
    take_today()
    return SiteSnapshot.objects.filter(date__in=days).count() - before
