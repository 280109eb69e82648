"""Computed health (RAG) of a program or project, explained rule by rule.

Each rule looks at one dimension of plain data and, when it fires, gives a reason: its RAG and a
sentence naming the data ("Amber: key milestone 'Beta' forecast 9 days after baseline (> 5)").
The overall health is the worst reason, Green when no rule fires. Thresholds come from the
``TPMO_HEALTH`` setting (see ``Thresholds``); the data comes from ``tpmo.health_queries``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any


class Rag(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def severity(self) -> int:
        return {"green": 0, "amber": 1, "red": 2}[self.value]


@dataclass(frozen=True)
class Thresholds:
    """When a rule turns Amber or Red. Override any of them in settings.TPMO_HEALTH."""

    slip_amber_days: int = 5
    slip_red_days: int = 20
    status_amber_days: int = 7
    status_red_days: int = 14
    #: CPI and SPI(t) below these turn Amber / Red.
    index_amber: Decimal = Decimal("0.95")
    index_red: Decimal = Decimal("0.90")
    #: A forecast overrun at completion (−VAC) above this share of the budget turns Amber / Red.
    overrun_amber_share: Decimal = Decimal("0.05")
    overrun_red_share: Decimal = Decimal("0.10")
    #: A person allocated above this % of their time today turns Amber / Red.
    allocation_amber_percent: int = 100
    allocation_red_percent: int = 150

    @classmethod
    def from_settings(cls) -> Thresholds:
        from django.conf import settings

        overrides = dict(getattr(settings, "TPMO_HEALTH", {}))
        for name in ("index_amber", "index_red", "overrun_amber_share", "overrun_red_share"):
            if name in overrides:
                overrides[name] = Decimal(str(overrides[name]))
        return cls(**overrides)


@dataclass(frozen=True)
class Reason:
    rag: Rag
    dimension: str
    text: str

    def __str__(self) -> str:
        return f"{self.rag.label}: {self.text}"


@dataclass(frozen=True)
class Health:
    rag: Rag
    reasons: tuple[Reason, ...] = ()

    @property
    def label(self) -> str:
        return self.rag.label

    @property
    def explanation(self) -> str:
        """The reasons, one a line ("Red: …"), as kept beside a status report or a snapshot."""
        return "\n".join(str(reason) for reason in self.reasons)


@dataclass(frozen=True)
class HealthInputs:
    """The data the rules read, for one program or project."""

    worst_slip_days: int | None = None
    worst_slip_milestone: str | None = None
    open_critical_risks: int = 0
    open_high_risks: int = 0
    blocked_inbound: int = 0
    late_or_uncommitted_inbound: int = 0
    last_status_on: date | None = None
    bac: Decimal = Decimal(0)
    cpi: Decimal | None = None
    vac: Decimal | None = None
    spi_t: Decimal | None = None
    sv_t_days: int | None = None
    #: (person, % allocated today) for each person on this work allocated above the amber limit.
    over_allocated: tuple[tuple[str, int], ...] = ()

    @classmethod
    def from_row(cls, row: Any) -> HealthInputs:
        """Read the annotations that ``tpmo.health_queries.with_health_inputs`` put on a row."""
        slip = row.worst_slip
        return cls(
            worst_slip_days=slip.days if slip is not None else None,
            worst_slip_milestone=row.worst_slip_milestone,
            open_critical_risks=row.open_critical_risks or 0,
            open_high_risks=row.open_high_risks or 0,
            blocked_inbound=row.blocked_inbound or 0,
            late_or_uncommitted_inbound=row.late_or_uncommitted_inbound or 0,
            last_status_on=row.last_status_on,
            bac=row.bac,
            cpi=row.cpi,
            vac=row.vac,
            spi_t=row.spi_t,
            sv_t_days=row.sv_t_days,
            over_allocated=row.over_allocated,
        )


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


def _inbound(count: int) -> str:
    return f"{count} inbound dependenc{'y' if count == 1 else 'ies'}"


def schedule_reasons(inputs: HealthInputs, limits: Thresholds) -> list[Reason]:
    slip, name = inputs.worst_slip_days, inputs.worst_slip_milestone
    if slip is None or name is None:
        return []
    for rag, limit in ((Rag.RED, limits.slip_red_days), (Rag.AMBER, limits.slip_amber_days)):
        if slip > limit:
            text = f"key milestone '{name}' is {slip} days past its baseline (> {limit})"
            return [Reason(rag, "schedule", text)]
    return []


def _index(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _amount(value: Decimal) -> str:
    return f"{value:,.0f}"


def _index_reason(
    value: Decimal | None, limits: Thresholds, dimension: str, say: str
) -> list[Reason]:
    if value is None:
        return []
    for rag, limit in ((Rag.RED, limits.index_red), (Rag.AMBER, limits.index_amber)):
        if value < limit:
            shown = _index(value)
            if Decimal(shown) >= limit:  # 0.899 would read "0.90 (< 0.90)": one more digit
                shown = str(value.quantize(Decimal("0.001"), rounding=ROUND_FLOOR))
            return [Reason(rag, dimension, f"{say} {shown} (< {_index(limit)})")]
    return []


def earned_schedule_reasons(inputs: HealthInputs, limits: Thresholds) -> list[Reason]:
    """SPI(t) = earned schedule / actual time: how far the work done lags the planned curve."""
    reasons = _index_reason(inputs.spi_t, limits, "schedule", "SPI(t)")
    if reasons and inputs.sv_t_days is not None and inputs.sv_t_days < 0:
        reason = reasons[0]
        behind = -inputs.sv_t_days
        text = f"{reason.text}: the work done was planned {_plural(behind, 'day')} earlier"
        reasons = [Reason(reason.rag, reason.dimension, text)]
    return reasons


def cost_reasons(inputs: HealthInputs, limits: Thresholds) -> list[Reason]:
    reasons = _index_reason(inputs.cpi, limits, "cost", "CPI")
    if inputs.vac is None or inputs.vac >= 0 or inputs.bac <= 0:
        return reasons
    overrun = -inputs.vac
    share = overrun / inputs.bac
    for rag, limit in (
        (Rag.RED, limits.overrun_red_share),
        (Rag.AMBER, limits.overrun_amber_share),
    ):
        if share > limit:
            text = (
                f"forecast overrun at completion {_amount(overrun)} = {share:.0%} of the "
                f"{_amount(inputs.bac)} budget (> {limit:.0%})"
            )
            reasons.append(Reason(rag, "cost", text))
            break
    return reasons


def resourcing_reasons(inputs: HealthInputs, limits: Thresholds) -> list[Reason]:
    if not inputs.over_allocated:
        return []
    worst_name, worst = max(inputs.over_allocated, key=lambda pair: (pair[1], pair[0]))
    rag, limit = (
        (Rag.RED, limits.allocation_red_percent)
        if worst > limits.allocation_red_percent
        else (Rag.AMBER, limits.allocation_amber_percent)
    )
    text = f"{worst_name} is allocated {worst}% today (> {limit}%)"
    if len(inputs.over_allocated) > 1:
        others = _plural(len(inputs.over_allocated) - 1, "other person", "other people")
        text += f"; {others} over {limits.allocation_amber_percent}%"
    return [Reason(rag, "resourcing", text)]


def risk_reasons(inputs: HealthInputs, limits: Thresholds) -> list[Reason]:
    if inputs.open_critical_risks:
        text = f"{_plural(inputs.open_critical_risks, 'open critical risk')} (residual score ≥ 20)"
        return [Reason(Rag.RED, "risk", text)]
    if inputs.open_high_risks:
        text = f"{_plural(inputs.open_high_risks, 'open high risk')} (residual score 10–16)"
        return [Reason(Rag.AMBER, "risk", text)]
    return []


def dependency_reasons(inputs: HealthInputs, limits: Thresholds) -> list[Reason]:
    reasons = []
    if inputs.blocked_inbound:
        text = f"{_inbound(inputs.blocked_inbound)} blocked"
        reasons.append(Reason(Rag.RED, "dependencies", text))
    if inputs.late_or_uncommitted_inbound:
        text = (
            f"{_inbound(inputs.late_or_uncommitted_inbound)} uncommitted "
            "or committed after the date needed"
        )
        reasons.append(Reason(Rag.AMBER, "dependencies", text))
    return reasons


def freshness_reasons(inputs: HealthInputs, limits: Thresholds, today: date) -> list[Reason]:
    if inputs.last_status_on is None:
        return [Reason(Rag.RED, "freshness", "no status report yet")]
    age = (today - inputs.last_status_on).days
    for rag, limit in ((Rag.RED, limits.status_red_days), (Rag.AMBER, limits.status_amber_days)):
        if age > limit:
            return [Reason(rag, "freshness", f"last status report is {age} days old (> {limit})")]
    return []


def assess(inputs: HealthInputs, *, today: date, limits: Thresholds | None = None) -> Health:
    """Computed health: the worst of the rules' reasons (Green when none fires)."""
    limits = limits or Thresholds()
    reasons = [
        *schedule_reasons(inputs, limits),
        *earned_schedule_reasons(inputs, limits),
        *cost_reasons(inputs, limits),
        *risk_reasons(inputs, limits),
        *dependency_reasons(inputs, limits),
        *resourcing_reasons(inputs, limits),
        *freshness_reasons(inputs, limits, today),
    ]
    reasons.sort(key=lambda reason: -reason.rag.severity)
    worst = reasons[0].rag if reasons else Rag.GREEN
    return Health(worst, tuple(reasons))
