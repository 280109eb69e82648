"""Writes to the RAID log (validated, transactional, kept in history)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from risks.choices import AssumptionStatus, RiskCategory, RiskStatus, Severity
from risks.models import Assumption, Issue, Risk
from tpmo.history import save_with_history


@transaction.atomic
def risks_close(*, risks: Iterable[Risk], on: date, by: Any) -> int:
    """Close open risks on a date; returns how many changed. Closed or occurred risks are left."""
    changed = 0
    for risk in risks:
        if not risk.is_open:
            continue
        risk.status = RiskStatus.CLOSED
        risk.closed_on = on
        save_with_history(risk, by=by, reason="Closed")
        changed += 1
    return changed


@transaction.atomic
def risk_save(
    *, risk: Risk, by: Any, expected_version: int | None, milestones: Iterable[Any] | None = None
) -> Risk:
    """Create or change a risk (the form has set its fields); lost updates refused."""
    save_with_history(risk, by=by, expected_version=expected_version)
    if milestones is not None:
        risk.milestones.set(milestones)
    return risk


@transaction.atomic
def risk_review(
    *,
    risk: Risk,
    by: Any,
    expected_version: int | None,
    reviewed_on: date,
    next_review_date: date,
    residual_probability: int | None = None,
    residual_impact: int | None = None,
    status: str | None = None,
) -> Risk:
    """Record a review: when it happened, when the next is due, and optionally a new residual
    score or status. The change of score is kept in the risk's history (the score history)."""
    risk.last_reviewed_on = reviewed_on
    risk.next_review_date = next_review_date
    if residual_probability:
        risk.residual_probability = residual_probability
    if residual_impact:
        risk.residual_impact = residual_impact
    if status:
        risk.status = status
    save_with_history(risk, by=by, reason="Reviewed", expected_version=expected_version)
    return risk


@transaction.atomic
def risk_escalate(*, risk: Risk, by: Any, expected_version: int | None) -> Risk:
    """Raise a project risk to its program: the program now owns it."""
    risk.project = None
    save_with_history(
        risk, by=by, reason="Escalated to the program", expected_version=expected_version
    )
    return risk


@transaction.atomic
def risk_convert_to_issue(*, risk: Risk, by: Any, on: date, expected_version: int | None) -> Issue:
    """The risk happened: mark it occurred and open an issue that keeps the link to it."""
    if hasattr(risk, "resulting_issue"):
        raise ValidationError("This risk has already become an issue.")
    risk.status = RiskStatus.OCCURRED
    save_with_history(
        risk, by=by, reason="Occurred: became an issue", expected_version=expected_version
    )
    issue = Issue(
        program=risk.program,
        project=risk.project,
        title=risk.title,
        description=f"{risk.cause}\n{risk.event}\n{risk.effect}".strip(),
        severity=_severity_of(risk),
        owner=risk.owner,
        raised_on=on,
        source_risk=risk,
    )
    save_with_history(issue, by=by, reason="From an occurred risk")
    return issue


def _severity_of(risk: Risk) -> str:
    return {
        "critical": Severity.CRITICAL,
        "high": Severity.HIGH,
        "medium": Severity.MEDIUM,
        "low": Severity.LOW,
    }[risk.inherent_band.value]


@transaction.atomic
def assumption_check(
    *,
    assumption: Assumption,
    by: Any,
    expected_version: int | None,
    valid: bool,
    on: date,
    notes: str = "",
    raise_risk_titled: str = "",
) -> Risk | None:
    """Record whether an assumption held. An invalidated one may raise a risk, linked to it."""
    assumption.status = AssumptionStatus.VALIDATED if valid else AssumptionStatus.INVALIDATED
    assumption.validated_on = on
    if notes:
        assumption.notes = f"{assumption.notes}\n{notes}".strip()
    save_with_history(assumption, by=by, expected_version=expected_version)
    if valid or not raise_risk_titled:
        return None
    risk = Risk(
        program=assumption.program,
        project=assumption.project,
        title=raise_risk_titled,
        cause=f"Because the assumption '{assumption.statement}' turned out false,",
        event="the plan built on it may not hold,",
        effect="so dates, cost or scope may change.",
        category=RiskCategory.SCHEDULE,
        inherent_probability=3,
        inherent_impact=3,
        residual_probability=3,
        residual_impact=3,
        owner=assumption.owner,
        identified_on=on,
        next_review_date=on + timedelta(days=7),
        source_assumption=assumption,
    )
    save_with_history(risk, by=by, reason="Raised by an invalidated assumption")
    return risk
