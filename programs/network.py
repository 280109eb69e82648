"""The dependency network loaded from the database for ``programs.schedule``: three queries
(dependencies, the projects and the milestones they join), whatever the portfolio's size."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import compress, repeat
from typing import Any, NamedTuple

import numpy as np
from django.db import connections
from django.db.models import F, Func, IntegerField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from programs.choices import DependencyStatus
from programs.models import Dependency, Milestone, Project
from programs.schedule import Activity, Link, Move, Node, Plan, propagate_slip


class Item(NamedTuple):
    """What a report says about a node."""

    node: Node
    label: str
    program: str
    owner: str
    project_code: str
    milestone_name: str = ""


@dataclass
class Network:
    activities: dict[Node, Activity]
    links: list[Link]
    items: dict[Node, Item]
    commitments: dict[Node, list[tuple[Node, date]]]  # predecessor → (successor, committed date)


#: ``reached(project, milestone)``: an item (the parameters) and every item that depends on it,
#: directly or not, found by the database in one recursive query; UNION keeps each item once,
#: so the walk is as long as the downstream, not as the paths through it.
REACHED = """WITH RECURSIVE reached(project, milestone) AS (
    SELECT CAST(%s AS BIGINT), CAST(%s AS BIGINT)
    UNION
    SELECT d.successor_project_id, d.successor_milestone_id
    FROM programs_dependency d JOIN reached r
      ON d.predecessor_project_id = r.project
     AND COALESCE(d.predecessor_milestone_id, 0) = COALESCE(r.milestone, 0)
    WHERE d.status <> %s
) """
#: What a slip report reads of the reached items: the dependencies out of them, the projects
#: (a milestone's project comes too, for its label) and the milestones.
OUT_OF_REACHED = """SELECT d.id FROM programs_dependency d JOIN reached r
      ON d.predecessor_project_id = r.project
     AND COALESCE(d.predecessor_milestone_id, 0) = COALESCE(r.milestone, 0)"""
REACHED_PROJECTS = "SELECT project FROM reached"
REACHED_MILESTONES = "SELECT milestone FROM reached WHERE milestone IS NOT NULL"


def _downstream_of(node: Node, select: str) -> RawSQL:
    """``select`` (one of the constants above) over the items downstream of ``node``."""
    params = (node[0], node[1], DependencyStatus.CANCELLED)
    return RawSQL(REACHED + select, params)  # noqa: S611 — constant SQL, values as parameters


#: A dependency as the schedule reads it: its two ends, its type and its lag.
EDGE = (
    "predecessor_project_id",
    "predecessor_milestone_id",
    "successor_project_id",
    "successor_milestone_id",
    "type",
    "lag_days",
)


def _at_the_ends(live: QuerySet[Dependency]) -> tuple[Q, Q]:
    """Which projects and which milestones stand at an end of the ``live`` dependencies. (Two
    semi-joins OR-ed: PostgreSQL hashes each subquery once and scans the table; one semi-join
    on a UNION ALL of the ends makes it probe an index per row, twice as slow at large.)"""
    ends = live.order_by()
    projects = Q(pk__in=ends.values("predecessor_project")) | Q(
        pk__in=ends.values("successor_project")
    )
    milestones = Q(
        pk__in=ends.exclude(predecessor_milestone=None).values("predecessor_milestone")
    ) | Q(pk__in=ends.exclude(successor_milestone=None).values("successor_milestone"))
    return projects, milestones


class DayNumber(Func):
    """A date as its day number (``date.toordinal()``), worked out by the database: the
    portfolio's dates reach Python as plain integers, with no per-value conversion."""

    output_field = IntegerField()
    template = "(%(expressions)s - DATE '0001-01-01' + 1)"  # PostgreSQL: date − date is days

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) - 1721424.5 AS INTEGER)",
            **extra,
        )


def load_plan() -> Plan:
    """Only what the critical path method reads, for the whole portfolio, as integers: every
    live dependency as (predecessor, successor, type, lag) and the day numbers of the projects
    and milestones at its ends — three queries, no names, no joins, no model instances."""
    live = Dependency.objects.live()
    # A node as one integer: a milestone by its id, a project by its id negated; and the two
    # projects, which say which projects stand at an end.
    edges = live.values_list(
        Coalesce("predecessor_milestone_id", -F("predecessor_project_id")),
        Coalesce("successor_milestone_id", -F("successor_project_id")),
        "type",
        "lag_days",
        "predecessor_project_id",
        "successor_project_id",
    )
    _, milestone_filter = _at_the_ends(live)
    # Every project, kept below if it stands at an end: reading the whole small table is
    # cheaper than two semi-joins over the dependencies (94 → 5 ms on PostgreSQL at large).
    projects = Project.objects.values_list(
        "pk",
        DayNumber("forecast_start"),
        DayNumber("forecast_end") - DayNumber("forecast_start"),
        DayNumber("baseline_end"),
    )
    milestones = Milestone.objects.filter(milestone_filter).values_list(
        "pk", "project_id", DayNumber("forecast_date"), DayNumber("baseline_date")
    )
    # Columns, not rows: zip(*rows) and NumPy do the per-item work in C.
    sources, targets, types, lags, before, after = _columns(edges, 6)
    every_project = _columns(projects, 4)
    at_an_end = np.isin(
        _integers(every_project[0]), np.union1d(_integers(before), _integers(after))
    ).tolist()
    project_ids, starts, durations, deadlines = (
        tuple(compress(column, at_an_end)) for column in every_project
    )
    milestone_ids, their_projects, dates, promised = _columns(milestones, 4)
    keys = np.concatenate([-_integers(project_ids), _integers(milestone_ids)])
    by_key = np.argsort(keys)

    def positions(ends: tuple[int, ...]) -> np.ndarray:
        return by_key[np.searchsorted(keys, _integers(ends), sorter=by_key)]

    return Plan(
        nodes=[*zip(project_ids, repeat(None)), *zip(their_projects, milestone_ids, strict=True)],
        start=[*starts, *dates],
        duration=[*durations, *repeat(0, len(milestone_ids))],
        deadline=[*deadlines, *promised],
        predecessors=positions(sources),
        successors=positions(targets),
        types=types,
        lags=lags,
    )


