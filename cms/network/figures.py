"""The Network table: a row per site with each measure's figure now (a level now, a flow over
the last 30 days), the subscribers' change over 4 and 12 weeks (from the snapshots of those
days) and the last newsletter sent. A fixed number of queries whatever the number of sites
and subscribers: one per measure, one for the past snapshots, one for the last sends."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone
from wagtail.models import Site

from newsletter.models import Delivery, Send

from .measures import TABLE_WINDOW, Measure, count_all
from .models import SiteSnapshot
from .sitesets import SiteSet

SUBSCRIBERS = "subscribers"
CHANGE_WEEKS = (4, 12)
# Sort keys besides the measures' slugs.
SITE_KEY, LAST_SEND_KEY = "site", "last_send"


def change_key(weeks: int) -> str:
    return f"change_{weeks}w"


@dataclass
class SiteRow:
    site: Site
    values: dict[str, int]
    changes: dict[int, int | None] = field(default_factory=dict)
    last_send: Send | None = None

    def sort_value(self, key: str):
        if key == SITE_KEY:
            return (self.site.site_name or self.site.hostname).lower()
        if key == LAST_SEND_KEY:
            return self.last_send.finished_at if self.last_send else None
        for weeks in CHANGE_WEEKS:
            if key == change_key(weeks):
                return self.changes.get(weeks)
        return self.values.get(key)


def sort_keys(measures: list[Measure]) -> list[str]:
    return [SITE_KEY, *(m.slug for m in measures), *map(change_key, CHANGE_WEEKS), LAST_SEND_KEY]


def parse_ordering(value: str | None, measures: list[Measure]) -> tuple[str, bool]:
    """(key, descending) from ?ordering= ("-subscribers"); an unknown key sorts by site."""
    value = (value or "").strip()
    descending = value.startswith("-")
    key = value.lstrip("-")
    if key not in sort_keys(measures):
        return SITE_KEY, False
    return key, descending


def sort_rows(rows: list[SiteRow], key: str, descending: bool) -> list[SiteRow]:
    """Sorted by `key`; sites without a figure (no snapshot yet) last either way."""
    known = [row for row in rows if row.sort_value(key) is not None]
    unknown = [row for row in rows if row.sort_value(key) is None]
    known.sort(key=lambda row: row.sort_value(key), reverse=descending)
    return known + unknown


def past_subscribers(sites: SiteSet, today: datetime.date) -> dict[tuple[int, int], int]:
    """{(site id, weeks ago): subscribers on the latest snapshot at or before that day, within
    a week of it} for CHANGE_WEEKS: one query."""
    days = {weeks: today - datetime.timedelta(weeks=weeks) for weeks in CHANGE_WEEKS}
    query = Q(pk__in=[])
    for day in days.values():
        query |= Q(date__gt=day - datetime.timedelta(days=7), date__lte=day)
    rows = (
        SiteSnapshot.objects.filter(query, site__in=sites.ids, measure=SUBSCRIBERS)
        .order_by("date")
        .values_list("site_id", "date", "value")
    )
    found: dict[tuple[int, int], int] = {}
    for site_id, date, value in rows:  # oldest first: the latest row of each week wins
        for weeks, day in days.items():
            if day - datetime.timedelta(days=7) < date <= day:
                found[(site_id, weeks)] = value
    return found


def last_sends(sites: SiteSet) -> dict[int, Send]:
    """{site id: the last issue sent to its list, with `delivered`}: one query."""
    latest = (
        Send.objects.filter(newsletter_list=OuterRef("newsletter_list"), status=Send.Status.SENT)
        .order_by("-finished_at", "-pk")
        .values("pk")[:1]
    )
    sends = (
        Send.objects.filter(newsletter_list__site__in=sites.ids, pk=Subquery(latest))
        .select_related("issue", "newsletter_list")
        .annotate(delivered=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.SENT)))
    )
    return {send.newsletter_list.site_id: send for send in sends}


def site_rows(sites: SiteSet, measures: list[Measure]) -> list[SiteRow]:
    now = timezone.now()
    counts = count_all(measures, sites, now, TABLE_WINDOW)
    past = past_subscribers(sites, timezone.localdate())
    sends = last_sends(sites)
    rows = []
    for site in sites.sites:
        values = {slug: by_site[site.pk] for slug, by_site in counts.items()}
        row = SiteRow(site=site, values=values, last_send=sends.get(site.pk))
        for weeks in CHANGE_WEEKS:
            before = past.get((site.pk, weeks))
            now_value = values.get(SUBSCRIBERS)
            changed = None if before is None or now_value is None else now_value - before
            row.changes[weeks] = changed
        rows.append(row)
    return rows
