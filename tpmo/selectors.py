"""Read use-cases that span programs and the RAID log: the home panels, program and project pages.

Every selector issues a fixed number of queries whatever the portfolio's size: lists are cut to a
panel's length and counted in SQL, health comes from ``tpmo.health_queries`` annotations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import (
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Max,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.shortcuts import get_object_or_404

from programs.choices import MILESTONE_CLOSED
from programs.models import (
    ActionItem,
    BudgetLine,
    Dependency,
    Milestone,
    Program,
    ProgramStakeholder,
    Project,
    Retrospective,
    StatusReport,
)
from programs.money import BudgetPanel, budget_panel
from programs.querysets import DEPENDENCY_TROUBLE, milestone_late_q, milestone_open_q
from programs.trend import TrendAnalysis, milestone_trend
from risks.models import Assumption, Decision, Issue, Risk
from risks.scoring import HIGH_MIN_SCORE
from risks.selectors import HeatMap, heat_map
from tpmo.health import Health, Rag, Thresholds
from tpmo.health_queries import (
    attach_health,
    health_of,
    reported_of,
    with_health_in_order,
    with_reported,
)
from tpmo.history import recent_changes
from tpmo.roles import Role, role_of

PANEL_LIMIT = 15
DUE_WITHIN_DAYS = 30
DEPENDENCY_PANEL_LIMIT = 10  # each way, on a program or project page

DEPENDENCY_JOINS = (
    "predecessor_project__program",
    "predecessor_milestone",
    "successor_project__program",
    "successor_milestone",
    "owner",
)


@dataclass(frozen=True)
class Panel:
    """The first rows of a list and how many there are in all."""

    rows: list[Any]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.rows)

    @classmethod
    def of(cls, queryset: QuerySet[Any], limit: int = PANEL_LIMIT) -> Panel:
        return cls(rows=list(queryset[:limit]), total=queryset.count())


@dataclass
class HealthRow:
    """A program or project with its reported and computed health."""

    obj: Any
    health: Health
    reported: Rag | None

    @classmethod
    def of(cls, row: Any, *, today: date, limits: Thresholds | None = None) -> HealthRow:
        """``row`` must have been through ``attach_health``."""
        limits = limits or Thresholds.from_settings()
        return cls(row, health_of(row, today=today, limits=limits), reported_of(row))

    @property
    def watermelon(self) -> bool:
        """Reported better than computed red: the owner says fine, the data says otherwise."""
        return self.health.rag is Rag.RED and self.reported in (Rag.GREEN, Rag.AMBER)


def health_rows(queryset: QuerySet[Any], *, today: date) -> list[HealthRow]:
    """Rows of ``queryset`` with their health."""
    return health_rows_of(attach_health(list(queryset), today=today), today=today)


def health_rows_of(rows: Iterable[Any], *, today: date) -> list[HealthRow]:
    """Rows already prepared by ``attach_health`` (a page, a panel)."""
    limits = Thresholds.from_settings()
    return [HealthRow.of(row, today=today, limits=limits) for row in rows]


# -- home ------------------------------------------------------------------------------------


def programs_in_scope(user: Any) -> QuerySet[Program]:
    """The programs a home page is about: a TPM's own; the whole portfolio for other roles."""
    programs = Program.objects.visible_to(user)
    if role_of(user) is Role.TPM:
        programs = programs.filter(tpm__user=user)
    return programs


def panel_programs(user: Any, today: date) -> Panel:
    programs = programs_in_scope(user).order_by("priority", "code")
    ids = list(programs.values_list("pk", flat=True)[:PANEL_LIMIT])
    shown = with_health_in_order(
        Program.objects.select_related("tpm", "director"), ids, today=today
    )
    return Panel(rows=health_rows_of(shown, today=today), total=programs.count())


def _open_milestones(user: Any) -> QuerySet[Milestone]:
    return (
        Milestone.objects.open()
        .filter(project__program__in=programs_in_scope(user))
        .select_related("project__program", "owner")
        .order_by("forecast_date", "pk")
    )


def panel_due(user: Any, today: date) -> Panel:
    due = today + timedelta(days=DUE_WITHIN_DAYS)
    return Panel.of(_open_milestones(user).filter(forecast_date__range=(today, due)))


def panel_overdue(user: Any, today: date) -> Panel:
    return Panel.of(_open_milestones(user).filter(forecast_date__lt=today))


def panel_risks(user: Any, today: date) -> Panel:
    risks = (
        Risk.objects.open()
        .with_scores()
        .filter(program__in=programs_in_scope(user), residual_points__gte=HIGH_MIN_SCORE)
        .select_related("program", "project", "owner")
        .order_by("-residual_points", "-cost_impact", "pk")
    )
    return Panel.of(risks)


