"""The Gantt chart drawn in Python: ticks that stay few, and a figure that escapes what it shows."""

from __future__ import annotations

from datetime import date

from tpmo.charts import Arrow, Mark, Row, gantt


def _row(key: str, start: date, end: date, label: str = "", href: str = "") -> Row:
    return Row(
        key=key,
        label=label or key,
        href=href,
        marks=(
            Mark("bar", start, end, "baseline", "Baseline"),
            Mark("diamond", end, end, "ms", "Go"),
        ),
    )


def test_a_short_timeline_has_a_tick_a_month():
    chart = gantt("T", [_row("a", date(2026, 1, 10), date(2026, 6, 20))], today=date(2026, 3, 1))
    assert [tick.label for tick in chart.ticks] == ["Feb 2026", "Mar", "Apr", "May", "Jun"]


def test_labels_keep_a_regular_stride_and_name_every_year():
    """Quarterly ticks too close for a label each: a label a year, on January, with its year;
    on a shorter timeline a label every other month, the year where it changes."""
    long = gantt("T", [_row("a", date(2025, 10, 1), date(2032, 3, 1))], today=date(2026, 3, 1))
    medium = gantt("T", [_row("a", date(2026, 1, 10), date(2027, 6, 20))], today=date(2026, 3, 1))

    # January 2032 stands 41 px from the right edge: too close for its label to fit.
    assert [tick.label for tick in long.ticks if tick.label] == [
        f"Jan {year}" for year in range(2026, 2032)
    ]
    assert long.ticks[-1].label == ""
    assert long.width - long.ticks[-1].x < 48
    assert [tick.label for tick in medium.ticks if tick.label] == [
        "Mar 2026",
        "May",
        "Jul",
        "Sep",
        "Nov",
        "Jan 2027",
        "Mar",
        "May",
    ]


def test_a_date_centuries_ahead_draws_yearly_ticks_not_thousands():
    rows = [
        _row("a", date(2026, 1, 1), date(2026, 3, 1)),
        _row("b", date(2026, 2, 1), date(2304, 11, 28)),
    ]
    chart = gantt("T", rows, today=date(2026, 3, 1))
    assert 20 <= len(chart.ticks) <= 40
    assert {tick.label[:3] for tick in chart.ticks if tick.label} == {"Jan"}


def test_a_date_at_the_end_of_the_calendar_draws():
    chart = gantt("T", [_row("a", date(2026, 1, 1), date(9999, 12, 31))], today=date(2026, 3, 1))
    assert 1 <= len(chart.ticks) <= 40


def test_the_figure_escapes_labels_and_titles_and_lists_the_dates():
    rows = [
        _row(
            "a", date(2026, 1, 5), date(2026, 2, 5), label="<b>Ledger</b> & co", href="/p/?a=1&b=2"
        ),
        _row("b", date(2026, 2, 10), date(2026, 3, 5)),
    ]
    chart = gantt(
        "Plan <x>",
        rows,
        today=date(2026, 2, 1),
        arrows=[Arrow("a", date(2026, 2, 5), "b", date(2026, 2, 10), "dep late", "A → B")],
    )

    html = chart.figure("tl")

    assert html.startswith('<figure class="chart gantt-figure">')
    assert '<title id="tl-title">Plan &lt;x&gt;</title>' in html
    assert '<a href="/p/?a=1&amp;b=2">&lt;b&gt;Ledger&lt;/b&gt; &amp; co</a>' in html
    assert html.count("<rect ") == 2
    assert html.count("l6,7 l-6,7 l-6,-7 z") == 2  # the two diamonds
    assert 'class="dep late" marker-end="url(#tl-head)"><title>A → B</title>' in html
    assert 'class="today"' in html
    assert (
        "<td>&lt;b&gt;Ledger&lt;/b&gt; &amp; co</td>"
        "<td><div>Baseline: 5 Jan 2026 – 5 Feb 2026</div><div>Go</div></td>" in html
    )
    assert "<b>" not in html
