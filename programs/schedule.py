"""Critical path method and slip propagation over plain values (calendar days).

A node is a project (an activity with a duration) or a milestone (duration 0), keyed as in
``programs.graph``: ``(project_id, milestone_id_or_None)``. An edge says how the successor's dates
hang on the predecessor's, with a lag in days (negative: a lead):

* FS: successor starts ≥ predecessor finishes + lag
* SS: successor starts ≥ predecessor starts + lag
* FF: successor finishes ≥ predecessor finishes + lag
* SF: successor finishes ≥ predecessor starts + lag

Forward pass: ES = max(the node's own planned start, every incoming constraint); EF = ES + duration.
Backward pass: LF = min(the network's finish, the node's deadline if any, every outgoing
constraint); LS = LF − duration. Total float = LS − ES (negative when a deadline is already
impossible); free float = how far the node can slip before any successor must move. The critical
path is the nodes with the least total float (zero in a network without deadlines).
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from operator import sub
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

Node = tuple[int, int | None]


class Activity(NamedTuple):
    node: Node
    start: date  # planned (forecast) start; a milestone's start is its date
    duration: int  # days; 0 for a milestone
    deadline: date | None = None  # the finish promised (baseline) — drives negative float


class Link(NamedTuple):
    predecessor: Node
    successor: Node
    type: str = "FS"
    lag: int = 0


class Timing(NamedTuple):
    es: date
    ef: date
    ls: date
    lf: date
    total_float: int
    free_float: int


def topological_order(nodes: Iterable[Node], links: Sequence[Link]) -> list[Node]:
    """Kahn's algorithm; raises ValueError on a cycle (which the database refuses anyway)."""
    indegree: dict[Node, int] = dict.fromkeys(nodes, 0)
    following: dict[Node, list[Node]] = defaultdict(list)
    for link in links:
        indegree[link.successor] += 1
        following[link.predecessor].append(link.successor)
    queue = deque(
        sorted(
            (n for n, degree in indegree.items() if degree == 0), key=lambda n: (n[0], n[1] or 0)
        )
    )
    order: list[Node] = []
    while queue:
        node = queue.popleft()
        order.append(node)
        for successor in following[node]:
            indegree[successor] -= 1
            if indegree[successor] == 0:
                queue.append(successor)
    if len(order) != len(indegree):
        raise ValueError("the dependency network has a cycle")
    return order


# The four link types as (does the predecessor's start or finish count, does it bind the
# successor's start or finish): FS = finish → start, SS = start → start, FF = finish → finish,
# SF = start → finish.
FROM_FINISH = {"FS": True, "SS": False, "FF": True, "SF": False}
TO_FINISH = {"FS": False, "SS": False, "FF": True, "SF": True}


#: A deadline no date reaches: an activity nothing was promised for.
NO_DEADLINE = date.max.toordinal()


@dataclass
class Plan:
    """A network as the passes read it: one entry per node (its position), day numbers as
    ``date.toordinal()``, and one entry per link, its two ends as positions. Built from
    activities and links (``Plan.of``) or straight from the database as columns
    (``programs.network.load_plan``), which is how a whole-portfolio pass stays cheap."""

    nodes: list[Node]
    start: ArrayLike  # planned start
    duration: ArrayLike
    deadline: ArrayLike  # the finish promised; NO_DEADLINE where there is none
    predecessors: ArrayLike
    successors: ArrayLike
    types: Sequence[str]
    lags: ArrayLike

    @classmethod
    def of(cls, activities: Iterable[Activity], links: Sequence[Link]) -> Plan:
        activities = list(activities)
        position = {activity.node: i for i, activity in enumerate(activities)}
        return cls(
            nodes=[activity.node for activity in activities],
            start=[activity.start.toordinal() for activity in activities],
            duration=[activity.duration for activity in activities],
            deadline=[
                NO_DEADLINE if a.deadline is None else a.deadline.toordinal() for a in activities
            ],
            predecessors=[position[link.predecessor] for link in links],
            successors=[position[link.successor] for link in links],
            types=[link.type for link in links],
            lags=[link.lag for link in links],
        )


