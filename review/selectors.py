"""What the director pages show: the review, the KPIs, what changed, people's load and objective
alignment — each built from ``review.figures`` (live, one query per family) and the snapshots
(``review.snapshots``), with a bounded number of queries whatever the portfolio's size."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum, Window
from django.db.models.functions import TruncWeek

from programs import evm
from programs.choices import ProgramStatus
from programs.models import (
    Allocation,
    Dependency,
    Milestone,
    Objective,
    Person,
    Program,
)
from programs.network import DayNumber
from review.figures import Counters, ProgramFigures, program_figures, total
from review.kpis import KPIS, Kpi, average_notice_days
from review.models import Snapshot
from review.snapshots import trend
from risks.models import Risk
from risks.selectors import emv_sql
from tpmo.charts import LineChart, line_chart
from tpmo.formats import brief
from tpmo.health import Rag

RAGS = (Rag.GREEN, Rag.AMBER, Rag.RED)
LIST_LIMIT = 50
#: The review shows the first few of each list (its pack is read in a meeting); the lists link on.
REVIEW_LIMIT = 15


def earned_value(counters: Counters) -> evm.EarnedValue:
    return evm.EarnedValue(
        bac=counters["bac"], pv=counters["pv"], ev=counters["ev"], ac=counters["ac"]
    )


# -- slips, shared by the review and the changes page ---------------------------------------------


@dataclass(frozen=True)
class Slip:
    milestone: Milestone
    before: dt.date
    after: dt.date

    @property
    def days(self) -> int:
        return (self.after - self.before).days


def slips_since(
    milestones: QuerySet[Milestone], since: dt.date, *, limit: int = LIST_LIMIT
) -> tuple[list[Slip], int]:
    """The ``limit`` largest slips, and how many there are: milestones of ``milestones`` changed
    since the start of ``since`` whose forecast is later now than it was then (their latest
    history row before; a milestone created since has no "then"). One query, whatever moved:
    the database ranks the slips and counts them in the same pass."""
    history = Milestone.history.model.objects
    cutoff = dt.datetime.combine(since, dt.time.min, tzinfo=dt.UTC)
    # Milestones changed since (whatever their scope; scope is applied to the current rows).
    changed = history.filter(history_date__gte=cutoff, history_type="~").values("id")
    then = (
        history.filter(id=OuterRef("pk"), history_date__lt=cutoff)
        .order_by("-history_id")
        .values("forecast_date")[:1]
    )
    ranked = list(
        milestones.filter(pk__in=changed)
        .annotate(before=Subquery(then))
        .filter(forecast_date__gt=F("before"))
        .annotate(
            slip=DayNumber("forecast_date") - DayNumber("before"),
            moved=Window(Count("pk")),
        )
        .select_related("project__program", "owner")
        .order_by("-slip", "forecast_date", "pk")[:limit]
    )
    count = ranked[0].moved if ranked else 0
    return [Slip(row, row.before, row.forecast_date) for row in ranked], count


# -- the review -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Listed:
    """The first ``LIST_LIMIT`` rows of a change, and how many there are in all."""

    rows: list[Any]
    count: int


@dataclass(frozen=True)
class Watermelon:
    figures: ProgramFigures
    why: str  # the TPM's reason for the difference, from the latest status report


@dataclass(frozen=True)
class Review:
    as_of: dt.date
    days: int
    figures: list[ProgramFigures]
    total: Counters
    matrix: list[tuple[str, list[int], int]]  # reported label, counts per computed RAG, row sum
    computed_counts: list[int]
    watermelons: Listed  # of Watermelon, the most Red reasons first
    off_track: list[ProgramFigures]
    due: Listed
    slipped: Listed
    top_risks: list[Risk]
    money: evm.EarnedValue
    forecast: Decimal
    worst_money: list[tuple[ProgramFigures, evm.EarnedValue]]
    trouble_spots: list[ProgramFigures]

    @property
    def in_flight(self) -> int:
        return int(self.total["programs"])

    @property
    def since(self) -> dt.date:
        return self.as_of - dt.timedelta(days=self.days)


def _matrix(figures: list[ProgramFigures]) -> list[tuple[str, list[int], int]]:
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for item in figures:
        if item.health is not None:
            reported = item.reported.value if item.reported else "none"
            counts[(reported, item.health.rag.value)] += 1
    rows = []
    for reported, label in (*((rag.value, rag.label) for rag in RAGS), ("none", "Not reported")):
        cells = [counts[(reported, rag.value)] for rag in RAGS]
        rows.append((label, cells, sum(cells)))
    return rows


def _severity(item: ProgramFigures) -> tuple[int, int, int, str]:
    """Most off track first: worst RAG, then most Red reasons, then most reasons."""
    reasons = item.health.reasons if item.health else ()
    severity = item.health.rag.severity if item.health else -1
    reds = sum(reason.rag is Rag.RED for reason in reasons)
    return (-severity, -reds, -len(reasons), item.program.code)


def portfolio_review(programs: QuerySet[Program], *, today: dt.date, days: int) -> Review:
    figures = program_figures(
        list(programs.select_related("tpm", "director").order_by("code")),
        as_of=today,
        window_days=days,
        money_only=True,
    )
    in_flight = [item for item in figures if item.health is not None]
    melons = sorted((item for item in in_flight if item.watermelon), key=_severity)
    off_track = sorted(
        (item for item in in_flight if item.health and item.health.rag is not Rag.GREEN),
        key=_severity,
    )[:10]
    milestones = Milestone.objects.filter(project__program__in=programs)
    due = (
        milestones.open()
        .filter(is_key=True, forecast_date__range=(today, today + dt.timedelta(days=days)))
        .select_related("project__program", "owner")
        .order_by("forecast_date", "pk")
    )
    slipped, slipped_count = slips_since(
        milestones.filter(is_key=True), today - dt.timedelta(days=days), limit=REVIEW_LIMIT
    )
    top_risks = list(
        Risk.objects.open()
        .filter(program__in=programs)
        .with_scores()
        .annotate(emv=emv_sql("residual"))
        .select_related("program", "owner")
        .order_by("-residual_points", "-emv", "pk")[:10]
    )
    summed = total(item.counters for item in figures)
    overruns = [
        (item, value)
        for item, value in ((item, earned_value(item.counters)) for item in figures)
        if value.vac is not None and value.vac < 0
    ]
    overruns.sort(key=lambda pair: (pair[1].vac, pair[0].program.code))
    trouble = sorted(
        (
            item
            for item in in_flight
            if item.program.blocked_inbound or item.program.late_or_uncommitted_inbound
        ),
        key=lambda item: (
            -item.program.blocked_inbound,
            -item.program.late_or_uncommitted_inbound,
            item.program.code,
        ),
    )[:10]
    matrix = _matrix(figures)
    return Review(
        as_of=today,
        days=days,
        figures=figures,
        total=summed,
        matrix=matrix,
        computed_counts=[sum(row[1][index] for row in matrix) for index in range(len(RAGS))],
        watermelons=Listed(
            [Watermelon(item, item.program.reported_reason) for item in melons[:REVIEW_LIMIT]],
            len(melons),
        ),
        off_track=off_track,
        due=Listed(list(due[:REVIEW_LIMIT]), due.count()),
        slipped=Listed(slipped, slipped_count),
        top_risks=top_risks,
        money=earned_value(summed),
        forecast=summed["forecast"],
        worst_money=overruns[:5],
        trouble_spots=trouble,
    )


# -- KPIs -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KpiRow:
    kpi: Kpi
    value: Decimal | None
    meets: bool | None
    chart: LineChart | None
    note: str = ""


@dataclass(frozen=True)
class TeamTrend:
    team: str
    delivered: int
    chart: LineChart


@dataclass(frozen=True)
class KpiPage:
    as_of: dt.date
    days: int
    current: Counters
    rows: list[KpiRow]
    snapshots: int
    teams: list[TeamTrend] = field(default_factory=list)


def _kpi_chart(kpi: Kpi, points: list[tuple[dt.date, Counters]]) -> LineChart | None:
    if kpi.key == "red_share":
        labels = [brief(day) for day, _ in points]
        series = [
            (
                rag.label,
                f"series-{rag.value}",
                [counters[f"computed_{rag.value}"] for _, counters in points],
            )
            for rag in RAGS
        ]
        return (
            line_chart(
                "Programs by computed health at each snapshot",
                labels,
                series,
                label_name="Snapshot",
            )
            if points
            else None
        )
    known = [(day, kpi.value(counters)) for day, counters in points]
    known = [(day, value) for day, value in known if value is not None]
    if not known:
        return None
    series = [(kpi.name, "series-kpi", [value for _, value in known])]
    if kpi.target is not None:
        series.append(("Target", "series-target", [kpi.target] * len(known)))
    return line_chart(
        f"{kpi.name} at each weekly snapshot",
        [brief(day) for day, _ in known],
        series,
        label_name="Snapshot",
    )


def kpi_page(programs: QuerySet[Program], *, today: dt.date, days: int) -> KpiPage:
    figures = program_figures(
        list(programs.select_related("tpm", "director").order_by("pk")),
        as_of=today,
        window_days=days,
    )
    current = total(item.counters for item in figures)
    points = trend(programs.values("pk"), today - dt.timedelta(days=days), today)
    rows = []
    for kpi in KPIS:
        value = kpi.value(current)
        note = ""
        if kpi.key == "forecast_accuracy":
            notice = average_notice_days(current)
            note = f"average notice {notice} days" if notice is not None else ""
        elif kpi.key == "red_share":
            note = ", ".join(f"{current[f'computed_{rag.value}']} {rag.label}" for rag in RAGS)
        rows.append(KpiRow(kpi, value, kpi.meets(value), _kpi_chart(kpi, points), note))
    return KpiPage(
        as_of=today,
        days=days,
        current=current,
        rows=rows,
        snapshots=len(points),
        teams=team_throughput(programs, today=today, days=days),
    )


def team_throughput(programs: QuerySet[Program], *, today: dt.date, days: int) -> list[TeamTrend]:
    """Milestones delivered per week by the owner's team, one small trend per team (teams in
    alphabetical order: a trend to read, not a league table). One query."""
    start = today - dt.timedelta(days=days - 1)
    first_monday = start - dt.timedelta(days=start.weekday())
    weeks = [
        first_monday + dt.timedelta(days=7 * index)
        for index in range((today - first_monday).days // 7 + 1)
    ]
    counts: dict[str, dict[dt.date, int]] = defaultdict(dict)
    for team, week, delivered in (
        Milestone.objects.filter(project__program__in=programs, actual_date__range=(start, today))
        .annotate(week=TruncWeek("actual_date"))
        .order_by()
        .values("owner__team", "week")
        .annotate(delivered=Count("pk"))
        .values_list("owner__team", "week", "delivered")
    ):
        day = week.date() if isinstance(week, dt.datetime) else week
        counts[team or "No team"][day] = delivered
    return [
        TeamTrend(
            team=team,
            delivered=sum(by_week.values()),
            chart=line_chart(
                f"{team}: milestones delivered per week",
                [brief(week) for week in weeks],
                [("Delivered", "series-kpi", [by_week.get(week, 0) for week in weeks])],
                width=260,
                height=80,
                padding=8,
                label_name="Week of",
            ),
        )
        for team, by_week in sorted(counts.items())
    ]


# -- what changed ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class HealthChange:
    program: Program
    computed_before: str
    computed_now: str
    reported_before: str
    reported_now: str


@dataclass(frozen=True)
class BudgetMove:
    program: Program
    bac: tuple[Decimal, Decimal]
    ac: tuple[Decimal, Decimal]
    forecast: tuple[Decimal, Decimal]

    @staticmethod
    def delta(pair: tuple[Decimal, Decimal]) -> Decimal:
        return pair[1] - pair[0]

    @property
    def deltas(self) -> tuple[Decimal, Decimal, Decimal]:
        return (self.delta(self.bac), self.delta(self.ac), self.delta(self.forecast))


@dataclass(frozen=True)
class Changes:
    since: dt.date
    today: dt.date
    snapshot_date: dt.date | None
    health: list[HealthChange]
    new_risks: Listed
    closed_risks: Listed
    slips: Listed
    completions: Listed
    budget: list[BudgetMove]
    dependencies: Listed


def _listed(queryset: QuerySet[Any]) -> Listed:
    return Listed(list(queryset[:LIST_LIMIT]), queryset.count())


def changes_since(programs: QuerySet[Program], *, since: dt.date, today: dt.date) -> Changes:
    """Health (against the last snapshot on or before ``since``), risks, milestones, money
    (against that snapshot) and dependencies that changed from ``since`` to ``today``."""
    snapshot_date = (
        Snapshot.objects.filter(as_of__lte=since, program__isnull=True)
        .order_by("-as_of")
        .values_list("as_of", flat=True)
        .first()
    )
    # With no snapshot that old, ``as_of IS NULL`` finds nothing: the same query either way.
    before = {
        row.program_id: row
        for row in Snapshot.objects.filter(as_of=snapshot_date, program__in=programs)
    }
    figures = program_figures(
        list(programs.select_related("tpm", "director").order_by("code")),
        as_of=today,
        window_days=7,
        money_only=True,
    )
    health, budget = [], []
    for item in figures:
        then = before.get(item.program.pk)
        if then is None:
            continue
        computed_now = item.health.rag.value if item.health else ""
        reported_now = item.reported.value if item.reported else ""
        if (then.computed, then.reported) != (computed_now, reported_now):
            health.append(
                HealthChange(item.program, then.computed, computed_now, then.reported, reported_now)
            )
        now = item.counters
        move = BudgetMove(
            item.program,
            (then.bac, now["bac"]),
            (then.ac, now["ac"]),
            (then.forecast, now["forecast"]),
        )
        if any(move.deltas):
            budget.append(move)
    budget.sort(key=lambda move: (-abs(move.delta(move.forecast)), move.program.code))
    risks = Risk.objects.filter(program__in=programs).select_related("program", "owner")
    milestones = Milestone.objects.filter(project__program__in=programs)
    slips, slip_count = slips_since(milestones, since)
    return Changes(
        since=since,
        today=today,
        snapshot_date=snapshot_date,
        health=health,
        new_risks=_listed(
            risks.filter(identified_on__range=(since, today)).order_by("-identified_on", "pk")
        ),
        closed_risks=_listed(
            risks.filter(closed_on__range=(since, today)).order_by("-closed_on", "pk")
        ),
        slips=Listed(slips, slip_count),
        completions=_listed(
            milestones.filter(actual_date__range=(since, today))
            .select_related("project__program", "owner")
            .order_by("-actual_date", "pk")
        ),
        budget=budget[:LIST_LIMIT],
        dependencies=_listed(
            Dependency.objects.filter(
                Q(predecessor_project__program__in=programs)
                | Q(successor_project__program__in=programs),
                created_at__date__gte=since,
            )
            .select_related(
                "predecessor_project__program",
                "successor_project__program",
                "predecessor_milestone",
                "successor_milestone",
            )
            .order_by("-created_at", "pk")
        ),
    )


# -- people ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TpmLoad:
    person: Person
    programs: int
    active_programs: int
    projects: int
    allocated_today: int


@dataclass(frozen=True)
class PersonLoad:
    person: Person
    weeks: list[int]  # total allocation % in each week of the grid
    peak: int

    def over(self, limit: int) -> bool:
        return self.peak > limit


def tpm_load(programs: QuerySet[Program], *, today: dt.date) -> list[TpmLoad]:
    """Programs and projects per TPM of ``programs``, with their own allocation today. Three
    queries."""
    rows = list(
        Program.objects.filter(pk__in=programs.values("pk"))
        .order_by()
        .values("tpm_id")
        .annotate(
            count=Count("pk", distinct=True),
            active=Count("pk", filter=Q(status=ProgramStatus.ACTIVE), distinct=True),
            projects=Count("projects", distinct=True),
        )
    )
    ids = [row["tpm_id"] for row in rows]
    people = Person.objects.in_bulk(ids)
    allocated = _allocated_today(ids, today)
    loads = [
        TpmLoad(
            people[row["tpm_id"]],
            row["count"],
            row["active"],
            row["projects"],
            allocated.get(row["tpm_id"], 0),
        )
        for row in rows
    ]
    loads.sort(key=lambda load: (-load.active_programs, -load.projects, load.person.name))
    return loads


def _allocated_today(ids: list[int], today: dt.date) -> dict[int, int]:
    return dict(
        Allocation.objects.filter(person_id__in=ids, start_date__lte=today, end_date__gte=today)
        .order_by()
        .values("person_id")
        .annotate(total=Sum("percent"))
        .values_list("person_id", "total")
    )


def team_names() -> list[str]:
    """Every team a person belongs to, in alphabetical order (one query)."""
    return list(
        Person.objects.exclude(team="").order_by("team").values_list("team", flat=True).distinct()
    )


def grid_weeks(today: dt.date, *, back: int = 4, ahead: int = 8) -> list[dt.date]:
    """The Mondays of the allocation grid: ``back`` weeks before this one to ``ahead`` after."""
    monday = today - dt.timedelta(days=today.weekday())
    return [monday + dt.timedelta(days=7 * offset) for offset in range(-back, ahead + 1)]


def people_load(
    programs: QuerySet[Program], *, weeks: list[dt.date], team: str = "", over: int | None = None
) -> list[PersonLoad]:
    """Everyone allocated to a project of ``programs`` during the grid, with their *whole* load
    (all their allocations, whichever program) in each week — a week's load being the sum of the
    allocations overlapping it. ``over`` keeps those above that % in some week. Two queries."""
    first, last = weeks[0], weeks[-1] + dt.timedelta(days=6)
    overlapping = Q(start_date__lte=last, end_date__gte=first)
    people = Allocation.objects.filter(overlapping, project__program__in=programs)
    if team:
        people = people.filter(person__team=team)
    loads: dict[int, list[int]] = defaultdict(lambda: [0] * len(weeks))
    for person_id, percent, start, end in Allocation.objects.filter(
        overlapping, person_id__in=people.values("person_id")
    ).values_list("person_id", "percent", "start_date", "end_date"):
        for index, monday in enumerate(weeks):
            if start <= monday + dt.timedelta(days=6) and end >= monday:
                loads[person_id][index] += percent
    persons = Person.objects.in_bulk(list(loads))
    result = [
        PersonLoad(persons[person_id], weekly, max(weekly))
        for person_id, weekly in loads.items()
        if over is None or max(weekly) > over
    ]
    result.sort(key=lambda load: (-load.peak, load.person.name, load.person.pk))
    return result


# -- objectives -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ObjectiveRow:
    objective: Objective
    programs: list[ProgramFigures]
    total: Counters

    @property
    def money(self) -> evm.EarnedValue:
        return earned_value(self.total)

    @property
    def health_counts(self) -> list[int]:
        return [int(self.total[f"computed_{rag.value}"]) for rag in RAGS]

    @property
    def measures(self) -> tuple[str, ...]:
        """The measure's baseline, current and target values, each with as many decimals as
        the most precise of them needs ("5.0 → 23.2 → 40.0", not "5 → 23.20 → 40"); "—" where
        a value is not known."""
        objective = self.objective
        values = (objective.baseline_value, objective.current_value, objective.target_value)
        exponents = [int(v.normalize().as_tuple().exponent) for v in values if v is not None]
        places = max((-exponent for exponent in exponents if exponent < 0), default=0)
        return tuple("—" if v is None else f"{v:,.{places}f}" for v in values)


@dataclass(frozen=True)
class Alignment:
    rows: list[ObjectiveRow]
    unaligned: list[ProgramFigures]
    total: Counters


def objective_alignment(programs: QuerySet[Program], *, today: dt.date) -> Alignment:
    """Programs, budget and health per strategic objective; programs aligned to none."""
    figures = program_figures(
        list(programs.select_related("tpm", "director").order_by("code")),
        as_of=today,
        window_days=91,
        money_only=True,
    )
    by_id = {item.program.pk: item for item in figures}
    aligned: dict[int, list[ProgramFigures]] = defaultdict(list)
    linked: set[int] = set()
    for objective_id, program_id in Program.objectives.through.objects.filter(
        program_id__in=list(by_id)
    ).values_list("objective_id", "program_id"):
        aligned[objective_id].append(by_id[program_id])
        linked.add(program_id)
    rows = [
        ObjectiveRow(
            objective,
            sorted(aligned[objective.pk], key=lambda item: item.program.code),
            total(item.counters for item in aligned[objective.pk]),
        )
        for objective in Objective.objects.select_related("owner").order_by("code")
    ]
    return Alignment(
        rows=rows,
        unaligned=[item for item in figures if item.program.pk not in linked],
        total=total(item.counters for item in figures),
    )
