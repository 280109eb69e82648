"""Server-rendered SVG charts: geometry only (templates draw it), so charts print, need no
JavaScript, and are testable."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

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
