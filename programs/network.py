"""The dependency network loaded from the database for ``programs.schedule``: three queries
(dependencies, the projects and the milestones they join), whatever the portfolio's size."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

from programs.models import Dependency, Milestone, Project
from programs.schedule import Activity, Link, Move, Node, propagate_slip


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


def _downstream(links: list[Link], start: Node) -> set[Node]:
    """``start`` and every node reachable from it."""
    following: dict[Node, list[Node]] = {}
    for link in links:
        following.setdefault(link.predecessor, []).append(link.successor)
    reached = {start}
    stack = [start]
    while stack:
        for successor in following.get(stack.pop(), ()):
            if successor not in reached:
                reached.add(successor)
                stack.append(successor)
    return reached


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
    """Which projects and which milestones stand at an end of the ``live`` dependencies."""
    projects = Q(pk__in=live.values("predecessor_project")) | Q(
        pk__in=live.values("successor_project")
    )
    milestones = Q(
        pk__in=live.exclude(predecessor_milestone=None).values("predecessor_milestone")
    ) | Q(pk__in=live.exclude(successor_milestone=None).values("successor_milestone"))
    return projects, milestones


def load_schedule() -> tuple[list[Activity], list[Link]]:
    """Only what the critical path method reads, for the whole portfolio: every live dependency,
    and the dates of the projects and milestones at its ends (no names, no joins) — three
    queries. ``load_network`` adds the labels a report shows."""
    live = Dependency.objects.live()
    links = [Link((a, b), (c, d), kind, lag) for a, b, c, d, kind, lag in live.values_list(*EDGE)]
    # Dates as ISO text, parsed here: no per-value converter (SQLite's declared-type parsing
    # included), which at 80,000 items costs more than the queries.
    day = date.fromisoformat
    project_filter, milestone_filter = _at_the_ends(live)
    projects = Project.objects.filter(project_filter).annotate(
        fs=Cast("forecast_start", CharField()),
        fe=Cast("forecast_end", CharField()),
        be=Cast("baseline_end", CharField()),
    )
    activities = []
    for pk, start, end, baseline in projects.values_list("pk", "fs", "fe", "be"):
        begin = day(start)
        activities.append(Activity((pk, None), begin, (day(end) - begin).days, day(baseline)))
    milestones = Milestone.objects.filter(milestone_filter).annotate(
        fd=Cast("forecast_date", CharField()), bd=Cast("baseline_date", CharField())
    )
    activities += [
        Activity((project, pk), day(forecast), 0, day(baseline))
        for pk, project, forecast, baseline in milestones.values_list(
            "pk", "project_id", "fd", "bd"
        )
    ]
    return activities, links


def load_network(extra: Node | None = None, *, downstream_of: Node | None = None) -> Network:
    """Every live dependency and the projects and milestones at its ends (plus ``extra``) — or,
    with ``downstream_of``, only that item and what depends on it, directly or not (what a slip
    report needs: the edges are read once, the dates of the reachable items only)."""
    live = Dependency.objects.live()
    rows = list(live.values_list(*EDGE, "committed_date"))
    links = [Link((a, b), (c, d), kind, lag) for a, b, c, d, kind, lag, _ in rows]
    if downstream_of is not None:
        reached = _downstream(links, downstream_of)
        links = [link for link in links if link.predecessor in reached]
        project_filter = Q(pk__in={project for project, _ in reached})
        milestone_filter = Q(pk__in={milestone for _, milestone in reached if milestone})
    else:
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
