"""Read use-cases of the programs domain, scoped to the user and with their joins done."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from programs.models import Milestone, Program, Project
from tpmo.roles import Role, role_of


def my_programs(user: Any) -> QuerySet[Program]:
    """The programs a user looks after: owned (TPM), directed (director); admins and viewers see
    every active program. Each row carries its TPM, director and number of open projects."""
    role = role_of(user)
    programs = Program.objects.visible_to(user)
    if role is Role.TPM:
        programs = programs.filter(tpm__user=user)
    elif role is Role.DIRECTOR:
        programs = programs.filter(director__user=user)
    else:
        programs = programs.active()
    return (
        programs.select_related("tpm", "director")
        .annotate(
            open_projects=Count(
                "projects", filter=~Q(projects__status__in=["completed", "cancelled"])
            )
        )
        .order_by("priority", "code")
    )


@dataclass(frozen=True)
class PortfolioSize:
    programs: int
    projects: int
    milestones: int


def portfolio_size(user: Any) -> PortfolioSize:
    """How much of the portfolio the user can see, in three counts."""
    return PortfolioSize(
        programs=Program.objects.visible_to(user).count(),
        projects=Project.objects.visible_to(user).count(),
        milestones=Milestone.objects.visible_to(user).count(),
    )
