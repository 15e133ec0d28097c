"""The charts drawn on the server: a week without a snapshot breaks the line (it is not drawn as
zero), the axis rounds up, more sites than colours stay distinguishable, and ?weeks= takes
only 12 or 52."""

import datetime

from cms.network.charts import COLOURS, _nice_ceiling, chart, parse_weeks, week_ends


def test_a_week_without_a_snapshot_breaks_the_line():
    ends = week_ends(5, today=datetime.date(2026, 1, 31))
    drawn = chart(["Leeds"], ends, [[1, 2, None, 4, 5]])
    (line,) = drawn["lines"]
    assert len(line.segments) == 2
    assert [len(segment.split()) for segment in line.segments] == [2, 2]
    assert [row[1] for row in drawn["rows"]] == [(1,), (2,), (None,), (4,), (5,)]
    assert drawn["rows"][-1][0] == datetime.date(2026, 1, 31)
    assert drawn["ticks"][-1][0] == 5


def test_the_axis_rounds_up_and_an_empty_chart_still_draws():
    assert [_nice_ceiling(v) for v in (0, 1, 3, 7, 11, 99, 101, 4999)] == [
        1,
        1,
        5,
        10,
        20,
        100,
        200,
        5000,
    ]
    drawn = chart(["Quiet"], week_ends(12), [[None] * 12])
    assert drawn["lines"][0].segments == []


def test_more_sites_than_colours_are_dashed():
    count = len(COLOURS) + 1
    drawn = chart([f"S{n}" for n in range(count)], week_ends(2), [[1, 2]] * count)
    first, last = drawn["lines"][0], drawn["lines"][-1]
    assert first.colour == last.colour and first.dash != last.dash


def test_weeks_are_12_or_52():
    assert [parse_weeks(v) for v in ("52", "12", None, "", "13", "52; drop", "-52")] == [
        52,
        12,
        12,
        12,
        12,
        12,
        12,
    ]