def panel_waiting(user: Any, today: date) -> Panel:
    """Dependencies the user's programs wait on that are blocked, at risk, late or uncommitted."""
    waiting = (
        Dependency.objects.open()
        .filter(successor_project__program__in=programs_in_scope(user))
        .filter(DEPENDENCY_TROUBLE)
        .select_related(*DEPENDENCY_JOINS)
        .order_by("needed_by", "pk")
    )
    return Panel.of(waiting)


def panel_stale(user: Any, today: date) -> Panel:
    """Programs whose last status report is older than the freshness limit (or missing)."""
    limit = Thresholds.from_settings().status_amber_days
    stale = (
        with_reported(programs_in_scope(user).active())
        .filter(
            Q(last_status_on__lt=today - timedelta(days=limit)) | Q(last_status_on__isnull=True)
        )
        .select_related("tpm")
        .order_by("last_status_on", "code")
    )
    return Panel.of(stale)


def panel_actions(user: Any, today: date) -> Panel:
    """The user's own open retrospective actions, until they are done."""
    actions = (
        ActionItem.objects.filter(owner__user=user, done=False)
        .select_related("retrospective__program", "retrospective__project")
        .order_by("due_date", "pk")
    )
    return Panel.of(actions)


PANELS: dict[str, Callable[[Any, date], Panel]] = {
    "programs": panel_programs,
    "due": panel_due,
    "overdue": panel_overdue,
    "risks": panel_risks,
    "waiting": panel_waiting,
    "stale": panel_stale,
    "actions": panel_actions,
}


# -- program and project pages ------------------------------------------------------------------


def _retrospectives(queryset: QuerySet[Retrospective]) -> list[Retrospective]:
    actions = ActionItem.objects.select_related("owner").order_by("done", "due_date", "pk")
    return list(
        queryset.select_related("project", "facilitator")
        .prefetch_related(Prefetch("action_items", queryset=actions))
        .order_by("-held_on", "-pk")[:5]
    )


def _open_dependencies(dependencies: QuerySet[Dependency]) -> Panel:
    """The dependencies still to deliver, those in trouble first (blocked, at risk, uncommitted,
    or committed after the date needed), then by the date needed. Delivered and cancelled ones
    are on the program's dependency page."""
    return Panel.of(
        dependencies.open()
        .select_related(*DEPENDENCY_JOINS)
        .annotate(calm=Case(When(DEPENDENCY_TROUBLE, then=Value(0)), default=Value(1)))
        .order_by("calm", "needed_by", "pk"),
        limit=DEPENDENCY_PANEL_LIMIT,
    )


def _top_risks(risks: QuerySet[Risk]) -> Panel:
    return Panel.of(
        risks.open()
        .with_scores()
        .select_related("project", "owner")
        .order_by("-residual_points", "-cost_impact", "pk"),
        limit=5,
    )


@dataclass(frozen=True)
class Raid:
    """The RAID log of a program or project, all four together."""

    heat_map: HeatMap
    issues: Panel
    decisions: Panel
    assumptions: Panel


def raid_of(**scope: Any) -> Raid:
    return Raid(
        heat_map=heat_map(Risk.objects.filter(**scope)),
        issues=Panel.of(
            Issue.objects.filter(**scope)
            .exclude(status__in=["resolved", "closed"])
            .select_related("owner")
            .order_by("due_date", "pk"),
            limit=5,
        ),
        decisions=Panel.of(
            Decision.objects.filter(**scope)
            .select_related("decided_by")
            .order_by("-decided_on", "-pk"),
            limit=5,
        ),
        assumptions=Panel.of(
            Assumption.objects.filter(**scope, status="unvalidated")
            .select_related("owner")
            .order_by("validate_by", "pk"),
            limit=5,
        ),
    )


@dataclass
class ProgramPage:
    program: HealthRow
    projects: list[HealthRow]
    key_milestones: list[Milestone]  # still open, soonest first
    key_closed: int  # key milestones done or cancelled (on the milestone list)
    inbound: Panel  # open dependencies only, those in trouble first
    outbound: Panel
    risks: Panel
    budget: BudgetPanel
    reports: list[StatusReport]
    stakeholders: list[ProgramStakeholder]
    retrospectives: list[Retrospective]
    raid: Raid
    trend: TrendAnalysis
    can_edit: bool
    history: list[tuple[Any, list[Any]]]


