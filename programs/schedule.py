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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

Node = tuple[int, int | None]
DAY = timedelta(days=1)


@dataclass(frozen=True)
class Activity:
    node: Node
    start: date  # planned (forecast) start; a milestone's start is its date
    duration: int  # days; 0 for a milestone
    deadline: date | None = None  # the finish promised (baseline) — drives negative float


@dataclass(frozen=True)
class Link:
    predecessor: Node
    successor: Node
    type: str = "FS"
    lag: int = 0


@dataclass(frozen=True)
class Timing:
    es: date
    ef: date
    ls: date
    lf: date
    total_float: int
    free_float: int

    @property
    def critical(self) -> bool:
        return self.total_float <= 0


def _incoming(link: Link, pred_es: date, pred_ef: date, duration: int) -> date:
    """The earliest start the link allows its successor."""
    lag = timedelta(days=link.lag)
    if link.type == "FS":
        return pred_ef + lag
    if link.type == "SS":
        return pred_es + lag
    if link.type == "FF":
        return pred_ef + lag - timedelta(days=duration)
    if link.type == "SF":
        return pred_es + lag - timedelta(days=duration)
    raise ValueError(f"unknown dependency type {link.type!r}")


def _outgoing(link: Link, succ_ls: date, succ_lf: date, duration: int) -> date:
    """The latest finish the link allows its predecessor."""
    lag = timedelta(days=link.lag)
    if link.type == "FS":
        return succ_ls - lag
    if link.type == "SS":
        return succ_ls - lag + timedelta(days=duration)
    if link.type == "FF":
        return succ_lf - lag
    if link.type == "SF":
        return succ_lf - lag + timedelta(days=duration)
    raise ValueError(f"unknown dependency type {link.type!r}")


def topological_order(nodes: Iterable[Node], links: Sequence[Link]) -> list[Node]:
    """Kahn's algorithm; raises ValueError on a cycle (which the database refuses anyway)."""
    indegree: dict[Node, int] = dict.fromkeys(nodes, 0)
    following: dict[Node, list[Node]] = defaultdict(list)
    for link in links:
        indegree[link.successor] += 1
        following[link.predecessor].append(link.successor)
    queue = deque(sorted(node for node, degree in indegree.items() if degree == 0))
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


def critical_path(activities: Iterable[Activity], links: Sequence[Link]) -> dict[Node, Timing]:
    """Early and late dates and floats of every activity."""
    by_node = {activity.node: activity for activity in activities}
    order = topological_order(by_node, links)
    into: dict[Node, list[Link]] = defaultdict(list)
    out_of: dict[Node, list[Link]] = defaultdict(list)
    for link in links:
        into[link.successor].append(link)
        out_of[link.predecessor].append(link)

    es: dict[Node, date] = {}
    ef: dict[Node, date] = {}
    for node in order:
        activity = by_node[node]
        start = activity.start
        for link in into[node]:
            start = max(
                start,
                _incoming(link, es[link.predecessor], ef[link.predecessor], activity.duration),
            )
        es[node], ef[node] = start, start + timedelta(days=activity.duration)

    finish = max(ef.values(), default=None)
    ls: dict[Node, date] = {}
    lf: dict[Node, date] = {}
    for node in reversed(order):
        activity = by_node[node]
        latest = finish if finish is not None else ef[node]
        if activity.deadline is not None:
            latest = min(latest, activity.deadline)
        for link in out_of[node]:
            latest = min(
                latest, _outgoing(link, ls[link.successor], lf[link.successor], activity.duration)
            )
        lf[node], ls[node] = latest, latest - timedelta(days=activity.duration)

    timings = {}
    for node in order:
        slack = [
            _incoming_slack(link, es, ef, by_node[link.successor].duration) for link in out_of[node]
        ]
        timings[node] = Timing(
            es=es[node],
            ef=ef[node],
            ls=ls[node],
            lf=lf[node],
            total_float=(ls[node] - es[node]).days,
            free_float=min(slack) if slack else (finish - ef[node]).days if finish else 0,
        )
    return timings


def _incoming_slack(link: Link, es: dict[Node, date], ef: dict[Node, date], duration: int) -> int:
    """How many days the predecessor can slip before this link moves its successor."""
    allowed = _incoming(link, es[link.predecessor], ef[link.predecessor], duration)
    return (es[link.successor] - allowed).days


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
