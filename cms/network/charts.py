"""Weekly series from the snapshots, and their charts drawn on the server as SVG (no
JavaScript, no library): a line per site, with the same figures as a table beside it."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from .models import SiteSnapshot

WEEK_CHOICES = (12, 52)
WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 28
# Colours distinguishable from each other and at least 3:1 against white; past eight, lines
# are also dashed, so two sites never look alike.
COLOURS = ("#0f5e9c", "#c2410c", "#15803d", "#7e22ce", "#b91c1c", "#0e7490", "#a16207", "#be185d")
DASHES = ("", "6 3", "2 3", "8 3 2 3")


def parse_weeks(value: str | None) -> int:
    """12 or 52 (?weeks=); anything else is the default, 12."""
    return int(value) if value in {str(weeks) for weeks in WEEK_CHOICES} else WEEK_CHOICES[0]


def week_ends(weeks: int, today: datetime.date | None = None) -> list[datetime.date]:
    """The last day of each of the `weeks` weeks up to today, oldest first."""
    today = today or timezone.localdate()
    return [today - datetime.timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]


def weekly_series(
    measure_slugs: list[str], site_ids: list[int], weeks: int
) -> tuple[list[datetime.date], dict[tuple[str, int], list[int | None]]]:
    """(week ends, {(measure, site id): a value per week}): the latest snapshot within each
    week (None: no snapshot that week). One query."""
    ends = week_ends(weeks)
    series = {(slug, site_id): [None] * weeks for slug in measure_slugs for site_id in site_ids}
    rows = (
        SiteSnapshot.objects.filter(
            measure__in=measure_slugs,
            site__in=site_ids,
            date__gt=ends[0] - datetime.timedelta(days=7),
            date__lte=ends[-1],
        )
        .order_by("date")
        .values_list("measure", "site_id", "date", "value")
    )
    for slug, site_id, date, value in rows:  # oldest first: the latest of each week wins
        index = weeks - 1 - (ends[-1] - date).days // 7
        series[(slug, site_id)][index] = value
    return ends, series


SPARK_WIDTH, SPARK_HEIGHT = 72, 20


def sparkline(values: list[int | None]) -> str:
    """The `points` of a small line of `values` (the weeks with a figure) in a
    SPARK_WIDTH × SPARK_HEIGHT box, or "" with fewer than two."""
    known = [(index, value) for index, value in enumerate(values) if value is not None]
    if len(known) < 2:
        return ""
    low, high = min(v for _i, v in known), max(v for _i, v in known)
    span, step = (high - low) or 1, SPARK_WIDTH / max(len(values) - 1, 1)
    return " ".join(
        f"{index * step:.1f},{SPARK_HEIGHT - 2 - (SPARK_HEIGHT - 4) * (value - low) / span:.1f}"
        for index, value in known
    )


@dataclass
class Line:
    label: str
    values: list[int | None]
    colour: str
    dash: str
    segments: list[str]  # SVG `points` of each unbroken run of values


def _nice_ceiling(value: int) -> int:
    """A round top for the axis: 1, 2, 5 × 10^n at or above `value` (at least 1)."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return max(step * factor, 1)
        step *= 10


def chart(labels: list[str], ends: list[datetime.date], series: list[list[int | None]]) -> dict:
    """What templates/network/admin/includes/chart.html draws: the lines (one per label), the
    y axis's ticks and the x axis's dates."""
    top = _nice_ceiling(max((v for values in series for v in values if v is not None), default=0))
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_width / max(len(ends) - 1, 1)

    def point(index: int, value: int) -> str:
        return f"{LEFT + index * step:.1f},{TOP + plot_height * (1 - value / top):.1f}"

    lines = []
    for number, (label, values) in enumerate(zip(labels, series, strict=True)):
        segments, current = [], []
        for index, value in enumerate(values):
            if value is None:
                segments, current = segments + ([" ".join(current)] if current else []), []
            else:
                current.append(point(index, value))
        if current:
            segments.append(" ".join(current))
        colour = COLOURS[number % len(COLOURS)]
        dash = DASHES[(number // len(COLOURS)) % len(DASHES)]
        lines.append(Line(label, values, colour, dash, segments))
    ticks = [(value, TOP + plot_height * (1 - value / top)) for value in (0, top // 2, top)]
    marks = sorted({0, len(ends) // 2, len(ends) - 1})
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "bottom": HEIGHT - BOTTOM,
        "lines": lines,
        "ticks": ticks,
        "dates": [(ends[index], LEFT + index * step) for index in marks],
        "ends": ends,
        "rows": list(zip(ends, zip(*series, strict=True), strict=True)) if series else [],
    }
