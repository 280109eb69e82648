"""The figures behind the portfolio review and its KPIs, per program, as of a date.

``program_figures(programs, as_of=…, window_days=…)`` gives each program its computed and reported
health and its KPI *counters* (see ``review.models.COUNTERS``): one query per family — health (the
queries of ``tpmo.health_queries``), projects completed, milestones done, late milestones and when
their slip was first recorded, open risks, status reports, retrospective actions — whatever the
number of programs. A set of programs adds its counters up (``total``); ratios come from the sums.

Windowed counters count what happened in the ``window_days`` days up to and including ``as_of``;
risks are those open on ``as_of``; money is earned value at ``as_of``. Health is that of programs
in flight (active or on hold).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from programs import evm
from programs.choices import ProgramStatus
from programs.models import (
    ActionItem,
    Milestone,
    Program,
    Project,
    StatusReport,
)
from programs.money import MONEY_OUT, tolerance
from review.models import AMOUNTS, COUNTERS
from risks.choices import RISK_ENDED
from risks.models import Risk
from risks.scoring import HIGH_MIN_SCORE
from risks.selectors import emv_sql
from tpmo.health import Health, Rag
from tpmo.health_queries import attach_health, earned_value_by, health_of, reported_of

IN_FLIGHT = (ProgramStatus.ACTIVE, ProgramStatus.ON_HOLD)
Counters = dict[str, Any]


def empty() -> Counters:
    return dict.fromkeys(COUNTERS, 0) | {name: Decimal(0) for name in AMOUNTS}


def total(items: Iterable[Counters]) -> Counters:
    """Add counters up (a set of programs, or rows of snapshots)."""
    result = empty()
    for item in items:
        for name in result:
            result[name] += item[name] or 0
    return result


def warning_days() -> int:
    """A slip counts as reported in good time this many days before the baseline (default 14)."""
    return int(getattr(settings, "TPMO_KPI", {}).get("warning_days", 14))


def window_start(as_of: date, window_days: int) -> date:
    return as_of - timedelta(days=window_days - 1)


@dataclass
class ProgramFigures:
    program: Program
    health: Health | None  # None for programs not in flight
    reported: Rag | None
    counters: Counters = field(default_factory=empty)

    @property
    def watermelon(self) -> bool:
        """Reported Green or Amber while the data says Red."""
        return (
            self.health is not None
            and self.health.rag is Rag.RED
            and self.reported in (Rag.GREEN, Rag.AMBER)
        )


def program_figures(
    programs: list[Program], *, as_of: date, window_days: int, money_only: bool = False
) -> list[ProgramFigures]:
    """Health and KPI counters of each of ``programs`` as of ``as_of``, in their order. With
    ``money_only`` the counters are health and money alone (the pages that show no rates)."""
    if not programs:
        return []
    in_flight = [program for program in programs if program.status in IN_FLIGHT]
    ids = [program.pk for program in programs]
    money = earned_value_by(ids, "program", as_of)
    attach_health(in_flight, today=as_of, money=money)
    figures = {
        program.pk: ProgramFigures(
            program=program,
            health=health_of(program, today=as_of) if program.status in IN_FLIGHT else None,
            reported=reported_of(program) if program.status in IN_FLIGHT else None,
        )
        for program in programs
    }
    for item in figures.values():
        _health_counters(item)
    for program_id, values in money.items():
        figures[program_id].counters.update(_money_counters(values))
    start = window_start(as_of, window_days)
    families = () if money_only else (_projects, _milestones, _late_milestones, _risks, _actions)
    for family in families:
        for program_id, values in family(ids, start, as_of).items():
            figures[program_id].counters.update(values)
    if not money_only:
        for program_id, values in _reports(programs, start, as_of).items():
            figures[program_id].counters.update(values)
    return [figures[program.pk] for program in programs]


def _health_counters(item: ProgramFigures) -> None:
    counters = item.counters
    if item.health is None:
        return
    counters["programs"] = 1
    counters[f"computed_{item.health.rag.value}"] = 1
    counters[f"reported_{item.reported.value if item.reported else 'none'}"] = 1
    counters["watermelons"] = int(item.watermelon)


def _money_counters(values: dict[str, Any]) -> Counters:
    """Earned value at the date and budget adherence (forecast within tolerance of BAC)."""
    value, forecast = values["value"], values["forecast"]
    adherent = evm.within_tolerance(value.bac, forecast, tolerance())
    return {
        "bac": value.bac,
        "pv": value.pv,
        "ev": value.ev,
        "ac": value.ac,
        "forecast": forecast,
        "programs_budgeted": int(adherent is not None),
        "programs_adherent": int(bool(adherent)),
    }


def _projects(ids: list[int], start: date, as_of: date) -> dict[int, Counters]:
    """Projects completed in the window; successful = on time and within budget tolerance
    (a project without a budget is judged on time alone)."""
    result: dict[int, Counters] = defaultdict(
        lambda: {"projects_completed": 0, "projects_successful": 0}
    )
    for program_id, finished, promised, planned, actual in (
        Project.objects.filter(program_id__in=ids, actual_end__range=(start, as_of))
        .order_by()
        .values("pk")
        .annotate(
            planned=Coalesce(Sum("budget_lines__planned"), Decimal(0), output_field=MONEY_OUT),
            actual=Coalesce(Sum("budget_lines__actual"), Decimal(0), output_field=MONEY_OUT),
        )
        .values_list("program_id", "actual_end", "baseline_end", "planned", "actual")
    ):
        within = evm.within_tolerance(Decimal(planned), Decimal(actual), tolerance())
        counters = result[program_id]
        counters["projects_completed"] += 1
        counters["projects_successful"] += int(finished <= promised and within is not False)
    return result


def _counted(
    rows: QuerySet[Any], group: str, names: tuple[str, str], kept: Q
) -> dict[int, Counters]:
    """Per program: how many ``rows``, and how many of them ``kept`` (on time)."""
    total_name, kept_name = names
    return {
        row[group]: {total_name: row["total"], kept_name: row["kept"]}
        for row in rows.order_by()
        .values(group)
        .annotate(total=Count("pk"), kept=Count("pk", filter=kept))
    }


def _milestones(ids: list[int], start: date, as_of: date) -> dict[int, Counters]:
    """Milestones done in the window, and those done on or before their baseline date."""
    return _counted(
        Milestone.objects.filter(project__program_id__in=ids, actual_date__range=(start, as_of)),
        "project__program_id",
        ("milestones_done", "milestones_on_time"),
        Q(actual_date__lte=F("baseline_date")),
    )


def _late_milestones(ids: list[int], start: date, as_of: date) -> dict[int, Counters]:
    """Milestones done late in the window, and how long before their baseline date the slip was
    first recorded (the first saved forecast past the baseline; at completion if never)."""
    first_warned = (
        Milestone.history.model.objects.filter(
            id=OuterRef("pk"), forecast_date__gt=F("baseline_date")
        )
        .order_by("history_date")
        .values("history_date")[:1]
    )
    ahead = warning_days()
    result: dict[int, Counters] = defaultdict(
        lambda: {"late_done": 0, "late_warned": 0, "notice_days": 0}
    )
    for program_id, baseline, finished, warned_at in (
        Milestone.objects.filter(
            project__program_id__in=ids,
            actual_date__range=(start, as_of),
            actual_date__gt=F("baseline_date"),
        )
        .annotate(warned_at=Subquery(first_warned))
        .values_list("project__program_id", "baseline_date", "actual_date", "warned_at")
    ):
        known = min(warned_at.date(), finished) if warned_at else finished
        notice = (baseline - known).days
        counters = result[program_id]
        counters["late_done"] += 1
        counters["late_warned"] += int(notice >= ahead)
        counters["notice_days"] += notice
    return result


def _risks(ids: list[int], start: date, as_of: date) -> dict[int, Counters]:
    """Risks open on ``as_of``: identified by then and not yet closed."""
    open_then = Q(identified_on__lte=as_of) & (
        Q(closed_on__gt=as_of) | (Q(closed_on__isnull=True) & ~Q(status__in=RISK_ENDED))
    )
    return {
        row["program_id"]: {
            "open_risks": row["count"],
            "high_risks": row["high"],
            "risk_score": row["score"] or 0,
            "risk_emv": Decimal(row["emv"] or 0).quantize(evm.CENT),
        }
        for row in Risk.objects.filter(open_then, program_id__in=ids)
        .with_scores()
        .order_by()
        .values("program_id")
        .annotate(
            count=Count("pk"),
            high=Count("pk", filter=Q(residual_points__gte=HIGH_MIN_SCORE)),
            score=Sum("residual_points"),
            emv=Sum(emv_sql("residual")),
        )
    }


def _actions(ids: list[int], start: date, as_of: date) -> dict[int, Counters]:
    """Retrospective actions due in the window, and those done by their due date."""
    return _counted(
        ActionItem.objects.filter(
            retrospective__program_id__in=ids, due_date__range=(start, as_of)
        ),
        "retrospective__program_id",
        ("actions_due", "actions_on_time"),
        Q(done=True, done_on__lte=F("due_date")),
    )


def _reports(programs: list[Program], start: date, as_of: date) -> dict[int, Counters]:
    """Stakeholder satisfaction from program status reports in the window, and timeliness: of
    the weeks of the window (counted back from ``as_of``) since a program in flight started, how
    many have a program status report."""
    weeks: dict[int, set[int]] = defaultdict(set)
    result: dict[int, Counters] = {}
    for program_id, day, satisfaction in StatusReport.objects.filter(
        program_id__in=[program.pk for program in programs],
        project__isnull=True,
        report_date__range=(start, as_of),
    ).values_list("program_id", "report_date", "stakeholder_satisfaction"):
        weeks[program_id].add((as_of - day).days // 7)
        counters = result.setdefault(program_id, {"satisfaction_sum": 0, "satisfaction_count": 0})
        if satisfaction is not None:
            counters["satisfaction_sum"] += satisfaction
            counters["satisfaction_count"] += 1
    buckets = ((as_of - start).days + 1) // 7
    for program in programs:
        if program.status not in IN_FLIGHT:
            continue
        expected = [
            week
            for week in range(buckets)
            if program.start_date <= as_of - timedelta(days=7 * week)
        ]
        counters = result.setdefault(program.pk, {})
        counters["reports_expected"] = len(expected)
        counters["reports_filed"] = len(weeks[program.pk].intersection(expected))
    return result
