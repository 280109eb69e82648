"""Computed health: each rule, its thresholds, its sentence; and the data feeding it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

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


@pytest.mark.parametrize(
    ("cpi", "expected"),
    [
        ("0.95", ()),
        ("0.94", (Reason(Rag.AMBER, "cost", "CPI 0.94 (< 0.95)"),)),
        ("0.90", (Reason(Rag.AMBER, "cost", "CPI 0.90 (< 0.95)"),)),
        ("0.899", (Reason(Rag.RED, "cost", "CPI 0.899 (< 0.90)"),)),  # never "0.90 (< 0.90)"
        ("0.8999", (Reason(Rag.RED, "cost", "CPI 0.899 (< 0.90)"),)),
        ("0.948", (Reason(Rag.AMBER, "cost", "CPI 0.948 (< 0.95)"),)),
        (None, ()),
    ],
)
def test_cost_performance_thresholds(cpi, expected):
    inputs = HealthInputs(cpi=None if cpi is None else Decimal(cpi), last_status_on=FRESH)

    assert assess(inputs, today=TODAY).reasons == expected


@pytest.mark.parametrize(
    ("vac", "expected"),
    [
        ("-50000", ()),  # exactly 5 % of 1,000,000: not above
        (
            "-50001",
            (
                Reason(
                    Rag.AMBER,
                    "cost",
                    "forecast overrun at completion 50,001 = 5% of the 1,000,000 budget (> 5%)",
                ),
            ),
        ),
        (
            "-100001",
            (
                Reason(
                    Rag.RED,
                    "cost",
                    "forecast overrun at completion 100,001 = 10% of the 1,000,000 budget (> 10%)",
                ),
            ),
        ),
        ("20000", ()),  # under budget
    ],
)
def test_variance_at_completion_thresholds(vac, expected):
    inputs = HealthInputs(bac=Decimal(1_000_000), vac=Decimal(vac), last_status_on=FRESH)

    assert assess(inputs, today=TODAY).reasons == expected


@pytest.mark.parametrize(
    ("spi_t", "behind", "expected"),
    [
        ("0.95", -5, ()),
        (
            "0.94",
            -6,
            (
                Reason(
                    Rag.AMBER,
                    "schedule",
                    "SPI(t) 0.94 (< 0.95): the work done was planned 6 days earlier",
                ),
            ),
        ),
        (
            "0.89",
            -11,
            (
                Reason(
                    Rag.RED,
                    "schedule",
                    "SPI(t) 0.89 (< 0.90): the work done was planned 11 days earlier",
                ),
            ),
        ),
    ],
)
def test_earned_schedule_thresholds(spi_t, behind, expected):
    inputs = HealthInputs(spi_t=Decimal(spi_t), sv_t_days=behind, last_status_on=FRESH)

    assert assess(inputs, today=TODAY).reasons == expected


@pytest.mark.parametrize(
    ("people", "expected"),
    [
        ((), ()),
        (
            (("Ada", 110),),
            (Reason(Rag.AMBER, "resourcing", "Ada is allocated 110% today (> 100%)"),),
        ),
        (
            (("Ada", 150), ("Bo", 120)),
            (
                Reason(
                    Rag.AMBER,
                    "resourcing",
                    "Ada is allocated 150% today (> 100%); 1 other person over 100%",
                ),
            ),
        ),
        (
            (("Ada", 120), ("Bo", 160), ("Cy", 130)),
            (
                Reason(
                    Rag.RED,
                    "resourcing",
                    "Bo is allocated 160% today (> 150%); 2 other people over 100%",
                ),
            ),
        ),
    ],
)
def test_resourcing_thresholds(people, expected):
    inputs = HealthInputs(over_allocated=people, last_status_on=FRESH)

    assert assess(inputs, today=TODAY).reasons == expected


def test_index_thresholds_from_settings_accept_numbers(settings):
    settings.TPMO_HEALTH = {"index_red": 0.8, "allocation_red_percent": 120}

    limits = Thresholds.from_settings()

    assert limits.index_red == Decimal("0.8")
    assert limits.allocation_red_percent == 120


@pytest.mark.django_db
def test_the_money_and_people_behind_health():
    """BAC 200,000 over two quarters; 40 % complete → EV 80,000; AC 100,000 → CPI 0.80,
    EAC 250,000, VAC −50,000. At 1 June (day 62 of 91 of Q2) PV = 100,000 + 100,000 × 62/91 =
    168,131.87. ES: EV 80,000 is 0.8 of Q1's 90 days = day 72 (13 March), 71 days after the
    start; AT = 151 days (1 Jan → 1 Jun) → SPI(t) 71/151 = 0.470, SV(t) = −80 days."""
    program = pf.ProgramFactory(code="PAY")
    project = pf.ProjectFactory(program=program, code="PAY-01", percent_complete=40)
    q1 = pf.FiscalPeriodFactory(
        name="Q1", start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 3, 31)
    )
    q2 = pf.FiscalPeriodFactory(
        name="Q2", start_date=dt.date(2026, 4, 1), end_date=dt.date(2026, 6, 30)
    )
    for period, actual in ((q1, 70_000), (q2, 30_000)):
        pf.BudgetLineFactory(
            project=project, period=period, planned=100_000, actual=actual, forecast=100_000
        )
    ada = pf.PersonFactory(name="Ada")
    bo = pf.PersonFactory(name="Bo")
    for person, percent in ((ada, 80), (bo, 100)):
        pf.AllocationFactory(
            person=person,
            project=project,
            percent=percent,
            start_date=dt.date(2026, 1, 1),
            end_date=dt.date(2026, 12, 31),
        )
    pf.AllocationFactory(  # Ada's other work: 80 + 40 = 120 % today
        person=ada, percent=40, start_date=dt.date(2026, 5, 1), end_date=dt.date(2026, 6, 30)
    )
    pf.AllocationFactory(  # Bo's ended work does not count today
        person=bo, percent=50, start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 5, 31)
    )

    (row,) = attach_health([Program.objects.get(code="PAY")], today=TODAY)

    inputs = HealthInputs.from_row(row)
    assert row.earned_value.pv == Decimal("168131.87")
    assert (inputs.bac, inputs.cpi, inputs.vac) == (
        Decimal("200000.00"),
        Decimal("0.800"),
        Decimal("-50000.00"),
    )
    assert (inputs.spi_t, inputs.sv_t_days) == (Decimal("0.470"), -80)
    assert inputs.over_allocated == (("Ada", 120),)
    assert [str(reason) for reason in assess(inputs, today=TODAY).reasons] == [
        "Red: SPI(t) 0.47 (< 0.90): the work done was planned 80 days earlier",
        "Red: CPI 0.80 (< 0.90)",
        "Red: forecast overrun at completion 50,000 = 25% of the 200,000 budget (> 10%)",
        "Red: no status report yet",
        "Amber: Ada is allocated 120% today (> 100%)",
    ]
