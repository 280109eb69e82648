"""Server-rendered SVG charts: geometry only (templates draw it), so charts print, need no
JavaScript, and are testable."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property
from html import escape

from django.utils import dateformat
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator

Number = int | float | Decimal


@dataclass(frozen=True)
class Series:
    name: str
    css: str
    values: tuple[Number, ...]
    points: str  # "x,y x,y …" for <polyline points>


@dataclass(frozen=True)
class LineChart:
    title: str
    labels: tuple[str, ...]
    series: tuple[Series, ...]
    width: int
    height: int
    maximum: Number
    x_positions: tuple[float, ...]
    label_name: str = "When"

    @property
    def rows(self) -> list[tuple[str, list[Number]]]:
        """The numbers behind the chart, one row per label (the table fallback)."""
        return [
            (label, [series.values[index] for series in self.series])
            for index, label in enumerate(self.labels)
        ]


def line_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[Number]]],
    *,
    width: int = 640,
    height: int = 200,
    padding: int = 24,
    label_name: str = "When",
) -> LineChart:
    """Scale ``series`` (name, css class, values) onto a ``width`` × ``height`` plot, from zero."""
    maximum = max((value for _, _, values in series for value in values), default=0) or 1
    steps = max(len(labels) - 1, 1)
    xs = tuple(padding + (width - 2 * padding) * index / steps for index in range(len(labels)))

    def y(value: Number) -> float:
        return height - padding - (height - 2 * padding) * float(value) / float(maximum)

    return LineChart(
        title=title,
        labels=tuple(labels),
        series=tuple(
            Series(
                name,
                css,
                tuple(values),
                " ".join(f"{x:.1f},{y(v):.1f}" for x, v in zip(xs, values, strict=True)),
            )
            for name, css, values in series
        ),
        width=width,
        height=height,
        maximum=maximum,
        x_positions=xs,
        label_name=label_name,
    )


@dataclass(frozen=True)
class Point:
    label: str
    x: float
    y: float
    cx: float
    cy: float


@dataclass(frozen=True)
class ScatterChart:
    title: str
    points: tuple[Point, ...]
    width: int
    height: int
    guide_x: float
    guide_y: float
    low: float
    high: float

    @cached_property
    def points_svg(self) -> SafeString:
        """The points as SVG circles, written once per chart (and a remembered chart is reused),
        instead of four formatted numbers per point in the template: a thousand programs made
        the finance page template-bound."""
        return format_html_join(
            "",
            '<circle cx="{}" cy="{}" r="4" class="point">'
            "<title>{}: CPI {}, SPI {}</title></circle>",
            (
                (f"{p.cx:.1f}", f"{p.cy:.1f}", p.label, f"{p.x:.2f}", f"{p.y:.2f}")
                for p in self.points
            ),
        )


def scatter_chart(
    title: str,
    points: Sequence[tuple[str, float, float]],
    *,
    low: float = 0.5,
    high: float = 1.5,
    width: int = 360,
    height: int = 360,
    padding: int = 30,
) -> ScatterChart:
    """Points (label, x, y) on equal axes from ``low`` to ``high`` (clamped), guides at 1.0."""

    def scale(value: float, size: int, flip: bool) -> float:
        share = (min(max(value, low), high) - low) / (high - low)
        position = padding + (size - 2 * padding) * share
        return size - position if flip else position

    return ScatterChart(
        title=title,
        points=tuple(
            Point(label, x, y, scale(x, width, False), scale(y, height, True))
            for label, x, y in points
        ),
        width=width,
        height=height,
        guide_x=scale(1.0, width, False),
        guide_y=scale(1.0, height, True),
        low=low,
        high=high,
    )


@dataclass(frozen=True)
class Mark:
    """Something drawn on a timeline row: a bar (start–end) or a diamond (start only)."""

    kind: str  # "bar" or "diamond"
    start: date
    end: date
    css: str
    title: str


@dataclass(frozen=True)
class Row:
    key: object
    label: str
    href: str
    marks: tuple[Mark, ...]
    css: str = ""


@dataclass(frozen=True)
class Arrow:
    start_key: object
    start: date
    end_key: object
    end: date
    css: str
    title: str


@dataclass(frozen=True)
class DrawnMark:
    mark: Mark
    x: float
    width: float
    y: float

    @property
    def svg(self) -> SafeString:
        """The mark as an SVG element: written here rather than in the template, where a Gantt's
        hundreds of marks, each with formatted numbers, cost more than the rest of the page
        (plain f-strings: the numbers need no escaping, the words go through ``escape``)."""
        mark, y = self.mark, int(self.y)
        css, title = escape(mark.css), escape(mark.title)
        if mark.kind == "bar":
            baseline = "baseline" in mark.css
            return SafeString(
                f'<rect x="{self.x:.1f}" y="{y + (15 if baseline else 4)}" '
                f'width="{self.width:.1f}" height="{5 if baseline else 10}" class="{css}">'
                f"<title>{title}</title></rect>"
            )
        return SafeString(
            f'<path d="M{self.x:.1f},{y + 2} l6,7 l-6,7 l-6,-7 z" class="{css}">'
            f"<title>{title}</title></path>"
        )


@dataclass(frozen=True)
class DrawnRow:
    row: Row
    y: float
    marks: tuple[DrawnMark, ...]


@dataclass(frozen=True)
class DrawnArrow:
    arrow: Arrow
    path: str


#: Pixels a tick label needs ("Sep 2026" and a gap to the next).
LABEL_ROOM = 72


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Gantt:
    title: str
    width: int
    height: int
    label_width: int
    rows: tuple[DrawnRow, ...]
    arrows: tuple[DrawnArrow, ...]
    ticks: tuple[Tick, ...]
    today_x: float | None
    row_height: int

    def figure(self, id: str) -> SafeString:
        """The chart as an SVG figure, with its dates as a table for screen readers and print.
        Written here rather than in a template: a program's Gantt has hundreds of marks and
        rows, and a template node per value cost more than the rest of the page."""
        height = self.height
        ticks = format_html_join(
            "",
            '<line x1="{0}" y1="18" x2="{0}" y2="{1}" class="tick"/>'
            '<text x="{0}" y="14" class="tick-label">{2}</text>',
            ((f"{tick.x:.1f}", height, tick.label) for tick in self.ticks),
        )
        rows = SafeString(
            "".join(
                f'<g class="gantt-row {escape(drawn.row.css)}"><text x="4" y="{int(drawn.y) + 16}"'
                f' class="row-label">{_label(drawn.row.label, drawn.row.href)}</text>'
                + "".join(mark.svg for mark in drawn.marks)
                + "</g>"
                for drawn in self.rows
            )
        )
        arrows = format_html_join(
            "",
            '<path d="{}" class="{}" marker-end="url(#{}-head)"><title>{}</title></path>',
            ((drawn.path, drawn.arrow.css, id, drawn.arrow.title) for drawn in self.arrows),
        )
        today = (
            format_html(
                '<line x1="{0}" y1="18" x2="{0}" y2="{1}" class="today"/>'
                '<text x="{0}" y="{2}" class="tick-label today-label">today</text>',
                f"{self.today_x:.1f}",
                height,
                height - 2,
            )
            if self.today_x
            else ""
        )
        table = SafeString(
            "".join(
                f"<tr><td>{escape(drawn.row.label)}</td><td>"
                + "".join(f"<div>{escape(_dates(m.mark))}</div>" for m in drawn.marks)
                + "</td></tr>"
                for drawn in self.rows
            )
        )
        return format_html(
            '<figure class="chart gantt-figure"><div class="table-scroll" tabindex="0">'
            '<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="group"'
            ' aria-labelledby="{id}-title" class="gantt"><title id="{id}-title">{title}</title>'
            '<defs><marker id="{id}-head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7"'
            ' markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"'
            ' class="arrow-head"/></marker></defs>{ticks}{rows}{arrows}{today}</svg></div>'
            "<figcaption>{title}: grey = baseline, blue = forecast, red = on the critical path,"
            " ◆ milestones (amber = past baseline), dashed red arrows = dependencies blocked, at"
            " risk, uncommitted or committed late. Calendar days.</figcaption>"
            "<details><summary>The dates as a table</summary>"
            '<table class="data-table compact"><thead><tr><th scope="col">Item</th>'
            '<th scope="col">Dates</th></tr></thead><tbody>{table}</tbody></table></details>'
            "</figure>",
            width=self.width,
            height=height,
            id=id,
            title=self.title,
            ticks=ticks,
            rows=rows,
            arrows=arrows,
            today=today,
            table=table,
        )


def _label(label: str, href: str) -> str:
    short = escape(Truncator(label).chars(36))
    return f'<a href="{escape(href)}">{short}</a>' if href else short


def _dates(mark: Mark) -> str:
    if mark.kind == "bar" and "baseline" in mark.css:
        return f"{mark.title}: {_day(mark.start)} – {_day(mark.end)}"
    return mark.title


def _day(day: date) -> str:
    return dateformat.format(day, "j M Y")


def gantt(
    title: str,
    rows: Sequence[Row],
    *,
    today: date,
    arrows: Sequence[Arrow] = (),
    width: int = 1100,
    label_width: int = 250,
    row_height: int = 26,
) -> Gantt:
    """Lay a timeline out: one row per item, x by date (calendar days), month ticks, today line,
    dependency arrows from the end of one mark to the start of another (elbow paths)."""
    dates = [d for row in rows for mark in row.marks for d in (mark.start, mark.end)] or [today]
    first, last = min(*dates, today), max(*dates, today)
    span = max((last - first).days, 1)
    plot = width - label_width - 20

    def x(day: date) -> float:
        return label_width + plot * (day - first).days / span

    drawn_rows = []
    y_of: dict[object, float] = {}
    for index, row in enumerate(rows):
        y = 30 + index * row_height
        y_of[row.key] = y
        drawn_rows.append(
            DrawnRow(
                row,
                y,
                tuple(
                    DrawnMark(mark, x(mark.start), max(x(mark.end) - x(mark.start), 2), y)
                    for mark in row.marks
                ),
            )
        )
    drawn_arrows = []
    for arrow in arrows:
        if arrow.start_key not in y_of or arrow.end_key not in y_of:
            continue
        x1, y1 = x(arrow.start), y_of[arrow.start_key] + row_height / 2 - 4
        x2, y2 = x(arrow.end), y_of[arrow.end_key] + row_height / 2 - 4
        path = f"M{x1:.1f},{y1:.1f} H{x1 + 6:.1f} V{y2:.1f} H{x2:.1f}"
        drawn_arrows.append(DrawnArrow(arrow, path))
    ticks = []
    # A tick a month; on a long timeline a tick a quarter, a year or more (at most ~40 ticks),
    # so a date far off (a forecast typed years ahead) cannot draw thousands of lines.
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    step = next((s for s in (1, 3, 6, 12) if months / s <= 40), 12 * -(-months // 480))
    index = first.year * 12 + first.month - 1
    index -= index % step
    # Labels at a regular stride wide enough for "Sep 2026" (on January when a stride is a year
    # or more), the year on the first label and wherever it changes.
    per_tick = (x(last) - x(first)) * step / months
    strides = [
        k for k in (1, 2, 3, 4, 6, 12, 24, 48, 96) if (k * step) % 12 == 0 or 12 % (k * step) == 0
    ]
    every = next((k for k in strides if k * per_tick >= LABEL_ROOM), strides[-1])
    labelled_year = 0
    while index <= last.year * 12 + last.month - 1:
        month = date(index // 12, index % 12 + 1, 1)
        if month >= first:
            label = ""
            fits = x(month) + LABEL_ROOM - 24 <= width  # none cut off at the right edge
            if (index // step) % every == 0 and fits:
                label = month.strftime("%b" if month.year == labelled_year else "%b %Y")
                labelled_year = month.year
            ticks.append(Tick(x(month), label))
        index += step
    return Gantt(
        title=title,
        width=width,
        height=40 + len(rows) * row_height,
        label_width=label_width,
        rows=tuple(drawn_rows),
        arrows=tuple(drawn_arrows),
        ticks=tuple(ticks),
        today_x=x(today) if first <= today <= last else None,
        row_height=row_height,
    )