def critical_path(activities: Iterable[Activity], links: Sequence[Link]) -> Timings:
    """Early and late dates and floats of every activity."""
    return plan_timings(Plan.of(activities, links))


def plan_timings(plan: Plan) -> Timings:
    """The forward and backward passes over a plan, as array operations (NumPy): the nodes are
    peeled into levels (Kahn's algorithm a level at a time: a level's nodes depend only on
    earlier levels), then each pass relaxes one level's links at once. The work is a few array
    operations per level — a portfolio's dependency chains are tens of links deep, not
    thousands — instead of Python statements per link."""
    count = len(plan.nodes)
    if not count:
        return Timings([], [], [], [], [], [])
    p = np.asarray(plan.predecessors, dtype=np.int64)
    q = np.asarray(plan.successors, dtype=np.int64)
    duration = np.asarray(plan.duration, dtype=np.int64)
    # Every link type reduces to "successor start ≥ predecessor start + lead": the lag, plus the
    # predecessor's duration when its finish counts, less the successor's when its finish is
    # bound.
    from_finish = np.fromiter(map(FROM_FINISH.__getitem__, plan.types), bool, len(plan.types))
    to_finish = np.fromiter(map(TO_FINISH.__getitem__, plan.types), bool, len(plan.types))
    lead = (
        np.asarray(plan.lags, dtype=np.int64)
        + np.where(from_finish, duration[p], 0)
        - np.where(to_finish, duration[q], 0)
    )
    level = _levels(count, p, q)

    es = np.array(plan.start, dtype=np.int64)  # a copy: the pass writes into it
    for before, after, shift in _by_level(level[q], p, q, lead):  # successors' levels, upwards
        np.maximum.at(es, after, es[before] + shift)
    ef = es + duration
    finish = int(ef.max())
    ls = np.minimum(np.asarray(plan.deadline, dtype=np.int64), finish) - duration
    for before, after, shift in reversed(_by_level(level[p], p, q, lead)):  # and downwards
        np.minimum.at(ls, before, ls[after] - shift)

    # Free float: how far a node can slip before its first successor must move (before the
    # network's finish when nothing follows it).
    free = finish - ef
    slack = np.full(count, np.iinfo(np.int64).max)
    np.minimum.at(slack, p, es[q] - es[p] - lead)
    followed = np.bincount(p, minlength=count) > 0
    free[followed] = slack[followed]
    return Timings(
        plan.nodes,
        np.argsort(level, kind="stable").tolist(),
        es.tolist(),
        ls.tolist(),
        duration.tolist(),
        free.tolist(),
    )


