"""Dependency graph calculations over plain values (no ORM).

A node is ``(project_id, milestone_id_or_None)``: a whole project, or one of its milestones.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

Node = tuple[int, int | None]
Edge = tuple[Node, Node]


def node_of(project_id: int, milestone_id: int | None) -> Node:
    return (project_id, milestone_id)


def find_cycle(edges: Iterable[Edge], source: Node, target: Node) -> list[Node] | None:
    """The cycle that adding ``source → target`` would close, or None.

    Adding the edge closes a cycle exactly when ``source`` is already reachable from ``target``.
    The answer is the shortest such path, written as the cycle it makes:
    ``[source, target, …, source]``. Breadth-first search, O(V + E).
    """
    if source == target:
        return [source, source]
    successors: dict[Node, list[Node]] = {}
    for start, end in edges:
        successors.setdefault(start, []).append(end)
    parent: dict[Node, Node | None] = {target: None}
    queue = deque([target])
    while queue:
        node = queue.popleft()
        if node == source:
            path = [node]
            step = parent[node]
            while step is not None:
                path.append(step)
                step = parent[step]
            path.reverse()  # target … source
            return [source, *path]
        for following in successors.get(node, ()):
            if following not in parent:
                parent[following] = node
                queue.append(following)
    return None
