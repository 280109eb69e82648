"""factory-boy factories for the programs domain, shared by the tests and the demo seeder.

Defaults are consistent: derived dates follow their parents (a project runs inside its program's
dates, a milestone inside its project's), and nothing violates a database constraint.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from programs import choices
from programs.models import (
    ActionItem,
    Allocation,
    BudgetLine,
    Dependency,
    FiscalPeriod,
    Milestone,
    Objective,
    Person,
    Program,
    ProgramStakeholder,
    Project,
    Retrospective,
    Stakeholder,
    StatusReport,
)

#: The reference date factories measure from (tests pass their own dates where it matters).
EPOCH = dt.date(2026, 1, 1)


class UserFactory(DjangoModelFactory[object]):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("tpmo-test-password")


class PersonFactory(DjangoModelFactory[Person]):
    class Meta:
        model = Person

    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"person{n}@example.com")
    role_title = "Technical Program Manager"
    career_level = choices.CareerLevel.SENIOR
    team = "Platform"


class ObjectiveFactory(DjangoModelFactory[Objective]):
    class Meta:
        model = Objective

    code = factory.Sequence(lambda n: f"OBJ-{n:02d}")
    title = factory.Sequence(lambda n: f"Strategic objective {n}")
    measure = "Share of customers on the new platform"
    unit = "%"
    baseline_value = Decimal("10")
    target_value = Decimal("80")
    start_date = EPOCH
    target_date = factory.LazyAttribute(lambda o: o.start_date + dt.timedelta(days=365))


class FiscalPeriodFactory(DjangoModelFactory[FiscalPeriod]):
    """Consecutive calendar quarters from EPOCH: FY26 Q1, FY26 Q2, …"""

    class Meta:
        model = FiscalPeriod

    class Params:
        index = factory.Sequence(lambda n: n)

    name = factory.LazyAttribute(
        lambda p: f"FY{(EPOCH.year + p.index // 4) % 100:02d} Q{p.index % 4 + 1}"
    )
    start_date = factory.LazyAttribute(
        lambda p: dt.date(EPOCH.year + p.index // 4, 3 * (p.index % 4) + 1, 1)
    )
    end_date = factory.LazyAttribute(
        lambda p: (
            dt.date(EPOCH.year + (p.index + 1) // 4, 3 * ((p.index + 1) % 4) + 1, 1)
            - dt.timedelta(days=1)
        )
    )


class ProgramFactory(DjangoModelFactory[Program]):
    class Meta:
        model = Program
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"PRG-{n:03d}")
    name = factory.Sequence(lambda n: f"Program {n}")
    description = "Deliver one business outcome across several teams."
    director = factory.SubFactory(
        PersonFactory, career_level=choices.CareerLevel.DIRECTOR, role_title="Director of TPM"
    )
    tpm = factory.SubFactory(PersonFactory)
    status = choices.ProgramStatus.ACTIVE
    priority = choices.Priority.P2
    start_date = EPOCH
    end_date = factory.LazyAttribute(lambda p: p.start_date + dt.timedelta(days=365))

    @factory.post_generation
    def objectives(self, create: bool, extracted: list[Objective] | None, **kwargs: object) -> None:
        if create and extracted:
            self.objectives.set(extracted)


class ProjectFactory(DjangoModelFactory[Project]):
    class Meta:
        model = Project

    program = factory.SubFactory(ProgramFactory)
    code = factory.Sequence(lambda n: f"PRJ-{n:04d}")
    name = factory.Sequence(lambda n: f"Project {n}")
    lead = factory.SubFactory(PersonFactory, role_title="Engineering manager", career_level="")
    status = choices.ProjectStatus.IN_PROGRESS
    baseline_start = factory.LazyAttribute(lambda p: p.program.start_date)
    baseline_end = factory.LazyAttribute(lambda p: p.baseline_start + dt.timedelta(days=180))
    forecast_start = factory.LazyAttribute(lambda p: p.baseline_start)
    forecast_end = factory.LazyAttribute(lambda p: p.baseline_end)
    actual_start = factory.LazyAttribute(lambda p: p.baseline_start)
    percent_complete = 40
    methodology = choices.Methodology.AGILE
    technology_readiness_level = 6


class MilestoneFactory(DjangoModelFactory[Milestone]):
    class Meta:
        model = Milestone

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"Milestone {n}")
    is_key = False
    baseline_date = factory.LazyAttribute(
        lambda m: m.project.baseline_start + dt.timedelta(days=60)
    )
    forecast_date = factory.LazyAttribute(lambda m: m.baseline_date)
    status = choices.MilestoneStatus.PLANNED


class DependencyFactory(DjangoModelFactory[Dependency]):
    class Meta:
        model = Dependency

    predecessor_project = factory.SubFactory(ProjectFactory)
    successor_project = factory.SubFactory(ProjectFactory)
    type = choices.DependencyType.FINISH_TO_START
    lag_days = 0
    status = choices.DependencyStatus.COMMITTED
    needed_by = factory.LazyAttribute(lambda d: d.successor_project.forecast_start)
    committed_date = factory.LazyAttribute(lambda d: d.predecessor_project.forecast_end)


class BudgetLineFactory(DjangoModelFactory[BudgetLine]):
    class Meta:
        model = BudgetLine

    project = factory.SubFactory(ProjectFactory)
    period = factory.SubFactory(FiscalPeriodFactory)
    category = choices.BudgetCategory.LABOUR
    planned = Decimal("100000.00")
    actual = Decimal("0.00")
    forecast = factory.LazyAttribute(lambda b: b.planned)


class AllocationFactory(DjangoModelFactory[Allocation]):
    class Meta:
        model = Allocation

    person = factory.SubFactory(PersonFactory, role_title="Software engineer", career_level="")
    project = factory.SubFactory(ProjectFactory)
    role = "Engineer"
    percent = 50
    start_date = factory.LazyAttribute(lambda a: a.project.baseline_start)
    end_date = factory.LazyAttribute(lambda a: a.project.baseline_end)


class StatusReportFactory(DjangoModelFactory[StatusReport]):
    class Meta:
        model = StatusReport

    program = factory.SubFactory(ProgramFactory)
    project = None
    report_date = factory.LazyAttribute(lambda r: r.program.start_date + dt.timedelta(days=7))
    overall = choices.Rag.GREEN
    schedule = choices.Rag.GREEN
    budget = choices.Rag.GREEN
    scope = choices.Rag.GREEN
    summary = "On track."
    stakeholder_satisfaction = 4
    author = factory.LazyAttribute(lambda r: r.program.tpm)


class StakeholderFactory(DjangoModelFactory[Stakeholder]):
    class Meta:
        model = Stakeholder

    name = factory.Faker("name")
    organisation = "Finance"
    email = factory.Sequence(lambda n: f"stakeholder{n}@example.com")
    influence = choices.Level.HIGH
    interest = choices.Level.MEDIUM


class ProgramStakeholderFactory(DjangoModelFactory[ProgramStakeholder]):
    class Meta:
        model = ProgramStakeholder

    program = factory.SubFactory(ProgramFactory)
    stakeholder = factory.SubFactory(StakeholderFactory)
    raci = choices.Raci.INFORMED
    update_cadence = choices.UpdateCadence.WEEKLY


class RetrospectiveFactory(DjangoModelFactory[Retrospective]):
    class Meta:
        model = Retrospective

    program = factory.SubFactory(ProgramFactory)
    project = None
    held_on = factory.LazyAttribute(lambda r: r.program.start_date + dt.timedelta(days=90))
    title = "Quarterly retrospective"
    went_well = "Cross-team planning."
    to_improve = "Earlier dependency commitments."


class ActionItemFactory(DjangoModelFactory[ActionItem]):
    class Meta:
        model = ActionItem

    retrospective = factory.SubFactory(RetrospectiveFactory)
    description = "Agree dependency dates at quarterly planning"
    owner = factory.LazyAttribute(lambda a: a.retrospective.program.tpm)
    due_date = factory.LazyAttribute(lambda a: a.retrospective.held_on + dt.timedelta(days=30))
    done = False
