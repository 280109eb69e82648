"""Query vocabulary of the programs domain, including the one place that decides object scope.

Every role reads the whole portfolio. Who may *change* what is decided here and only here:

* TPMO admins change everything;
* a director changes the programs they direct, and everything under them;
* a TPM changes the programs they own, and everything under them;
* viewers change nothing.

Records that hang under a program say how to reach it with ``program_path``; ``visible_to`` and
``editable_by`` then work the same for a program, a milestone or a risk.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import models
from django.db.models import F, Q

from tpmo.roles import Role, role_of


def _program_scope(user: Any, prefix: str) -> Q | None:
    """The filter selecting records under programs ``user`` may edit.

    ``None`` means every record; ``Q(pk__in=[])`` means none.
    """
    role = role_of(user)
    if role is Role.ADMIN:
        return None
    if role is Role.DIRECTOR:
        return Q(**{f"{prefix}director__user": user})
    if role is Role.TPM:
        return Q(**{f"{prefix}tpm__user": user})
    return Q(pk__in=[])


class ReferenceQuerySet(models.QuerySet):
    """Reference data (objectives, people, fiscal periods): read by all, kept by admins."""

    def among(self, relation: str) -> ReferenceQuerySet:
        """Those named by ``relation`` (people owning milestones, directing programs …), for a
        filter's choices: a semi-join rather than DISTINCT over a join, and only the name."""
        field = self.model._meta.get_field(relation)
        named = field.related_model._default_manager.values(field.field.attname)
        return self.filter(pk__in=named).only("pk", "name")

    def visible_to(self, user: Any) -> ReferenceQuerySet:
        return self.all() if role_of(user) else self.none()

    def editable_by(self, user: Any) -> ReferenceQuerySet:
        return self.all() if role_of(user) is Role.ADMIN else self.none()


class ProgramScopedQuerySet(models.QuerySet):
    """Records that belong to a program, directly or through a project."""

    #: Lookup path from this model to its Program ("" for Program itself).
    program_path: str = "program"

    @classmethod
    def _prefixes(cls) -> list[str]:
        return [f"{cls.program_path}__" if cls.program_path else ""]

    def visible_to(self, user: Any) -> ProgramScopedQuerySet:
        """Everything, for anyone holding a role; nothing for users without one."""
        return self.all() if role_of(user) else self.none()

    def editable_by(self, user: Any) -> ProgramScopedQuerySet:
        scopes = [_program_scope(user, prefix) for prefix in self._prefixes()]
        if any(scope is None for scope in scopes):
            return self.all()
        combined = Q(pk__in=[])
        for scope in scopes:
            combined |= scope  # type: ignore[operator]
        return self.filter(combined).distinct() if len(scopes) > 1 else self.filter(combined)


class ProgramQuerySet(ProgramScopedQuerySet):
    program_path = ""

    def active(self) -> ProgramQuerySet:
        from programs.choices import ProgramStatus

        return self.filter(status=ProgramStatus.ACTIVE)


class ProjectQuerySet(ProgramScopedQuerySet):
    program_path = "program"

    def open(self) -> ProjectQuerySet:
        from programs.choices import ProjectStatus

        return self.exclude(status__in=[ProjectStatus.COMPLETED, ProjectStatus.CANCELLED])


def milestone_open_q() -> Q:
    from programs.choices import MILESTONE_CLOSED

    return ~Q(status__in=sorted(MILESTONE_CLOSED))


def milestone_late_q(today: date) -> Q:
    """Late: not done, and the forecast (or today, when later) is past the baseline."""
    return milestone_open_q() & (
        Q(forecast_date__gt=F("baseline_date")) | Q(baseline_date__lt=today)
    )


class MilestoneQuerySet(ProgramScopedQuerySet):
    program_path = "project__program"

    def late(self, today: date) -> MilestoneQuerySet:
        return self.filter(milestone_late_q(today))

    def key(self) -> MilestoneQuerySet:
        return self.filter(is_key=True)

    def open(self) -> MilestoneQuerySet:
        return self.filter(milestone_open_q())


class ProjectChildQuerySet(ProgramScopedQuerySet):
    """Budget lines and allocations: they hang under a project."""

    program_path = "project__program"


#: A dependency in trouble: blocked, at risk, uncommitted, or committed after the date needed.
DEPENDENCY_TROUBLE = Q(status__in=["blocked", "at_risk", "requested"]) | Q(
    committed_date__gt=F("needed_by")
)


class DependencyQuerySet(ProgramScopedQuerySet):
    """A dependency may be changed by whoever may change either of its two programs."""

    @classmethod
    def _prefixes(cls) -> list[str]:
        return ["predecessor_project__program__", "successor_project__program__"]

    def live(self) -> DependencyQuerySet:
        """Dependencies that still bind dates (not cancelled)."""
        from programs.choices import DependencyStatus

        return self.exclude(status=DependencyStatus.CANCELLED)

    def open(self) -> DependencyQuerySet:
        """Dependencies still to deliver (neither delivered nor cancelled)."""
        from programs.choices import DependencyStatus

        return self.live().exclude(status=DependencyStatus.DELIVERED)

    def edges(self) -> list[tuple[tuple[int, int | None], tuple[int, int | None]]]:
        """Graph edges of the live dependencies, as plain node tuples, in one query."""
        rows = self.live().values_list(
            "predecessor_project_id",
            "predecessor_milestone_id",
            "successor_project_id",
            "successor_milestone_id",
        )
        return [((a, b), (c, d)) for a, b, c, d in rows]


class RetrospectiveActionQuerySet(ProgramScopedQuerySet):
    program_path = "retrospective__program"