def _levels(count: int, p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Each node's level: 0 for nodes nothing precedes, else one more than its highest
    predecessor's. Raises ValueError on a cycle (which the database refuses anyway)."""
    level = np.full(count, -1, dtype=np.int64)
    indegree = np.bincount(q, minlength=count)
    frontier = indegree == 0
    depth = 0
    while frontier.any():
        level[frontier] = depth
        leaving = frontier[p]
        indegree -= np.bincount(q[leaving], minlength=count)
        p, q = p[~leaving], q[~leaving]
        frontier = (indegree == 0) & (level < 0)
        depth += 1
    if (level < 0).any():
        raise ValueError("the dependency network has a cycle")
    return level


def _by_level(
    key: np.ndarray, p: np.ndarray, q: np.ndarray, lead: np.ndarray
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The links as (predecessors, successors, offsets) grouped by ``key`` (a level per link),
    lowest first."""
    order = np.argsort(key, kind="stable")
    key, p, q, lead = key[order], p[order], q[order], lead[order]
    cuts = [0, *(np.flatnonzero(np.diff(key)) + 1).tolist(), len(key)]
    return [(p[a:b], q[a:b], lead[a:b]) for a, b in pairwise(cuts) if a < b]


class Timings(Mapping[Node, Timing]):
    """The result of a pass, kept as day numbers by position; a node's ``Timing`` is built when
    asked for, so a whole-portfolio pass does not build 100,000 objects nobody reads."""

    def __init__(
        self,
        nodes: list[Node],
        order: list[int],
        es: list[int],
        ls: list[int],
        duration: list[int],
        free: list[int],
    ) -> None:
        self._nodes, self._order = nodes, order
        self._es, self._ls, self._duration, self._free = es, ls, duration, free
        self._index: dict[Node, int] | None = None

    def __getitem__(self, node: Node) -> Timing:
        if self._index is None:
            self._index = {node: i for i, node in enumerate(self._nodes)}
        i = self._index[node]
        es, ls, duration = self._es[i], self._ls[i], self._duration[i]
        return Timing(
            es=date.fromordinal(es),
            ef=date.fromordinal(es + duration),
            ls=date.fromordinal(ls),
            lf=date.fromordinal(ls + duration),
            total_float=ls - es,
            free_float=self._free[i],
        )

    def __iter__(self) -> Iterator[Node]:
        """The nodes in topological order."""
        return map(self._nodes.__getitem__, self._order)

    def __len__(self) -> int:
        return len(self._nodes)

    def floats(self) -> Iterator[tuple[Node, int]]:
        """(node, total float) for every node, without building Timings."""
        return zip(self._nodes, map(sub, self._ls, self._es), strict=True)


def critical_nodes(timings: Mapping[Node, Timing]) -> set[Node]:
    """The critical path: the nodes with the least total float (zero without deadlines; the most
    negative where a promised date is already impossible)."""
    floats = (
        list(timings.floats())
        if isinstance(timings, Timings)
        else [(node, timing.total_float) for node, timing in timings.items()]
    )
    if not floats:
        return set()
    least = min(value for _, value in floats)
    return {node for node, value in floats if value == least}


def _incoming(link: Link, pred_start: date, pred_finish: date, duration: int) -> date:
    """The earliest start the link allows its successor."""
    anchor = pred_finish if FROM_FINISH[link.type] else pred_start
    return anchor + timedelta(days=link.lag - (duration if TO_FINISH[link.type] else 0))


@dataclass(frozen=True)
class Move:
    """A downstream item that must move because of a slip."""

    node: Node
    old_start: date
    new_start: date
    old_finish: date
    new_finish: date
    deadline: date | None
    via: Node  # the predecessor that pushes it

    @property
    def days(self) -> int:
        return (self.new_finish - self.old_finish).days

    @property
    def breaches_deadline(self) -> bool:
        return (
            self.deadline is not None
            and self.new_finish > self.deadline
            and (self.old_finish <= self.deadline)
        )


def propagate_slip(
    activities: Iterable[Activity], links: Sequence[Link], moved: Node, days: int
) -> list[Move]:
    """Every item downstream of ``moved`` whose dates must move when ``moved`` finishes ``days``
    later, with its new dates — a report; nothing is rescheduled. Items only ever move later: an
    item with enough slack before its successor absorbs the slip."""
    by_node = {activity.node: activity for activity in activities}
    out_of: dict[Node, list[Link]] = defaultdict(list)
    for link in links:
        out_of[link.predecessor].append(link)
    start = {node: a.start for node, a in by_node.items()}
    finish = {node: a.start + timedelta(days=a.duration) for node, a in by_node.items()}
    new_start, new_finish = dict(start), dict(finish)
    # A slipping milestone moves whole; a slipping project keeps its start and finishes later.
    if by_node[moved].duration == 0:
        new_start[moved] = start[moved] + timedelta(days=days)
    new_finish[moved] = finish[moved] + timedelta(days=days)

    pushed_by: dict[Node, Node] = {}
    queue = deque([moved])
    while queue:
        node = queue.popleft()
        for link in out_of[node]:
            successor = link.successor
            duration = by_node[successor].duration
            required = _incoming(link, new_start[node], new_finish[node], duration)
            if required > new_start[successor]:
                new_start[successor] = required
                new_finish[successor] = required + timedelta(days=duration)
                pushed_by[successor] = node
                queue.append(successor)
    return [
        Move(
            node=node,
            old_start=start[node],
            new_start=new_start[node],
            old_finish=finish[node],
            new_finish=new_finish[node],
            deadline=by_node[node].deadline,
            via=via,
        )
        for node, via in pushed_by.items()
    ]
