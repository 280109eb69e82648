"""Invariants hold in the database (IntegrityError) and in validation (a message on the field)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from programs import factories as pf
from programs.models import BudgetLine, Milestone, Program, Project
from risks import factories as rf
from risks.models import Risk

D = dt.date

# (factory, field overrides breaking one invariant, the field the message is on, the message)
VIOLATIONS: list[tuple[Callable[..., Any], dict[str, Any], str, str]] = [
    (
        pf.ProgramFactory,
        {"start_date": D(2026, 5, 1), "end_date": D(2026, 4, 1)},
        "end_date",
        "A program cannot end before it starts.",
    ),
    (
        pf.ProjectFactory,
        {"baseline_start": D(2026, 5, 1), "baseline_end": D(2026, 4, 1)},
        "baseline_end",
        "The baseline end cannot be before the baseline start.",
    ),
    (
        pf.ProjectFactory,
        {"forecast_start": D(2026, 5, 1), "forecast_end": D(2026, 4, 1)},
        "forecast_end",
        "The forecast end cannot be before the forecast start.",
    ),
    (
        pf.ProjectFactory,
        {"percent_complete": 101},
        "percent_complete",
        "Ensure this value is less than or equal to 100.",
    ),
    (
        pf.ProjectFactory,
        {"technology_readiness_level": 10},
        "technology_readiness_level",
        "Ensure this value is less than or equal to 9.",
    ),
    (
        pf.ProjectFactory,
        {"status": "completed", "actual_end": None},
        "actual_end",
        "A completed project needs its actual end date.",
    ),
    (
        pf.MilestoneFactory,
        {"status": "done", "actual_date": None},
        "actual_date",
        "Give the date the milestone was reached to mark it done.",
    ),
    (
        pf.MilestoneFactory,
        {"status": "planned", "actual_date": D(2026, 3, 1)},
        "status",
        "A milestone with an actual date is done: set the status to Done.",
    ),
    (
        pf.BudgetLineFactory,
        {"planned": Decimal("-1.00")},
        "planned",
        "Ensure this value is greater than or equal to 0.",
    ),
    (
        pf.AllocationFactory,
        {"percent": 0},
        "percent",
        "Ensure this value is greater than or equal to 1.",
    ),
    (
        pf.AllocationFactory,
        {"start_date": D(2026, 5, 1), "end_date": D(2026, 4, 1)},
        "end_date",
        "An allocation cannot end before it starts.",
    ),
    (
        pf.StatusReportFactory,
        {"stakeholder_satisfaction": 6},
        "stakeholder_satisfaction",
        "Choose a level from 1 (lowest) to 5 (highest).",
    ),
    (
        pf.FiscalPeriodFactory,
        {"start_date": D(2026, 5, 1), "end_date": D(2026, 4, 1)},
        "end_date",
        "The period cannot end before it starts.",
    ),
    (
        pf.ActionItemFactory,
        {"done": True, "done_on": None},
        "done_on",
        "Give the date the action was done.",
    ),
    (
        rf.RiskFactory,
        {"inherent_probability": 6},
        "inherent_probability",
        "Choose a level from 1 (lowest) to 5 (highest).",
    ),
    (
        rf.RiskFactory,
        {"residual_impact": 0},
        "residual_impact",
        "Choose a level from 1 (lowest) to 5 (highest).",
    ),
    (
        rf.RiskFactory,
        {"cost_impact": Decimal("-5.00")},
        "cost_impact",
        "Ensure this value is greater than or equal to 0.",
    ),
    (
        rf.RiskFactory,
        {"identified_on": D(2026, 5, 1), "closed_on": D(2026, 4, 1), "status": "closed"},
        "closed_on",
        "A risk cannot be closed before it was identified.",
    ),
    (
        rf.DecisionFactory,
        {"decided_on": None},
        "decided_on",
        "Give the date of the decision.",
    ),
    (
        rf.AssumptionFactory,
        {"status": "validated", "validated_on": None},
        "validated_on",
        "Give the date it was checked.",
    ),
]


def _ids() -> list[str]:
    return [f"{factory._meta.model.__name__}-{field}" for factory, _, field, _ in VIOLATIONS]


@pytest.mark.django_db
@pytest.mark.parametrize(("factory", "overrides", "field", "message"), VIOLATIONS, ids=_ids())
def test_validation_puts_the_message_on_the_field(factory, overrides, field, message):
    instance = factory()
    before = {name: getattr(instance, name) for name in overrides}
    for name, value in overrides.items():
        setattr(instance, name, value)

    with pytest.raises(ValidationError) as raised:
        instance.full_clean()

    assert message in raised.value.message_dict[field]
    instance.refresh_from_db()
    assert {name: getattr(instance, name) for name in overrides} == before


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("factory", "overrides", "field", "message"), VIOLATIONS, ids=_ids())
def test_database_refuses_the_violation(factory, overrides, field, message):
    model = factory._meta.model
    before = model.objects.count()

    with pytest.raises(IntegrityError), transaction.atomic():
        factory(**overrides)

    assert model.objects.count() == before


@pytest.mark.django_db
def test_codes_are_unique():
    pf.ProgramFactory(code="PAY")

    with pytest.raises(ValidationError) as raised:
        pf.ProgramFactory.build(
            code="PAY", director=pf.PersonFactory(), tpm=pf.PersonFactory()
        ).full_clean()
    assert raised.value.message_dict["code"] == ["Program with this Code already exists."]

    with pytest.raises(IntegrityError), transaction.atomic():
        pf.ProgramFactory(code="PAY")
    assert Program.objects.count() == 1


@pytest.mark.django_db
def test_code_format_is_checked():
    program = pf.ProgramFactory.build(
        code="pay programme", director=pf.PersonFactory(), tpm=pf.PersonFactory()
    )

    with pytest.raises(ValidationError) as raised:
        program.full_clean()

    assert raised.value.message_dict["code"] == [
        "Use 2–24 capital letters, digits or hyphens, "
        "starting with a letter or digit (e.g. PAY-01)."
    ]


@pytest.mark.django_db
def test_milestone_names_are_unique_within_a_project():
    milestone = pf.MilestoneFactory(name="GA")
    duplicate = pf.MilestoneFactory.build(project=milestone.project, name="GA")

    with pytest.raises(ValidationError) as raised:
        duplicate.full_clean()

    assert raised.value.messages == ["This project already has a milestone with this name."]
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    assert Milestone.objects.count() == 1


@pytest.mark.django_db
def test_one_budget_line_per_project_period_and_category():
    line = pf.BudgetLineFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        pf.BudgetLineFactory(project=line.project, period=line.period, category=line.category)

    assert BudgetLine.objects.count() == 1


@pytest.mark.django_db
def test_one_status_report_per_program_and_date_but_projects_report_separately():
    report = pf.StatusReportFactory()
    project = pf.ProjectFactory(program=report.program)

    pf.StatusReportFactory(
        program=report.program, project=project, report_date=report.report_date
    )  # a project's report on the same date is a different report

    with pytest.raises(IntegrityError), transaction.atomic():
        pf.StatusReportFactory(program=report.program, report_date=report.report_date)
    assert report.program.programs_statusreports.count() == 2


@pytest.mark.django_db
def test_a_record_of_a_project_takes_the_projects_program_and_refuses_another():
    project = pf.ProjectFactory()
    elsewhere = pf.ProgramFactory()

    risk = rf.RiskFactory.build(program=elsewhere, project=project)
    with pytest.raises(ValidationError) as raised:
        risk.full_clean()
    assert raised.value.message_dict["project"] == [
        f"Project {project.code} is not part of program {elsewhere}."
    ]

    saved = rf.RiskFactory.build(
        program=None, project=project, owner=project.lead, identified_on=project.baseline_start
    )
    saved.save()
    assert Risk.objects.get().program_id == project.program_id


@pytest.mark.django_db
def test_fiscal_periods_do_not_overlap():
    first = pf.FiscalPeriodFactory(
        start_date=D(2026, 1, 1), end_date=D(2026, 3, 31), name="FY26 Q1"
    )
    overlapping = pf.FiscalPeriodFactory.build(
        name="Odd", start_date=D(2026, 3, 1), end_date=D(2026, 5, 31)
    )

    with pytest.raises(ValidationError) as raised:
        overlapping.full_clean()

    assert raised.value.message_dict["start_date"] == [
        f"This period overlaps {first.name} (2026-01-01 – 2026-03-31)."
    ]


@pytest.mark.django_db
def test_money_round_trips_exactly_at_the_largest_amount():
    largest = Decimal("9999999999999.99")
    line = pf.BudgetLineFactory(
        planned=largest, actual=Decimal("0.01"), forecast=Decimal("1234567890123.45")
    )

    line.refresh_from_db()

    assert (line.planned, line.actual, line.forecast) == (
        largest,
        Decimal("0.01"),
        Decimal("1234567890123.45"),
    )


@pytest.mark.django_db
def test_slip_and_lateness_of_a_milestone():
    milestone = pf.MilestoneFactory.build(
        project=Project(), baseline_date=D(2026, 3, 1), forecast_date=D(2026, 3, 10)
    )

    assert milestone.slip_days == 9
    assert milestone.is_late(today=D(2026, 2, 1)) is True  # forecast past baseline
    milestone.forecast_date = D(2026, 3, 1)
    assert milestone.is_late(today=D(2026, 2, 28)) is False
    assert milestone.is_late(today=D(2026, 3, 2)) is True  # today past baseline, not done
    milestone.status, milestone.actual_date = "done", D(2026, 3, 1)
    assert milestone.is_late(today=D(2026, 4, 1)) is False
    assert milestone.on_time is True
