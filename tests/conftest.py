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


def add_programs(count: int, **program_fields: Any) -> list[Program]:
    """``count`` more programs, each with a project and a milestone (grows data for query tests)."""
    programs = []
    for _ in range(count):
        project = pf.ProjectFactory(program=pf.ProgramFactory(**program_fields))
        pf.MilestoneFactory(project=project)
        programs.append(project.program)
    return programs
