"""Shared fixtures: a user for each role, and a small portfolio touching every model."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group

from programs import factories as pf
from programs.models import Person, Program
from risks import factories as rf
from tpmo.roles import Role

AS_OF = dt.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def _fresh_results() -> None:
    """Each test starts with no remembered result: rolled-back data can repeat a data state."""
    from tpmo.datastate import forget

    forget()


@pytest.fixture
def make_user(db: None) -> Callable[..., Any]:
    """make_user(role, username=…, person=…): a user holding ``role``, optionally acting as a
    person (which links the person's account)."""

    def make(role: Role | None, username: str | None = None, person: Person | None = None) -> Any:
        user = pf.UserFactory(
            username=username or (role.name.lower() if role else "nobody"),
            is_staff=role is Role.ADMIN,
        )
        if role is not None:
            user.groups.add(Group.objects.get(name=role.value))
        if person is not None:
            person.user = user
            person.save()
        return user

    return make


@pytest.fixture
def portfolio(db: None) -> dict[str, Any]:
    """One record of every model, wired together: two programs, a cross-program dependency."""
    objective = pf.ObjectiveFactory()
    period = pf.FiscalPeriodFactory()
    program = pf.ProgramFactory(code="PAY", name="Payments", objectives=[objective])
    other = pf.ProgramFactory(code="CHK", name="Checkout")
    project = pf.ProjectFactory(program=program, code="PAY-01")
    other_project = pf.ProjectFactory(program=other, code="CHK-01")
    milestone = pf.MilestoneFactory(project=project, name="Beta", is_key=True)
    dependency = pf.DependencyFactory(
        predecessor_project=project,
        predecessor_milestone=milestone,
        successor_project=other_project,
    )
    retro = pf.RetrospectiveFactory(program=program)
    stakeholder_role = pf.ProgramStakeholderFactory(program=program)
    risk = rf.RiskFactory(program=program, project=project)
    return {
        "objective": objective,
        "period": period,
        "program": program,
        "other_program": other,
        "project": project,
        "other_project": other_project,
        "milestone": milestone,
        "dependency": dependency,
        "budget_line": pf.BudgetLineFactory(project=project, period=period),
        "allocation": pf.AllocationFactory(project=project),
        "status_report": pf.StatusReportFactory(program=program),
        "stakeholder_role": stakeholder_role,
        "stakeholder": stakeholder_role.stakeholder,
        "retrospective": retro,
        "action_item": pf.ActionItemFactory(retrospective=retro),
        "risk": risk,
        "issue": rf.IssueFactory(program=program, source_risk=None),
        "decision": rf.DecisionFactory(program=program),
        "assumption": rf.AssumptionFactory(program=program),
        "person": program.tpm,
    }


@pytest.fixture
def user_for(make_user: Callable[..., Any], portfolio: dict[str, Any]) -> Callable[..., Any]:
    """user_for(role): a user of that role placed in the portfolio — the TPM owns PAY, the
    director directs CHK (not PAY), the admin and the viewer act as nobody in particular."""

    def make(role: Role | None) -> Any:
        if role is Role.TPM:
            return make_user(role, person=portfolio["program"].tpm)
        if role is Role.DIRECTOR:
            return make_user(role, person=portfolio["other_program"].director)
        return make_user(role)

    return make


def grow_portfolio(count: int, **program_fields: Any) -> list[Program]:
    """``count`` more fully populated programs (projects, milestones, a cross-program dependency,
    risks, status, budget, people, stakeholders, a retrospective with an open action), so that
    query-count tests can show that a page's queries do not grow with the data."""
    programs: list[Program] = []
    previous = None
    for _ in range(count):
        program = pf.ProgramFactory(**program_fields)
        for number in range(2):
            project = pf.ProjectFactory(program=program)
            key = pf.MilestoneFactory(
                project=project,
                is_key=True,
                forecast_date=project.baseline_start + dt.timedelta(days=80),
            )
            pf.MilestoneFactory(project=project)
            pf.BudgetLineFactory(project=project, period=pf.FiscalPeriodFactory())
            pf.AllocationFactory(project=project)
            rf.RiskFactory(
                program=program, project=project, residual_probability=5, residual_impact=4
            )
            pf.StatusReportFactory(program=program, project=project)
            if previous is not None and number == 0:
                pf.DependencyFactory(
                    predecessor_project=previous,
                    successor_project=project,
                    successor_milestone=key,
                    status="requested",
                    committed_date=None,
                )
            previous = project
        pf.StatusReportFactory(program=program)
        pf.ProgramStakeholderFactory(program=program)
        retro = pf.RetrospectiveFactory(program=program)
        pf.ActionItemFactory(retrospective=retro, owner=program.tpm)
        programs.append(program)
    return programs
