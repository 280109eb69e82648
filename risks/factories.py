"""factory-boy factories for the RAID log, shared by the tests and the demo seeder."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from programs.factories import ProgramFactory
from risks import choices
from risks.models import Assumption, Decision, Issue, Risk


class RiskFactory(DjangoModelFactory[Risk]):
    class Meta:
        model = Risk
        skip_postgeneration_save = True

    program = factory.SubFactory(ProgramFactory)
    project = None
    title = factory.Sequence(lambda n: f"Risk {n}")
    cause = "The vendor API is new."
    event = "Its rate limits turn out lower than our peak load."
    effect = "Checkout fails at peak and the launch slips."
    category = choices.RiskCategory.TECHNICAL
    inherent_probability = 3
    inherent_impact = 4
    residual_probability = 2
    residual_impact = 3
    cost_impact = Decimal("50000.00")
    schedule_impact_days = 10
    owner = factory.LazyAttribute(lambda r: r.program.tpm)
    response = choices.RiskResponse.MITIGATE
    mitigation_plan = "Load-test the sandbox; negotiate a higher quota."
    identified_on = factory.LazyAttribute(lambda r: r.program.start_date)
    next_review_date = factory.LazyAttribute(lambda r: r.identified_on + dt.timedelta(days=14))
    status = choices.RiskStatus.ASSESSED


class IssueFactory(DjangoModelFactory[Issue]):
    class Meta:
        model = Issue

    program = factory.SubFactory(ProgramFactory)
    project = None
    title = factory.Sequence(lambda n: f"Issue {n}")
    description = "Build pipeline is down for the mobile team."
    severity = choices.Severity.HIGH
    status = choices.IssueStatus.OPEN
    owner = factory.LazyAttribute(lambda i: i.program.tpm)
    raised_on = factory.LazyAttribute(lambda i: i.program.start_date + dt.timedelta(days=30))


class DecisionFactory(DjangoModelFactory[Decision]):
    class Meta:
        model = Decision

    program = factory.SubFactory(ProgramFactory)
    project = None
    title = factory.Sequence(lambda n: f"Decision {n}")
    options_considered = "Build in-house; buy a managed service."
    outcome = "Buy a managed service."
    rationale = "Time to market."
    decided_by = factory.LazyAttribute(lambda d: d.program.director)
    decided_on = factory.LazyAttribute(lambda d: d.program.start_date + dt.timedelta(days=20))
    status = choices.DecisionStatus.DECIDED


class AssumptionFactory(DjangoModelFactory[Assumption]):
    class Meta:
        model = Assumption

    program = factory.SubFactory(ProgramFactory)
    project = None
    statement = factory.Sequence(lambda n: f"Assumption {n}: the platform team has capacity")
    owner = factory.LazyAttribute(lambda a: a.program.tpm)
    validate_by = factory.LazyAttribute(lambda a: a.program.start_date + dt.timedelta(days=45))
    status = choices.AssumptionStatus.UNVALIDATED
