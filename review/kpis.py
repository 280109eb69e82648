"""The director's KPIs: each a definition, a formula over the summed counters of a set of programs
(``review.figures``), a target (``settings.TPMO_KPI["targets"]`` overrides the defaults) and whether
higher or lower is better. The same formula reads live counters and snapshot rows, so the current
value and the trend always agree on what they measure."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings

from review.figures import Counters


def _share(part: Any, whole: Any) -> Decimal | None:
    """part / whole as a percentage with one decimal; None when nothing was counted."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _ratio(part: Any, whole: Any, places: str = "0.001") -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal(places), ROUND_HALF_UP)


@dataclass(frozen=True)
class Kpi:
    key: str
    name: str
    definition: str
    formula: str
    unit: str  # "%", "index", "score", "money", "days", "1–5"
    higher_is_better: bool
    value: Callable[[Counters], Decimal | None]
    default_target: Decimal | None = None

    @property
    def target(self) -> Decimal | None:
        targets = getattr(settings, "TPMO_KPI", {}).get("targets", {})
        if self.key in targets:
            return Decimal(str(targets[self.key]))
        return self.default_target

    def meets(self, value: Decimal | None) -> bool | None:
        """Whether ``value`` meets the target (None without a value or a target)."""
        target = self.target
        if value is None or target is None:
            return None
        return value >= target if self.higher_is_better else value <= target


KPIS: tuple[Kpi, ...] = (
    Kpi(
        "delivery_success",
        "Delivery success rate",
        "Of the projects completed in the period, the share finished on time (actual end on or "
        "before the baseline end) and within the budget tolerance (actual spend within ±10 % of "
        "plan by default; a project without a budget is judged on time alone).",
        "successful projects ÷ projects completed × 100",
        "%",
        True,
        lambda c: _share(c["projects_successful"], c["projects_completed"]),
        Decimal(80),
    ),
    Kpi(
        "on_time_milestones",
        "On-time milestone rate",
        "Of the milestones done in the period, the share done on or before their baseline date.",
        "milestones done on time ÷ milestones done × 100",
        "%",
        True,
        lambda c: _share(c["milestones_on_time"], c["milestones_done"]),
        Decimal(85),
    ),
    Kpi(
        "budget_adherence",
        "Budget adherence",
        "Of the programs with a budget, the share whose forecast cost is within the tolerance "
        "(±10 % by default) of their budget at completion.",
        "programs with |forecast − BAC| ÷ BAC ≤ tolerance ÷ programs with a budget × 100",
        "%",
        True,
        lambda c: _share(c["programs_adherent"], c["programs_budgeted"]),
        Decimal(90),
    ),
    Kpi(
        "cpi",
        "Portfolio CPI",
        "Cost efficiency of the work done so far, over all programs: earned value and actual "
        "cost are summed first, then divided (never an average of ratios).",
        "Σ EV ÷ Σ AC",
        "index",
        True,
        lambda c: _ratio(c["ev"], c["ac"]),
        Decimal("0.95"),
    ),
    Kpi(
        "spi",
        "Portfolio SPI",
        "Schedule efficiency in money: the value of the work done against the value planned to "
        "date, summed first, then divided.",
        "Σ EV ÷ Σ PV",
        "index",
        True,
        lambda c: _ratio(c["ev"], c["pv"]),
        Decimal("0.95"),
    ),
    Kpi(
        "forecast_accuracy",
        "Forecast accuracy",
        "How early slips are reported: of the milestones done late in the period, the share "
        "whose slip was first recorded (a saved forecast past the baseline) at least the warning "
        "period (14 days by default) before the baseline date. Average notice is shown beside it.",
        "late milestones warned ≥ warning period ahead ÷ late milestones done × 100",
        "%",
        True,
        lambda c: _share(c["late_warned"], c["late_done"]),
        Decimal(70),
    ),
    Kpi(
        "risk_score",
        "Open risk exposure (score)",
        "The residual scores (probability × impact, 1–25) of the risks open at the date, summed.",
        "Σ residual probability × residual impact over open risks",
        "score",
        False,
        lambda c: Decimal(c["risk_score"]),
    ),
    Kpi(
        "risk_emv",
        "Open risk exposure (EMV)",
        "The expected monetary value of the risks open at the date: each risk's probability "
        "(as a likelihood) times its cost impact, summed.",
        "Σ likelihood(residual probability) × cost impact over open risks",
        "money",
        False,
        lambda c: Decimal(c["risk_emv"]),
    ),
    Kpi(
        "red_share",
        "Health distribution",
        "Programs in flight by computed health; the figure is the share computed Red, and the "
        "chart shows Green, Amber and Red counts.",
        "programs computed Red ÷ programs in flight × 100",
        "%",
        False,
        lambda c: _share(c["computed_red"], c["programs"]),
        Decimal(10),
    ),
    Kpi(
        "satisfaction",
        "Stakeholder satisfaction",
        "The average of the stakeholder satisfaction scores (1 = very unhappy, 5 = delighted) "
        "recorded on program status reports in the period.",
        "Σ satisfaction ÷ reports with a score",
        "1–5",
        True,
        lambda c: _ratio(c["satisfaction_sum"], c["satisfaction_count"], "0.01"),
        Decimal(4),
    ),
    Kpi(
        "report_timeliness",
        "Status-report timeliness",
        "Of the weeks in the period that programs in flight should have reported (since they "
        "started), the share with a program status report that week.",
        "weeks with a report ÷ weeks expected × 100",
        "%",
        True,
        lambda c: _share(c["reports_filed"], c["reports_expected"]),
        Decimal(95),
    ),
    Kpi(
        "actions_on_time",
        "Retrospective actions closed on time",
        "Of the retrospective actions due in the period, the share done by their due date.",
        "actions done by their due date ÷ actions due × 100",
        "%",
        True,
        lambda c: _share(c["actions_on_time"], c["actions_due"]),
        Decimal(80),
    ),
)

BY_KPI_KEY = {kpi.key: kpi for kpi in KPIS}


def average_notice_days(counters: Counters) -> Decimal | None:
    """Average days between a late milestone's first recorded slip and its baseline date."""
    return _ratio(counters["notice_days"], counters["late_done"], "0.1")
