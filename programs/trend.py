"""Milestone trend analysis: each milestone's forecast as it stood at each status report date,
read from the milestones' history, and slip velocity (slips that grow report after report)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet

from programs.models import Milestone, StatusReport
from tpmo.charts import LineChart, line_chart
from tpmo.formats import brief


@dataclass(frozen=True)
class Trend:
    milestone: Milestone
    forecasts: tuple[dt.date | None, ...]  # one per report date; None before the milestone existed

    @property
    def slips(self) -> list[int]:
        """Days the forecast moved between consecutive report dates (known values only)."""
        known = [value for value in self.forecasts if value is not None]
        return [(later - earlier).days for earlier, later in itertools.pairwise(known)]

    @property
    def accelerating(self) -> bool:
        """The last two moves were both later, and the last bigger than the one before."""
        moves = self.slips
        return len(moves) >= 2 and moves[-1] > moves[-2] > 0


@dataclass(frozen=True)
class TrendAnalysis:
    dates: tuple[dt.date, ...]
    trends: tuple[Trend, ...]
    chart: LineChart | None

    @property
    def accelerating(self) -> list[Trend]:
        return [trend for trend in self.trends if trend.accelerating]


def milestone_trend(
    milestones: QuerySet[Milestone], reports: QuerySet[StatusReport]
) -> TrendAnalysis:
    """Three queries: the milestones, their history, the report dates (the last 12)."""
    chosen = list(milestones.select_related("project").order_by("forecast_date", "pk")[:12])
    dates = sorted(set(reports.order_by("-report_date").values_list("report_date", flat=True)[:12]))
    versions: dict[int, list[tuple[dt.datetime, dt.date]]] = defaultdict(list)
    for pk, when, forecast in (
        Milestone.history.model.objects.filter(id__in=[m.pk for m in chosen])
        .order_by("history_date", "history_id")
        .values_list("id", "history_date", "forecast_date")
    ):
        versions[pk].append((when, forecast))
    trends = []
    for milestone in chosen:
        row = []
        for report_date in dates:
            cutoff = dt.datetime.combine(report_date, dt.time.max, tzinfo=dt.UTC)
            known = [forecast for when, forecast in versions[milestone.pk] if when <= cutoff]
            row.append(known[-1] if known else None)
        trends.append(Trend(milestone, tuple(row)))
    return TrendAnalysis(tuple(dates), tuple(trends), _chart(dates, trends))


def _chart(dates: list[dt.date], trends: list[Trend]) -> LineChart | None:
    """Forecast (days after the first report) against report date, one line per milestone."""
    if len(dates) < 2 or not trends:
        return None
    base = dates[0]
    series = []
    for index, trend in enumerate(trends):
        values = [
            ((value or trend.milestone.forecast_date) - base).days for value in trend.forecasts
        ]
        series.append((trend.milestone.name, f"series-mta series-{index % 6}", values))
    return line_chart(
        f"Forecast of each milestone (days after {base:%d %b %Y}) at each status report",
        [brief(day) for day in dates],
        series,
        label_name="Report date",
    )
