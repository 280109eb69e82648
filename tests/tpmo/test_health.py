"""Computed health: each rule, its thresholds, its sentence; and the data feeding it."""

from __future__ import annotations

import datetime as dt

import pytest

from programs import factories as pf
from programs.models import Program, Project
from risks import factories as rf
from tpmo.health import Health, HealthInputs, Rag, Reason, Thresholds, assess
from tpmo.health_queries import attach_health, health_of, reported_of

TODAY = dt.date(2026, 6, 1)
FRESH = TODAY - dt.timedelta(days=2)


def test_no_rule_fires_on_a_healthy_program():
    assert assess(HealthInputs(last_status_on=FRESH), today=TODAY) == Health(Rag.GREEN, ())


@pytest.mark.parametrize(
    ("slip", "expected"),
    [
        (5, ()),
        (
            6,
            (
                Reason(
                    Rag.AMBER, "schedule", "key milestone 'GA' is 6 days past its baseline (> 5)"
                ),
            ),
        ),
        (
            20,
            (
                Reason(
                    Rag.AMBER, "schedule", "key milestone 'GA' is 20 days past its baseline (> 5)"
                ),
            ),
        ),
        (
            21,
            (
                Reason(
                    Rag.RED, "schedule", "key milestone 'GA' is 21 days past its baseline (> 20)"
                ),
            ),
        ),
    ],
)
def test_schedule_thresholds(slip, expected):
    inputs = HealthInputs(worst_slip_days=slip, worst_slip_milestone="GA", last_status_on=FRESH)

    assert assess(inputs, today=TODAY).reasons == expected


def test_every_rule_explains_itself_and_the_worst_wins():
    inputs = HealthInputs(
        worst_slip_days=9,
        worst_slip_milestone="GA",
        open_critical_risks=1,
        open_high_risks=3,
        blocked_inbound=2,
        late_or_uncommitted_inbound=1,
        last_status_on=TODAY - dt.timedelta(days=8),
    )

    health = assess(inputs, today=TODAY)

    assert health.rag is Rag.RED
    assert [str(reason) for reason in health.reasons] == [
        "Red: 1 open critical risk (residual score ≥ 20)",
        "Red: 2 inbound dependencies blocked",
        "Amber: key milestone 'GA' is 9 days past its baseline (> 5)",
        "Amber: 1 inbound dependency uncommitted or committed after the date needed",
        "Amber: last status report is 8 days old (> 7)",
    ]


def test_freshness_and_custom_thresholds():
    limits = Thresholds(status_amber_days=3, status_red_days=5)

    assert assess(HealthInputs(last_status_on=None), today=TODAY).reasons == (
        Reason(Rag.RED, "freshness", "no status report yet"),
    )
    assert assess(
        HealthInputs(last_status_on=TODAY - dt.timedelta(days=6)), today=TODAY, limits=limits
    ).reasons == (Reason(Rag.RED, "freshness", "last status report is 6 days old (> 5)"),)


def test_thresholds_come_from_settings(settings):
    settings.TPMO_HEALTH = {"slip_amber_days": 1}

    assert Thresholds.from_settings() == Thresholds(slip_amber_days=1)


@pytest.mark.django_db
def test_the_data_behind_program_and_project_health():
    program = pf.ProgramFactory(code="PAY")
    project = pf.ProjectFactory(program=program, code="PAY-01")
    other = pf.ProjectFactory(code="CHK-01")
    pf.MilestoneFactory(  # forecast passed and not done: today counts, 31 days, not 19
        project=project,
        name="GA",
        is_key=True,
        baseline_date=dt.date(2026, 5, 1),
        forecast_date=dt.date(2026, 5, 20),
    )
    pf.MilestoneFactory(  # not key: ignored
        project=project,
        name="Alpha",
        baseline_date=dt.date(2026, 3, 1),
        forecast_date=dt.date(2026, 9, 1),
    )
    pf.MilestoneFactory(  # 11 days by its forecast
        project=project,
        name="Beta",
        is_key=True,
        baseline_date=dt.date(2026, 5, 25),
        forecast_date=dt.date(2026, 6, 5),
    )
    rf.RiskFactory(program=program, project=project, residual_probability=4, residual_impact=5)
    rf.RiskFactory(program=program, residual_probability=3, residual_impact=4)
    rf.RiskFactory(
        program=program,
        residual_probability=5,
        residual_impact=5,
        status="closed",
        closed_on=dt.date(2026, 5, 1),
    )
    pf.DependencyFactory(predecessor_project=other, successor_project=project, status="blocked")
    pf.DependencyFactory(
        predecessor_project=other,
        successor_project=project,
        successor_milestone=pf.MilestoneFactory(project=project, name="X"),
        status="requested",
        committed_date=None,
    )
    pf.StatusReportFactory(program=program, report_date=dt.date(2026, 5, 25), overall="green")
    pf.StatusReportFactory(program=program, report_date=dt.date(2026, 5, 18), overall="red")

    (row,) = attach_health([Program.objects.get(code="PAY")], today=TODAY)
    (project_row,) = attach_health([Project.objects.get(code="PAY-01")], today=TODAY)

    assert HealthInputs.from_row(row) == HealthInputs(
        worst_slip_days=31,
        worst_slip_milestone="GA",
        open_critical_risks=1,
        open_high_risks=1,
        blocked_inbound=1,
        late_or_uncommitted_inbound=1,
        last_status_on=dt.date(2026, 5, 25),
    )
    assert reported_of(row) is Rag.GREEN
    assert health_of(row, today=TODAY).rag is Rag.RED  # the watermelon: reported green
    assert HealthInputs.from_row(project_row) == HealthInputs(
        worst_slip_days=31,
        worst_slip_milestone="GA",
        open_critical_risks=1,
        open_high_risks=0,
        blocked_inbound=1,
        late_or_uncommitted_inbound=1,
        last_status_on=None,
    )