def _integers(values: tuple[int, ...]) -> np.ndarray:
    return np.asarray(values, dtype=np.int64)


def _columns(queryset: QuerySet[Any], width: int) -> list[tuple[Any, ...]]:
    """The columns of the rows the queryset selects, exactly as the database driver returns
    them: one ``fetchall``, no per-row iterator or per-value converter (``width`` empty columns
    when there are no rows)."""
    queryset = queryset.order_by()  # rows in any order: no sort, no index walk
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    # Hundreds of thousands of values arrive as new objects at once; the cyclic collector
    # would walk the whole heap several times over while they do, for nothing (none of them
    # can form a cycle).
    with connections[queryset.db].cursor() as cursor, _collector_paused():
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        return list(zip(*rows, strict=True)) or [()] * width


@contextmanager
def _collector_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_network(extra: Node | None = None, *, downstream_of: Node | None = None) -> Network:
    """Every live dependency and the projects and milestones at its ends (plus ``extra``) — or,
    with ``downstream_of``, only that item and what depends on it, directly or not (what a slip
    report needs; the database walks the downstream, see ``REACHED``)."""
    live = Dependency.objects.live()
    if downstream_of is not None:
        # The dependencies out of the reached items, and the reached items (a milestone's
        # project row comes too, for its label).
        live = live.filter(pk__in=_downstream_of(downstream_of, OUT_OF_REACHED))
        project_filter = Q(pk__in=_downstream_of(downstream_of, REACHED_PROJECTS))
        milestone_filter = Q(pk__in=_downstream_of(downstream_of, REACHED_MILESTONES))
    rows = list(live.values_list(*EDGE, "committed_date"))
    links = [Link((a, b), (c, d), kind, lag) for a, b, c, d, kind, lag, _ in rows]
    if downstream_of is None:
        project_filter, milestone_filter = _at_the_ends(live)
        if extra:
            project_filter |= Q(pk=extra[0])
            if extra[1]:
                milestone_filter |= Q(pk=extra[1])
    commitments: dict[Node, list[tuple[Node, date]]] = {}
    for a, b, c, d, _, _, committed in rows:
        if committed is not None:
            commitments.setdefault((a, b), []).append(((c, d), committed))
    projects = Project.objects.filter(project_filter).values_list(
        "pk",
        "code",
        "name",
        "program__code",
        "lead__name",
        "forecast_start",
        "forecast_end",
        "baseline_end",
    )
    milestones = Milestone.objects.filter(milestone_filter).values_list(
        "pk",
        "project_id",
        "name",
        "forecast_date",
        "baseline_date",
        "owner__name",
        "project__code",
        "project__program__code",
        "project__lead__name",
    )
    activities: dict[Node, Activity] = {}
    items: dict[Node, Item] = {}
    for pk, code, name, program, lead, start, end, baseline in projects:
        node = (pk, None)
        activities[node] = Activity(node, start, (end - start).days, baseline)
        items[node] = Item(node, f"{code} {name}", program, lead or "", code)
    for pk, project, name, forecast, baseline, owner, code, program, lead in milestones:
        node = (project, pk)
        activities[node] = Activity(node, forecast, 0, baseline)
        items[node] = Item(node, f"{code} / {name}", program, owner or lead or "", code, name)
    if downstream_of is not None:  # a milestone's project row was loaded only for its label
        reached = {downstream_of} | {link.successor for link in links}
        activities = {node: a for node, a in activities.items() if node in reached}
    return Network(activities, links, items, commitments)


@dataclass(frozen=True)
class Impact:
    move: Move
    item: Item
    broken_commitments: list[tuple[Item, date]]


@dataclass(frozen=True)
class SlipReport:
    """What a slip of ``item`` by ``days`` does downstream."""

    item: Item
    days: int
    new_finish: date
    broken_commitments: list[tuple[Item, date]]  # the moved item's own promises it now breaks
    impacts: list[Impact]

    @property
    def programs(self) -> list[str]:
        """Other programs that must move."""
        return sorted({i.item.program for i in self.impacts} - {self.item.program})


def _broken(network: Network, node: Node, finish: date) -> list[tuple[Item, date]]:
    return [
        (network.items[successor], committed)
        for successor, committed in network.commitments.get(node, [])
        if finish > committed
    ]


def slip_impact(network: Network, moved: Node, days: int) -> SlipReport:
    """Every downstream item that must move, with the commitments each new finish breaks."""
    moves = propagate_slip(network.activities.values(), network.links, moved, days)
    activity = network.activities[moved]
    new_finish = activity.start + timedelta(days=activity.duration + days)
    return SlipReport(
        item=network.items[moved],
        days=days,
        new_finish=new_finish,
        broken_commitments=_broken(network, moved, new_finish),
        impacts=[
            Impact(move, network.items[move.node], _broken(network, move.node, move.new_finish))
            for move in sorted(moves, key=lambda m: (m.new_finish, network.items[m.node].label))
        ],
    )
