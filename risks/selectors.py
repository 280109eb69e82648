"""Read use-cases of the RAID log: the register's base query, heat map, figures and trend.

Each is a fixed number of queries whatever the register's size: the heat map is two GROUP BYs,
the figures one aggregate, the per-program table one GROUP BY, the trend one aggregate per week.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from risks import scoring
from risks.choices import RISK_ENDED
from risks.models import Risk
from tpmo.charts import LineChart, line_chart
from tpmo.formats import brief

TREND_WEEKS = 12


def register(user: Any) -> QuerySet[Risk]:
    """The risks a user may see, scored, with what a register row shows."""
    return (
        Risk.objects.visible_to(user)
        .with_scores()
        .select_related("program", "project", "owner")
        .order_by("-residual_points", "-cost_impact", "pk")
    )


@dataclass(frozen=True)
class Cell:
    probability: int
    impact: int
    count: int
    band: scoring.Band


@dataclass(frozen=True)
class HeatMap:
    """Open risks per probability × impact cell, inherent and residual; rows from probability 5
    (top) to 1, columns impact 1 to 5."""

    inherent: list[list[Cell]]
    residual: list[list[Cell]]

    @property
    def total(self) -> int:
        return sum(cell.count for row in self.residual for cell in row)


def _grid(risks: QuerySet[Risk], side: str, matrix: scoring.Matrix) -> list[list[Cell]]:
    counts = {
        (row[f"{side}_probability"], row[f"{side}_impact"]): row["n"]
        for row in risks.order_by()
        .values(f"{side}_probability", f"{side}_impact")
        .annotate(n=Count("pk"))
    }
    return [
        [Cell(p, i, counts.get((p, i), 0), matrix[p - 1][i - 1]) for i in range(1, 6)]
        for p in range(5, 0, -1)
    ]


def heat_map(risks: QuerySet[Risk]) -> HeatMap:
    """The heat map of the open risks among ``risks``."""
    open_risks = risks.exclude(status__in=RISK_ENDED)
    matrix = scoring.configured_matrix()
    return HeatMap(
        inherent=_grid(open_risks, "inherent", matrix),
        residual=_grid(open_risks, "residual", matrix),
    )


def emv_sql(side: str) -> Case:
    """EMV in SQL: the probability level's likelihood × cost impact."""
    return Case(
        *(
            When(**{f"{side}_probability": level}, then=F("cost_impact") * Value(share))
            for level, share in scoring.PROBABILITY_PERCENT.items()
        ),
        output_field=DecimalField(max_digits=17, decimal_places=4),
    )


def _in_band(band: scoring.Band) -> Q:
    cells = Q(pk__in=[])
    for probability, impact in scoring.cells_of(band):
        cells |= Q(residual_probability=probability, residual_impact=impact)
    return cells


@dataclass(frozen=True)
class Figures:
    open: int
    by_band: dict[str, int]
    emv: Decimal
    inherent_emv: Decimal
    inherent_exposure: int
    residual_exposure: int
    stale: int
    without_owner: int
    without_response: int

    @property
    def reduction(self) -> int:
        """How much of the inherent exposure the responses take away (score points)."""
        return self.inherent_exposure - self.residual_exposure


def figures(risks: QuerySet[Risk], today: dt.date) -> Figures:
    """The register's headline figures over the open risks among ``risks``, in one aggregate."""
    open_risks = risks.exclude(status__in=RISK_ENDED).order_by()
    zero = Value(Decimal(0), output_field=DecimalField(max_digits=17, decimal_places=4))
    bands = {f"band_{band.value}": Count("pk", filter=_in_band(band)) for band in scoring.Band}
    row = open_risks.aggregate(
        open=Count("pk"),
        emv=Coalesce(Sum(emv_sql("residual")), zero),
        inherent_emv=Coalesce(Sum(emv_sql("inherent")), zero),
        inherent_exposure=_exposure("inherent"),
        residual_exposure=_exposure("residual"),
        stale=Count("pk", filter=Q(next_review_date__lt=today)),
        without_owner=Count("pk", filter=Q(owner__isnull=True)),
        without_response=Count("pk", filter=Q(response="")),
        **bands,
    )
    return Figures(
        open=row["open"],
        by_band={band.value: row[f"band_{band.value}"] for band in scoring.Band},
        emv=Decimal(row["emv"]).quantize(Decimal("0.01")),
        inherent_emv=Decimal(row["inherent_emv"]).quantize(Decimal("0.01")),
        inherent_exposure=row["inherent_exposure"],
        residual_exposure=row["residual_exposure"],
        stale=row["stale"],
        without_owner=row["without_owner"],
        without_response=row["without_response"],
    )


def by_program(risks: QuerySet[Risk], limit: int = 10) -> list[dict[str, Any]]:
    """Open risks per program by band, the programs with the most residual exposure first."""
    bands = {band.value: Count("pk", filter=_in_band(band)) for band in scoring.Band}
    return list(
        risks.exclude(status__in=RISK_ENDED)
        .order_by()
        .values("program__code", "program__name")
        .annotate(
            total=Count("pk"),
            exposure=Sum(F("residual_probability") * F("residual_impact")),
            **bands,
        )
        .order_by("-exposure", "program__code")[:limit]
    )


def _exposure(side: str) -> Coalesce:
    points = F(f"{side}_probability") * F(f"{side}_impact")
    return Coalesce(Sum(points, output_field=IntegerField()), 0)


def exposure_trend(program_ids: QuerySet[Any] | None, today: dt.date) -> LineChart:
    """Inherent and residual exposure of the open risks at the end of each of the past weeks,
    read from the risks' history (each risk as it stood then): one query for the versions up to
    today, then each week end takes, per risk, its latest version by then."""
    history = Risk.history.model.objects.all()
    if program_ids is not None:
        history = history.filter(program_id__in=program_ids)
    week_ends = [today - dt.timedelta(days=7 * back) for back in range(TREND_WEEKS - 1, -1, -1)]
    cutoffs = [dt.datetime.combine(day, dt.time.max, tzinfo=dt.UTC) for day in week_ends]
    ended = {str(status) for status in RISK_ENDED}
    inherent = [0] * len(cutoffs)
    residual = [0] * len(cutoffs)
    versions: dict[int, list[tuple[int, dt.datetime, int, int]]] = {}
    for risk_id, version, when, kind, status, ip, ii, rp, ri in (
        history.filter(history_date__lte=cutoffs[-1])
        .order_by()
        .values_list(
            "id",
            "history_id",
            "history_date",
            "history_type",
            "status",
            "inherent_probability",
            "inherent_impact",
            "residual_probability",
            "residual_impact",
        )
    ):
        counted = kind != "-" and status not in ended
        versions.setdefault(risk_id, []).append(
            (version, when, ip * ii if counted else 0, rp * ri if counted else 0)
        )
    for kept in versions.values():
        kept.sort(reverse=True)  # the latest version first
        for index, cutoff in enumerate(cutoffs):
            for _, when, inherent_points, residual_points in kept:
                if when <= cutoff:
                    inherent[index] += inherent_points
                    residual[index] += residual_points
                    break
    return line_chart(
        "Open risk exposure by week (sum of probability × impact)",
        [brief(day) for day in week_ends],
        [("Inherent", "series-inherent", inherent), ("Residual", "series-residual", residual)],
        label_name="Week ending",
    )