def program_page(code: str, user: Any, today: date) -> ProgramPage:
    programs = Program.objects.visible_to(user).select_related("tpm", "director")
    program = get_object_or_404(programs.prefetch_related("objectives"), code=code)
    attach_health([program], today=today)
    key_milestones = list(
        Milestone.objects.filter(project__program=program, is_key=True)
        .select_related("project", "owner")
        .order_by("forecast_date", "pk")
    )
    still_open = [m for m in key_milestones if m.status not in MILESTONE_CLOSED]
    return ProgramPage(
        program=HealthRow.of(program, today=today),
        projects=health_rows(program.projects.select_related("lead").order_by("code"), today=today),
        key_milestones=still_open,
        key_closed=len(key_milestones) - len(still_open),
        inbound=_open_dependencies(Dependency.objects.filter(successor_project__program=program)),
        outbound=_open_dependencies(
            Dependency.objects.filter(predecessor_project__program=program)
        ),
        risks=_top_risks(Risk.objects.filter(program=program)),
        budget=budget_panel(
            BudgetLine.objects.filter(project__program=program),
            as_of=today,
            start=program.start_date,
        ),
        reports=list(
            StatusReport.objects.filter(program=program, project__isnull=True)
            .select_related("author")
            .order_by("-report_date")[:8]
        ),
        stakeholders=list(
            ProgramStakeholder.objects.filter(program=program).select_related("stakeholder")
        ),
        retrospectives=_retrospectives(Retrospective.objects.filter(program=program)),
        raid=raid_of(program=program),
        trend=milestone_trend(
            Milestone.objects.filter(project__program=program, is_key=True),
            StatusReport.objects.filter(program=program, project__isnull=True),
        ),
        can_edit=Program.objects.editable_by(user).filter(pk=program.pk).exists(),
        history=recent_changes(Program.history.filter(id=program.pk)),
    )


@dataclass
class ProjectPage:
    project: HealthRow
    milestones: list[Milestone]
    inbound: Panel  # open dependencies only, those in trouble first
    outbound: Panel
    risks: Panel
    budget: BudgetPanel
    allocations: list[Any]
    reports: list[StatusReport]
    retrospectives: list[Retrospective]
    heat_map: HeatMap
    trend: TrendAnalysis
    can_edit: bool
    history: list[tuple[Any, list[Any]]]


def project_page(code: str, user: Any, today: date) -> ProjectPage:
    projects = Project.objects.visible_to(user).select_related(
        "program__tpm", "program__director", "lead"
    )
    project = get_object_or_404(projects, code=code)
    attach_health([project], today=today)
    return ProjectPage(
        project=HealthRow.of(project, today=today),
        milestones=project_milestones(project),
        inbound=_open_dependencies(Dependency.objects.filter(successor_project=project)),
        outbound=_open_dependencies(Dependency.objects.filter(predecessor_project=project)),
        risks=_top_risks(Risk.objects.filter(project=project)),
        budget=budget_panel(
            BudgetLine.objects.filter(project=project),
            as_of=project.actual_end or today,
            start=project.actual_start or project.baseline_start,
        ),
        allocations=list(project.allocations.select_related("person").order_by("person__name")),
        reports=list(
            StatusReport.objects.filter(project=project)
            .select_related("author")
            .order_by("-report_date")[:8]
        ),
        retrospectives=_retrospectives(Retrospective.objects.filter(project=project)),
        heat_map=heat_map(Risk.objects.filter(project=project)),
        trend=milestone_trend(
            Milestone.objects.filter(project=project),
            StatusReport.objects.filter(program=project.program_id),
        ),
        can_edit=Project.objects.editable_by(user).filter(pk=project.pk).exists(),
        history=recent_changes(
            Project.history.filter(id=project.pk), Milestone.history.filter(project_id=project.pk)
        ),
    )


def project_milestones(project: Project) -> list[Milestone]:
    return list(project.milestones.select_related("owner").order_by("forecast_date", "pk"))


@dataclass(frozen=True)
class MilestoneCounters:
    """The schedule figures shown above a project's milestones (refreshed after each edit)."""

    total: int
    done: int
    late: int
    overdue: int
    worst_slip: int


def milestone_counters(project: Project, today: date) -> MilestoneCounters:
    """One aggregate over the project's milestones."""
    figures = project.milestones.aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(status="done")),
        late=Count("pk", filter=milestone_late_q(today)),
        overdue=Count("pk", filter=milestone_open_q() & Q(forecast_date__lt=today)),
        worst_slip=Max(
            ExpressionWrapper(F("forecast_date") - F("baseline_date"), output_field=DurationField())
        ),
    )
    slip = figures.pop("worst_slip")
    return MilestoneCounters(**figures, worst_slip=slip.days if slip else 0)
