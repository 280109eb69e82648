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

import gc
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

Node = tuple[int, int | None]
DAY = timedelta(days=1)


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


@contextmanager
def _without_gc() -> Iterator[None]:
    """The passes allocate many small objects; the cyclic collector only slows them down."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def critical_path(activities: Iterable[Activity], links: Sequence[Link]) -> Timings:
    """Early and late dates and floats of every activity.

    Dates are worked as day numbers (ordinals) in flat lists indexed by topological position: a
    pass over the whole portfolio's network is plain Python over integers.
    """
    with _without_gc():
        return _critical_path(list(activities), links)


def _critical_path(activities: list[Activity], links: Sequence[Link]) -> Timings:
    position = {activity.node: i for i, activity in enumerate(activities)}
    successors: list[list[int]] = [[] for _ in activities]
    indegree = [0] * len(activities)
    for link in links:
        p, q = position[link.predecessor], position[link.successor]
        successors[p].append(q)
        indegree[q] += 1
    ranked = [i for i, degree in enumerate(indegree) if degree == 0]
    for i in ranked:  # grows while it is walked: Kahn's algorithm
        for q in successors[i]:
            indegree[q] -= 1
            if indegree[q] == 0:
                ranked.append(q)
    if len(ranked) != len(activities):
        raise ValueError("the dependency network has a cycle")
    order = [activities[i].node for i in ranked]
    index = {node: k for k, node in enumerate(order)}
    count = len(order)
    duration = [activities[i].duration for i in ranked]
    own_start = [activities[i].start.toordinal() for i in ranked]
    deadline = [
        d.toordinal() if (d := activities[i].deadline) is not None else None for i in ranked
    ]
    into: list[list[tuple[int, bool, bool, int]]] = [[] for _ in range(count)]
    out_of: list[list[tuple[int, bool, bool, int]]] = [[] for _ in range(count)]
    for link in links:
        p, q = index[link.predecessor], index[link.successor]
        from_finish, to_finish = FROM_FINISH[link.type], TO_FINISH[link.type]
        into[q].append((p, from_finish, to_finish, link.lag))
        out_of[p].append((q, from_finish, to_finish, link.lag))

    es = [0] * count
    for q in range(count):
        start = own_start[q]
        for p, from_finish, to_finish, lag in into[q]:
            anchor = es[p] + duration[p] if from_finish else es[p]
            allowed = anchor + lag - (duration[q] if to_finish else 0)
            if allowed > start:
                start = allowed
        es[q] = start
    ef = [es[i] + duration[i] for i in range(count)]
    finish = max(ef, default=0)

    lf = [0] * count
    for p in range(count - 1, -1, -1):
        promised = deadline[p]
        latest = finish if promised is None else min(finish, promised)
        for q, from_finish, to_finish, lag in out_of[p]:
            bound = (lf[q] if to_finish else lf[q] - duration[q]) - lag
            allowed = bound if from_finish else bound + duration[p]
            if allowed < latest:
                latest = allowed
        lf[p] = latest

    return Timings(order, es, ef, lf, duration, out_of, finish)


class Timings(Mapping[Node, Timing]):
    """The result of a pass, kept as day numbers; a node's ``Timing`` is built when asked for,
    so a whole-portfolio pass does not build 100,000 objects nobody reads."""

    def __init__(
        self,
        order: list[Node],
        es: list[int],
        ef: list[int],
        lf: list[int],
        duration: list[int],
        out_of: list[list[tuple[int, bool, bool, int]]],
        finish: int,
    ) -> None:
        self._order = order
        self._index = {node: i for i, node in enumerate(order)}
        self._es, self._ef, self._lf, self._duration = es, ef, lf, duration
        self._out_of, self._finish = out_of, finish

    def __getitem__(self, node: Node) -> Timing:
        i = self._index[node]
        es, ef, lf = self._es, self._ef, self._lf
        free = min(
            (
                (ef[q] if to_finish else es[q]) - ((ef[i] if from_finish else es[i]) + lag)
                for q, from_finish, to_finish, lag in self._out_of[i]
            ),
            default=self._finish - ef[i],
        )
        return Timing(
            es=date.fromordinal(es[i]),
            ef=date.fromordinal(ef[i]),
            ls=date.fromordinal(lf[i] - self._duration[i]),
            lf=date.fromordinal(lf[i]),
            total_float=lf[i] - ef[i],
            free_float=free,
        )

    def __iter__(self) -> Iterator[Node]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)

    def floats(self) -> Iterator[tuple[Node, int]]:
        """(node, total float) for every node, without building Timings."""
        return zip(
            self._order, (lf - ef for lf, ef in zip(self._lf, self._ef, strict=True)), strict=True
        )


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
