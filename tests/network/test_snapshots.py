"""The snapshots: today's rows written by the beat task (idempotent, overwritten), the back-fill
reconstructing the past from timestamps (and never overwriting a daily row), a day with no
activity, the command, and a chapter made by `create_chapter` counted like any site."""

import datetime
import io

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from cms.network import tasks
from cms.network.measures import all_measures
from cms.network.models import SiteSnapshot
from cms.network.snapshots import backfill, take_today
from newsletter.models import NewsletterList
from tests.factories import NewsletterListFactory, SiteFactory, StoryFactory
from tests.network.conftest import subscribe


def value(site, measure: str, day: datetime.date | None = None) -> int:
    return SiteSnapshot.objects.get(
        site=site, measure=measure, date=day or timezone.localdate()
    ).value


def test_the_task_is_named_and_scheduled():
    assert tasks.snapshot_network.name == "cms.network.tasks.snapshot_network"
    entries = {entry["task"]: entry for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert entries["cms.network.tasks.snapshot_network"]["schedule"] > 0


def test_today_is_one_row_per_site_and_measure_and_running_again_overwrites(two_sites):
    national, chapter = two_sites
    subscribe(chapter, days_ago=3)
    tasks.snapshot_network.delay()
    rows = SiteSnapshot.objects.filter(date=timezone.localdate())
    sites = {row.site_id for row in rows}
    assert {national.site_id, chapter.site_id} <= sites
    assert rows.count() == len(sites) * len(all_measures())
    assert value(chapter.site, "subscribers") == 1
    national_subscribers = value(national.site, "subscribers")
    subscribe(chapter, days_ago=0.5)
    count = rows.count()
    take_today()
    take_today()
    assert rows.count() == count
    assert value(chapter.site, "subscribers") == 2
    assert value(national.site, "subscribers") == national_subscribers  # another list's


def test_a_day_with_no_activity_is_written_as_zeros(db):
    """A week ago nothing happened on this site (it was made today): every measure is 0."""
    quiet = NewsletterListFactory(site=SiteFactory(site_name="Quiet")).site
    today = timezone.localdate()
    backfill(1, today=today)
    values = dict(
        SiteSnapshot.objects.filter(
            site=quiet, date=today - datetime.timedelta(weeks=1)
        ).values_list("measure", "value")
    )
    assert values == {measure.slug: 0 for measure in all_measures()}


def test_backfill_reconstructs_the_past_from_timestamps(two_sites):
    """Subscribers week by week from confirmed_at / unsubscribed_at; signups and unsubscribes
    in the week ending each day, by source."""
    _national, chapter = two_sites
    subscribe(chapter, days_ago=30)  # counted from 4 weeks ago
    subscribe(chapter, days_ago=10, source="age-uk", origin="https://age.example")  # widget
    subscribe(chapter, days_ago=20, left_days_ago=9)  # in for two weeks
    today = timezone.localdate()
    assert backfill(5, today=today) > 0
    weeks_ago = {weeks: today - datetime.timedelta(weeks=weeks) for weeks in range(1, 6)}
    site = chapter.site
    assert [value(site, "subscribers", weeks_ago[w]) for w in (5, 4, 3, 2, 1)] == [0, 1, 1, 2, 2]
    assert value(site, "subscribers") == 2  # today: the one who left is gone
    assert value(site, "signups_widget", weeks_ago[1]) == 1
    assert value(site, "signups_page", weeks_ago[1]) == 0
    assert value(site, "signups_page", weeks_ago[4]) == 1
    assert value(site, "unsubscribes", weeks_ago[1]) == 1  # 9 days ago: in the week to 7 ago
    assert value(site, "unsubscribes", weeks_ago[2]) == 0
    assert value(site, "unsubscribes") == 0  # the 7 days ending today


def test_backfill_keeps_the_rows_a_daily_run_wrote_and_adds_none_twice(two_sites):
    _national, chapter = two_sites
    subscribe(chapter, days_ago=30)
    today = timezone.localdate()
    last_week = today - datetime.timedelta(weeks=1)
    SiteSnapshot.objects.create(site=chapter.site, date=last_week, measure="subscribers", value=7)
    added = backfill(3, today=today)
    assert value(chapter.site, "subscribers", last_week) == 7
    assert backfill(3, today=today) == 0
    assert added > 0


def test_stories_are_counted_once_per_story_and_by_consent(two_sites):
    _national, chapter = two_sites
    site = chapter.site
    today = timezone.localdate()
    StoryFactory(site=site)
    StoryFactory(site=site, consent_expires_on=today + datetime.timedelta(days=10))
    StoryFactory(site=site, consent_expires_on=today - datetime.timedelta(days=1))  # lapsed
    StoryFactory(site=site, publish=False, source="resident")
    take_today()
    assert value(site, "stories_published") == 2
    assert value(site, "stories_lapsing") == 1
    assert value(site, "stories_shared") == 1


def test_the_command_backfills_weeks_and_refuses_nonsense(two_sites):
    out = io.StringIO()
    call_command("snapshot_network", "--backfill", "3w", stdout=out)
    assert "3 weeks" in out.getvalue()
    dates = set(SiteSnapshot.objects.values_list("date", flat=True))
    assert len(dates) == 4  # three weeks back and today
    for bad in ("0", "lots", "9999w", "-3"):
        with pytest.raises(CommandError, match="number of weeks"):
            call_command("snapshot_network", "--backfill", bad, stdout=out)


def test_a_chapter_made_by_create_chapter_is_snapshotted(leeds):
    leeds_list = NewsletterList.for_site(leeds.site)
    subscribe(leeds_list, days_ago=2)
    take_today()
    assert value(leeds.site, "subscribers") == 1
    # Its provisioned pages were published in the last 7 days: counted for Leeds, not others.
    assert value(leeds.site, "pages_published") > 0


def test_load_demo_gives_the_demo_a_year_of_signups_and_snapshots(network):
    call_command("load_demo", port=80, stdout=io.StringIO())
    coventry = network.coventry_site
    year_ago = timezone.localdate() - datetime.timedelta(weeks=52)
    assert value(coventry, "subscribers", year_ago) < value(coventry, "subscribers")
    rows = SiteSnapshot.objects.count()
    call_command("load_demo", port=80, stdout=io.StringIO())
    assert SiteSnapshot.objects.count() == rows
