"""Computed health (RAG) of a program or project, explained rule by rule.

Each rule looks at one dimension of plain data and, when it fires, gives a reason: its RAG and a
sentence naming the data ("Amber: key milestone 'Beta' forecast 9 days after baseline (> 5)").
The overall health is the worst reason, Green when no rule fires. Thresholds come from the
``TPMO_HEALTH`` setting (see ``Thresholds``); the data comes from ``tpmo.health_queries``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
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

    @classmethod
    def from_settings(cls) -> Thresholds:
        from django.conf import settings

        return cls(**getattr(settings, "TPMO_HEALTH", {}))


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
        )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


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
        *risk_reasons(inputs, limits),
        *dependency_reasons(inputs, limits),
        *freshness_reasons(inputs, limits, today),
    ]
    reasons.sort(key=lambda reason: -reason.rag.severity)
    worst = reasons[0].rag if reasons else Rag.GREEN
    return Health(worst, tuple(reasons))
