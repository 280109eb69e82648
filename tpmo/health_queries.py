"""The data behind computed and reported health, as annotations: one query for a whole page.

``with_health(queryset, today=…)`` annotates programs (or projects) with what ``tpmo.health``
reads — worst key-milestone slip, open high/critical risks, troubled inbound dependencies, last
status report — and with the reported health (the latest status report's overall RAG and
summary). Every figure is a correlated subquery, so the number of queries does not grow with the
number of rows.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Greatest

from programs.choices import DependencyStatus
from programs.models import Dependency, Milestone, Program, Project, StatusReport
from risks.models import Risk
from risks.scoring import CRITICAL_MIN_SCORE, HIGH_MIN_SCORE
from tpmo.health import Health, HealthInputs, Rag, Thresholds, assess

TROUBLED = (
    Q(status__in=[DependencyStatus.REQUESTED, DependencyStatus.AT_RISK])
    | Q(committed_date__gt=F("needed_by"))
) & ~Q(status__in=[DependencyStatus.BLOCKED, DependencyStatus.DELIVERED])


def _count(queryset: QuerySet[Any], group_by: str) -> Coalesce:
    """Number of rows of ``queryset`` (already filtered on OuterRef) as a scalar subquery."""
    counted = queryset.order_by().values(group_by).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def with_health(queryset: QuerySet[Any], *, today: date) -> QuerySet[Any]:
    """Annotate programs or projects with their health inputs and reported health."""
    if queryset.model is Program:
        scope, milestone_scope, inbound_scope = (
            "program",
            "project__program",
            "successor_project__program",
        )
        reports = StatusReport.objects.filter(program=OuterRef("pk"), project__isnull=True)
    elif queryset.model is Project:
        scope, milestone_scope, inbound_scope = "project", "project", "successor_project"
        reports = StatusReport.objects.filter(project=OuterRef("pk"))
    else:
        raise TypeError(f"health is for programs and projects, not {queryset.model.__name__}")

    worst = (
        Milestone.objects.filter(**{milestone_scope: OuterRef("pk")}, is_key=True)
        .open()
        .annotate(
            slip=ExpressionWrapper(
                Greatest(F("forecast_date"), Value(today)) - F("baseline_date"),
                output_field=DurationField(),
            )
        )
        .order_by("-slip", "pk")
    )
    risks = Risk.objects.filter(**{scope: OuterRef("pk")}).open().with_scores()
    inbound = Dependency.objects.filter(**{inbound_scope: OuterRef("pk")}).live()
    latest = reports.order_by("-report_date")
    return queryset.annotate(
        worst_slip=Subquery(worst.values("slip")[:1], output_field=DurationField()),
        worst_slip_milestone=Subquery(worst.values("name")[:1]),
        open_critical_risks=_count(risks.filter(residual_points__gte=CRITICAL_MIN_SCORE), scope),
        open_high_risks=_count(
            risks.filter(residual_points__range=(HIGH_MIN_SCORE, CRITICAL_MIN_SCORE - 1)), scope
        ),
        blocked_inbound=_count(inbound.filter(status=DependencyStatus.BLOCKED), inbound_scope),
        late_or_uncommitted_inbound=_count(inbound.filter(TROUBLED), inbound_scope),
        last_status_on=Subquery(latest.values("report_date")[:1]),
        reported_rag=Subquery(latest.values("overall")[:1]),
        reported_summary=Subquery(latest.values("summary")[:1]),
    )


def with_reported(queryset: QuerySet[Program]) -> QuerySet[Program]:
    """Only the reported health and the date of the last program status report: the two
    annotations that lists filter and sort on (cheap enough to compute for every row)."""
    latest = StatusReport.objects.filter(program=OuterRef("pk"), project__isnull=True).order_by(
        "-report_date"
    )
    return queryset.annotate(
        reported_rag=Subquery(latest.values("overall")[:1]),
        last_status_on=Subquery(latest.values("report_date")[:1]),
    )


def with_health_in_order(queryset: QuerySet[Any], ids: list[int], *, today: date) -> list[Any]:
    """The rows ``ids`` (a page, a panel) with every health annotation, in the order of ``ids``.

    Annotating only the rows shown keeps the correlated subqueries off the rest of the table.
    """
    rows = {row.pk: row for row in with_health(queryset.filter(pk__in=ids), today=today)}
    return [rows[pk] for pk in ids if pk in rows]


def health_of(row: Any, *, today: date, limits: Thresholds | None = None) -> Health:
    """Computed health of a row annotated by ``with_health``."""
    return assess(HealthInputs.from_row(row), today=today, limits=limits)


def reported_of(row: Any) -> Rag | None:
    """The RAG the owner reported last (None before the first status report)."""
    return Rag(row.reported_rag) if row.reported_rag else None
