"""A worked portfolio with known KPI answers, as of 30 June 2026 over a 30-day window
(1–30 June); each figure's derivation is written beside it in the tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from programs import factories as pf
from risks import factories as rf

AS_OF = dt.date(2026, 6, 30)
WINDOW = 30


def d(month: int, day: int) -> dt.date:
    return dt.date(2026, month, day)


def _finished(program: Any, *, promised: dt.date, finished: dt.date, **fields: Any) -> Any:
    return pf.ProjectFactory(
        program=program,
        status="completed",
        baseline_start=d(1, 1),
        baseline_end=promised,
        forecast_end=finished,
        actual_end=finished,
        percent_complete=100,
        **fields,
    )


def _done(project: Any, *, baseline: dt.date, done: dt.date, warned: dt.date | None = None) -> Any:
    """A milestone done on ``done``; with ``warned``, its forecast moved past the baseline on
    that date first (a history version dated then)."""
    milestone = pf.MilestoneFactory(
        project=project, baseline_date=baseline, forecast_date=baseline if warned else done
    )
    if warned:
        milestone.forecast_date = done
        milestone._history_date = dt.datetime.combine(warned, dt.time(9), tzinfo=dt.UTC)
        milestone.save()
    milestone.actual_date = done
    milestone.status = "done"
    milestone._history_date = dt.datetime.combine(done, dt.time(17), tzinfo=dt.UTC)
    milestone.save()
    return milestone


@pytest.fixture
def worked(db: None) -> dict[str, Any]:
    objective = pf.ObjectiveFactory(code="OBJ-REL")
    pay = pf.ProgramFactory(code="PAY", start_date=d(1, 1), objectives=[objective])
    old = pf.ProgramFactory(code="OLD", start_date=d(1, 1), status="completed")
    quarter = pf.FiscalPeriodFactory(name="FY26 Q2", start_date=d(4, 1), end_date=d(6, 30))

    # Projects completed 1–30 June: P1 on time and 5 % over plan (successful), P2 a week late,
    # P3 early but 20 % over plan; P4 finished in May (outside the window).
    p1 = _finished(pay, code="PAY-01", promised=d(6, 10), finished=d(6, 10))
    _finished(pay, code="PAY-02", promised=d(6, 5), finished=d(6, 12))
    p3 = _finished(pay, code="PAY-03", promised=d(6, 20), finished=d(6, 15))
    _finished(pay, code="PAY-04", promised=d(5, 20), finished=d(5, 20))
    for project, actual in ((p1, 105), (p3, 120)):
        pf.BudgetLineFactory(
            project=project, period=quarter, planned=100, actual=actual, forecast=actual
        )

    # Milestones done in June: two on time, M3 late but warned 21 days ahead, M4 late and
    # unannounced (notice −5); M5 in May. OLD (a completed program) has one on time.
    work = pf.ProjectFactory(program=pay, code="PAY-05", baseline_start=d(1, 1))
    _done(work, baseline=d(6, 5), done=d(6, 3))
    _done(work, baseline=d(6, 10), done=d(6, 10))
    _done(work, baseline=d(6, 15), done=d(6, 20), warned=d(5, 25))
    _done(work, baseline=d(6, 20), done=d(6, 25))
    _done(work, baseline=d(5, 30), done=d(5, 30))
    _done(pf.ProjectFactory(program=old, baseline_start=d(1, 1)), baseline=d(6, 15), done=d(6, 15))

    # Risks open on 30 June: R1 (4×4 = 16, high; EMV 0.70 × 100,000) and R2 (2×3 = 6; closed
    # only in July; EMV 0.30 × 50,000). R3 closed in June; R4 identified in July.
    rf.RiskFactory(
        program=pay,
        identified_on=d(5, 1),
        residual_probability=4,
        residual_impact=4,
        cost_impact=Decimal(100_000),
    )
    rf.RiskFactory(program=pay, identified_on=d(5, 1), status="closed", closed_on=d(7, 10))
    rf.RiskFactory(program=pay, identified_on=d(5, 1), status="closed", closed_on=d(6, 15))
    rf.RiskFactory(program=pay, identified_on=d(7, 5))

    # Program reports: weeks (counted back from 30 June) 0, 1 and 3 of 4; satisfaction 4 and 5.
    pf.StatusReportFactory(program=pay, report_date=d(6, 29), stakeholder_satisfaction=4)
    pf.StatusReportFactory(program=pay, report_date=d(6, 22), stakeholder_satisfaction=5)
    pf.StatusReportFactory(program=pay, report_date=d(6, 8), stakeholder_satisfaction=None)

    # Actions due in June: one done early, one done late, one still open; one due in July.
    retro = pf.RetrospectiveFactory(program=pay, held_on=d(5, 20))
    pf.ActionItemFactory(retrospective=retro, due_date=d(6, 10), done=True, done_on=d(6, 9))
    pf.ActionItemFactory(retrospective=retro, due_date=d(6, 20), done=True, done_on=d(6, 25))
    pf.ActionItemFactory(retrospective=retro, due_date=d(6, 28))
    pf.ActionItemFactory(retrospective=retro, due_date=d(7, 5))
    return {"pay": pay, "old": old, "objective": objective, "quarter": quarter}
