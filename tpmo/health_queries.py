"""The data behind computed and reported health, for a page of programs or projects at once.

``attach_health(rows, today=…)`` puts on each row what ``tpmo.health`` reads — worst key-milestone
slip, open high/critical risks, troubled inbound dependencies, last status report — and the
reported health (the latest status report's overall RAG and summary): one GROUP BY per child
table, merged in Python, so the number of queries does not grow with the number of rows (and no
correlated subquery runs per row). ``with_reported`` is the cheap annotation lists filter and
sort on.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery, Sum

from programs import evm
from programs.choices import DependencyStatus
from programs.models import Allocation, BudgetLine, Dependency, Milestone, Program, StatusReport
from programs.money import MONEY_OUT
from programs.querysets import DEPENDENCY_TROUBLE
from risks.models import Risk
from risks.scoring import CRITICAL_MIN_SCORE, HIGH_MIN_SCORE
from tpmo.health import Health, HealthInputs, Rag, Thresholds, assess

#: In trouble but not blocked (blocked ones are counted, and weigh, apart).
TROUBLED = DEPENDENCY_TROUBLE & ~Q(
    status__in=[DependencyStatus.BLOCKED, DependencyStatus.DELIVERED]
)


SCOPES = {
    # model: (milestones, budget lines, allocations → it; risks → it; inbound dependencies → it;
    # its status reports)
    "program": ("project__program_id", "program_id", "successor_project__program_id", "program_id"),
    "project": ("project_id", "project_id", "successor_project_id", "project_id"),
}


def earned_value_by(ids: list[int], kind: str, today: date) -> dict[int, dict[str, Any]]:
    """Earned value (BAC, PV, EV, AC; so CPI, VAC), SPI(t) and SV(t), and the forecast total,
    per program or project (``kind``) of ``ids`` at ``today``: one GROUP BY (scope, period)."""
    scope = SCOPES[kind][0]
    by_scope: dict[int, list[tuple[date, date, Decimal, Decimal, Decimal]]] = defaultdict(list)
    forecasts: dict[int, Decimal] = defaultdict(Decimal)
    for scope_id, start, end, planned, actual, earned, forecast in (
        BudgetLine.objects.filter(**{f"{scope}__in": ids})
        .order_by()
        .values(scope, "period__start_date", "period__end_date")
        .annotate(
            p=Sum("planned"),
            a=Sum("actual"),
            e=Sum(F("planned") * F("project__percent_complete") / 100, output_field=MONEY_OUT),
            f=Sum("forecast"),
        )
        .values_list(scope, "period__start_date", "period__end_date", "p", "a", "e", "f")
    ):
        by_scope[scope_id].append((start, end, Decimal(planned), Decimal(actual), Decimal(earned)))
        forecasts[scope_id] += Decimal(forecast)
    result = {}
    for scope_id, lines in by_scope.items():
        curve = [evm.Period(start, end, planned) for start, end, planned, _, _ in lines]
        value = evm.EarnedValue(
            bac=sum((line[2] for line in lines), Decimal(0)).quantize(evm.CENT),
            pv=evm.planned_value(curve, today),
            ev=sum((line[4] for line in lines), Decimal(0)).quantize(evm.CENT),
            ac=sum((line[3] for line in lines), Decimal(0)).quantize(evm.CENT),
        )
        spi_t = sv_t = None
        start = min(period.start for period in curve)
        reached = evm.earned_schedule(curve, value.ev)
        if reached is not None and today > start and value.ev < value.bac:
            earned_days, actual_days = (reached - start).days, (today - start).days
            spi_t = evm.rounded(Decimal(earned_days) / Decimal(actual_days))
            sv_t = earned_days - actual_days
        result[scope_id] = {
            "value": value,
            "spi_t": spi_t,
            "sv_t_days": sv_t,
            "forecast": forecasts[scope_id].quantize(evm.CENT),
        }
    return result


def _over_allocated(
    ids: list[int], scope: str, today: date, above: int
) -> dict[int, list[tuple[str, int]]]:
    """Per scope id, the people working on it whose allocations today add up above ``above``%
    (one query: today's allocations in scope of the people loaded above the limit — a grouped
    subquery the database computes once — each with its person's total load today)."""
    today_q = Q(start_date__lte=today, end_date__gte=today)
    load = (
        Allocation.objects.filter(today_q, person_id=OuterRef("person_id"))
        .order_by()
        .values("person_id")
        .annotate(total=Sum("percent"))
        .values("total")
    )
    crowded = (
        Allocation.objects.filter(today_q)
        .order_by()
        .values("person_id")
        .annotate(total=Sum("percent"))
        .filter(total__gt=above)
        .values("person_id")
    )
    found: dict[int, set[tuple[str, int]]] = defaultdict(set)
    for scope_id, name, total in (
        Allocation.objects.filter(today_q, person_id__in=crowded, **{f"{scope}__in": ids})
        .annotate(load=Subquery(load))
        .values_list(scope, "person__name", "load")
    ):
        found[scope_id].add((name, total))
    return {scope_id: sorted(people) for scope_id, people in found.items()}


def attach_health(
    rows: list[Any], *, today: date, money: dict[int, dict[str, Any]] | None = None
) -> list[Any]:
    """Put on each program (or project) of ``rows`` what the health rules read — worst key-milestone
    slip, open high/critical risks, troubled inbound dependencies, last status report — and its
    reported health (with that report's summary and variance reason), its earned value (CPI,
    VAC, SPI(t)) and the over-allocated people on it.
    Seven queries for the whole list, merged in Python; nothing per row (six when ``money``,
    from ``earned_value_by``, is given).
    """
    if not rows:
        return rows
    kind = "program" if isinstance(rows[0], Program) else "project"
    milestone_scope, risk_scope, inbound_scope, report_scope = SCOPES[kind]
    ids = [row.pk for row in rows]

    worst: dict[int, tuple[int, int, str]] = {}  # id → (slip days, -pk, name): max wins
    for scope_id, pk, name, forecast, baseline in (
        Milestone.objects.open()
        .filter(is_key=True, **{f"{milestone_scope}__in": ids})
        .values_list(milestone_scope, "pk", "name", "forecast_date", "baseline_date")
    ):
        candidate = ((max(forecast, today) - baseline).days, -pk, name)
        if scope_id not in worst or candidate > worst[scope_id]:
            worst[scope_id] = candidate

    risks = {
        row[risk_scope]: row
        for row in Risk.objects.open()
        .with_scores()
        .filter(**{f"{risk_scope}__in": ids})
        .order_by()
        .values(risk_scope)
        .annotate(
            critical=Count("pk", filter=Q(residual_points__gte=CRITICAL_MIN_SCORE)),
            high=Count(
                "pk", filter=Q(residual_points__range=(HIGH_MIN_SCORE, CRITICAL_MIN_SCORE - 1))
            ),
        )
    }
    inbound = {
        row[inbound_scope]: row
        for row in Dependency.objects.live()
        .filter(**{f"{inbound_scope}__in": ids})
        .order_by()
        .values(inbound_scope)
        .annotate(
            blocked=Count("pk", filter=Q(status=DependencyStatus.BLOCKED)),
            troubled=Count("pk", filter=TROUBLED),
        )
    }
    if money is None:
        money = earned_value_by(ids, kind, today)
    limits = Thresholds.from_settings()
    crowded = _over_allocated(ids, milestone_scope, today, limits.allocation_amber_percent)
    reports = StatusReport.objects.filter(**{f"{report_scope}__in": ids}, report_date__lte=today)
    if kind == "program":
        reports = reports.filter(project__isnull=True)
    last = dict(
        reports.order_by()
        .values(report_scope)
        .annotate(last=Max("report_date"))
        .values_list(report_scope, "last")
    )
    reported = {
        (scope_id, day): (overall, summary, why)
        for scope_id, day, overall, summary, why in reports.filter(
            report_date__in=set(last.values())
        ).values_list(report_scope, "report_date", "overall", "summary", "variance_reason")
    }

    for row in rows:
        slip = worst.get(row.pk)
        row.worst_slip = timedelta(days=slip[0]) if slip else None
        row.worst_slip_milestone = slip[2] if slip else None
        row.open_critical_risks = risks.get(row.pk, {}).get("critical", 0)
        row.open_high_risks = risks.get(row.pk, {}).get("high", 0)
        row.blocked_inbound = inbound.get(row.pk, {}).get("blocked", 0)
        row.late_or_uncommitted_inbound = inbound.get(row.pk, {}).get("troubled", 0)
        earned = money.get(row.pk, {})
        row.earned_value = earned.get("value", evm.NOTHING)
        row.bac = row.earned_value.bac
        row.cpi = evm.rounded(row.earned_value.cpi)
        row.vac = evm.rounded(row.earned_value.vac, "0.01")
        row.spi_t = earned.get("spi_t")
        row.sv_t_days = earned.get("sv_t_days")
        row.over_allocated = tuple(crowded.get(row.pk, ()))
        row.last_status_on = last.get(row.pk)
        row.reported_rag, row.reported_summary, row.reported_reason = reported.get(
            (row.pk, row.last_status_on), (None, None, "")
        )
    return rows


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
    """The rows ``ids`` (a page, a panel) with their health data, in the order of ``ids``."""
    rows = {row.pk: row for row in queryset.filter(pk__in=ids)}
    return attach_health([rows[pk] for pk in ids if pk in rows], today=today)


def health_of(row: Any, *, today: date, limits: Thresholds | None = None) -> Health:
    """Computed health of a row prepared by ``attach_health``."""
    return assess(HealthInputs.from_row(row), today=today, limits=limits)


def reported_of(row: Any) -> Rag | None:
    """The RAG the owner reported last (None before the first status report)."""
    return Rag(row.reported_rag) if row.reported_rag else None
