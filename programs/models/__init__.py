"""The programs domain model (one module per concept; all importable from ``programs.models``)."""

from programs.models.delivery import Milestone, Program, Project
from programs.models.dependency import Dependency
from programs.models.finance import Allocation, BudgetLine
from programs.models.portfolio import FiscalPeriod, Objective, Person
from programs.models.reporting import (
    ActionItem,
    ProgramStakeholder,
    Retrospective,
    Stakeholder,
    StatusReport,
)

__all__ = [
    "ActionItem",
    "Allocation",
    "BudgetLine",
    "Dependency",
    "FiscalPeriod",
    "Milestone",
    "Objective",
    "Person",
    "Program",
    "ProgramStakeholder",
    "Project",
    "Retrospective",
    "Stakeholder",
    "StatusReport",
]
