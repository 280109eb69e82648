"""The queries behind earned value: one GROUP BY over budget lines per view of the money.

EV of a line is its project's % complete × its planned amount, so EV sums like the rest; PV is each
line's planned amount × the share of its period elapsed at the status date (``programs.evm``). Any
grouping — project, program, objective, category, the whole portfolio — is then one query, and the
ratios come from the sums (``programs.evm.roll_up`` semantics).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Case, DecimalField, F, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce

from programs import evm
from programs.models import BudgetLine, FiscalPeriod
from tpmo.charts import LineChart, line_chart

MONEY_OUT = DecimalField(max_digits=20, decimal_places=4)
ZERO = Value(Decimal(0), output_field=MONEY_OUT)


def tolerance() -> Decimal:
    """Budget adherence tolerance (settings.TPMO_BUDGET_TOLERANCE, default 10 %)."""
    return Decimal(str(getattr(settings, "TPMO_BUDGET_TOLERANCE", "0.10")))


def _planned_value(periods: list[FiscalPeriod], as_of: date) -> Case | Value:
    """planned × elapsed share of the line's period, as SQL (one WHEN per started period)."""
    whens = []
    for period in periods:
        share = evm.elapsed_share(period.start_date, period.end_date, as_of)
        if share == 1:
            whens.append(When(period_id=period.pk, then=F("planned")))
        elif share > 0:
            whens.append(When(period_id=period.pk, then=F("planned") * Value(share)))
    if not whens:
        return ZERO
    return Case(*whens, default=ZERO, output_field=MONEY_OUT)


def _sums(periods: list[FiscalPeriod], as_of: date) -> dict[str, Any]:
    return {
        "bac": Coalesce(Sum("planned"), ZERO),
        "ac": Coalesce(Sum("actual"), ZERO),
        "forecast_total": Coalesce(Sum("forecast"), ZERO),
        "pv": Coalesce(Sum(_planned_value(periods, as_of)), ZERO),
        "ev": Coalesce(
            Sum(F("planned") * F("project__percent_complete") / Value(100), output_field=MONEY_OUT),
            ZERO,
        ),
    }


def _cents(value: Any) -> Decimal:
    return Decimal(value).quantize(evm.CENT)


@dataclass(frozen=True)
class Money:
    """Earned value of one group, with its forecast and its schedule variance in days."""

    key: Any
    label: str
    value: evm.EarnedValue
    forecast: Decimal
    sv_days: int | None = None

    @property
    def adherent(self) -> bool | None:
        return evm.within_tolerance(self.value.bac, self.forecast, tolerance())


def money_by(
    lines: QuerySet[BudgetLine],
    group: tuple[str, ...],
    *,
    as_of: date,
    periods: list[FiscalPeriod],
    label: Any = None,
) -> list[Money]:
    """Earned value of ``lines`` per ``group`` (value fields), in one query."""
    if group:
        rows = list(
            lines.order_by().values(*group).annotate(**_sums(periods, as_of)).order_by(*group)
        )
    else:
        rows = [lines.aggregate(**_sums(periods, as_of))]
    return [
        Money(
            key=row[group[0]] if group else None,
            label=label(row) if label else str(row[group[0]]) if group else "",
            value=evm.EarnedValue(
                bac=_cents(row["bac"]),
                pv=_cents(row["pv"]),
                ev=_cents(row["ev"]),
                ac=_cents(row["ac"]),
            ),
            forecast=_cents(row["forecast_total"]),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class PeriodLine:
    period: FiscalPeriod
    category: str
    planned: Decimal
    actual: Decimal
    forecast: Decimal

    @property
    def variance(self) -> Decimal:
        """Forecast − planned (positive = over)."""
        return self.forecast - self.planned

    @property
    def flagged(self) -> bool:
        """Forecast over the plan by more than the tolerance (an overrun)."""
        return self.forecast > self.planned * (1 + tolerance())


@dataclass(frozen=True)
class BudgetPanel:
    total: Money
    lines: list[PeriodLine] = field(default_factory=list)
    burn: LineChart | None = None


def budget_panel(lines: QuerySet[BudgetLine], *, as_of: date, start: date | None) -> BudgetPanel:
    """Totals with earned value and SV(t), lines by period and category, and the cumulative burn
    chart (planned, actual, forecast, EAC) — three queries."""
    periods = list(FiscalPeriod.objects.order_by("start_date"))
    totals = money_by(lines, (), as_of=as_of, periods=periods)
    by_period = {period.pk: period for period in periods}
    rows = (
        lines.order_by()
        .values("period_id", "category")
        .annotate(p=Sum("planned"), a=Sum("actual"), f=Sum("forecast"))
        .order_by("period__start_date", "category")
    )
    detail = [
        PeriodLine(by_period[r["period_id"]], r["category"], r["p"], r["a"], r["f"]) for r in rows
    ]
    total = totals[0] if totals else Money(None, "", evm.NOTHING, Decimal(0))
    plan: dict[int, Decimal] = defaultdict(Decimal)
    spent: dict[int, Decimal] = defaultdict(Decimal)
    expected: dict[int, Decimal] = defaultdict(Decimal)
    for line in detail:
        plan[line.period.pk] += line.planned
        spent[line.period.pk] += line.actual
        expected[line.period.pk] += line.forecast
    used = [period for period in periods if period.pk in plan]
    curve = [evm.Period(p.start_date, p.end_date, plan[p.pk]) for p in used]
    sv_days = (
        evm.schedule_variance_days(
            curve, ev=total.value.ev, start=start or curve[0].start, as_of=as_of
        )
        if curve
        else None
    )
    total = Money(total.key, total.label, total.value, total.forecast, sv_days)
    return BudgetPanel(
        total=total, lines=detail, burn=_burn_chart(used, plan, spent, expected, total)
    )


def _burn_chart(
    periods: list[FiscalPeriod],
    plan: dict[int, Decimal],
    spent: dict[int, Decimal],
    expected: dict[int, Decimal],
    total: Money,
) -> LineChart | None:
    if not periods:
        return None
    cumulative: dict[str, list[Decimal]] = {"planned": [], "actual": [], "forecast": []}
    running = {"planned": Decimal(0), "actual": Decimal(0), "forecast": Decimal(0)}
    for period in periods:
        running["planned"] += plan[period.pk]
        running["actual"] += spent[period.pk]
        running["forecast"] += expected[period.pk]
        for key in cumulative:
            cumulative[key].append(running[key])
    eac = total.value.eac
    series = [
        ("Planned (PV)", "series-planned", cumulative["planned"]),
        ("Actual (AC)", "series-actual", cumulative["actual"]),
        ("Forecast", "series-forecast", cumulative["forecast"]),
    ]
    if eac is not None:
        series.append(("EAC", "series-eac", [eac.quantize(evm.CENT)] * len(periods)))
    return line_chart(
        "Cumulative spend by period: planned, actual, forecast and the estimate at completion",
        [period.name for period in periods],
        series,
        label_name="Period",
    )
