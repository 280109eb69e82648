"""What a program's timeline and dependency graph show: its projects and milestones, the
dependencies touching them (with the other programs' items at their far ends), and the critical
path through them — three queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from operator import itemgetter

from django.db.models import Count, F, Max, Min, Q
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from programs.models import Dependency, Milestone, Program, Project
from programs.network import load_plan
from programs.querysets import DEPENDENCY_TROUBLE
from programs.schedule import (
    Activity,
    Link,
    Node,
    Timing,
    critical_nodes,
    critical_path,
    plan_timings,
    topological_order,
)
from tpmo.charts import Arrow, Gantt, Mark, Row, gantt
from tpmo.datastate import remembered

DEPENDENCY_JOINS = (
    "predecessor_project__program",
    "predecessor_milestone",
    "successor_project__program",
    "successor_milestone",
)


@dataclass
class Schedule:
    program: Program
    projects: list[Project]
    milestones: dict[int, list[Milestone]]
    dependencies: list[Dependency]
    external: dict[Node, tuple[str, str, date, date]]  # node → (label, program code, start, finish)
    timings: dict[Node, Timing] = field(default_factory=dict)
    critical: set[Node] = field(default_factory=set)


@dataclass(frozen=True)
class CriticalItem:
    """An item on a program's critical path, as its table lists it."""

    timing: Timing
    label: str
    program_code: str  # the item's program (another one's, for an item this program waits on)
    href: str  # its project's page ("" for another program's item)


def critical_items(schedule: Schedule) -> list[CriticalItem]:
    """Every item on the program's critical path, earliest first: its projects and milestones,
    and the other programs' items the chain runs through."""
    projects = {project.pk: project for project in schedule.projects}
    names = {m.pk: m.name for group in schedule.milestones.values() for m in group}
    code = schedule.program.code
    items = []
    for node in schedule.critical:
        project_id, milestone_id = node
        if project_id in projects:
            project = projects[project_id]
            label = str(project)
            if milestone_id is not None:
                label = f"{project.code} / {names[milestone_id]}"
            href = reverse("project-detail", args=[project.code])
            items.append(CriticalItem(schedule.timings[node], label, code, href))
        elif node in schedule.external:
            label, other, _, _ = schedule.external[node]
            items.append(CriticalItem(schedule.timings[node], label, other, ""))
    return sorted(items, key=lambda item: (item.timing.es, item.label))


def _node(project_id: int, milestone: Milestone | None) -> Node:
    return (project_id, milestone.pk if milestone else None)


def program_schedule(program: Program) -> Schedule:
    projects = list(program.projects.select_related("lead").order_by("forecast_start", "code"))
    milestones: dict[int, list[Milestone]] = {}
    for milestone in Milestone.objects.filter(project__program=program).order_by("forecast_date"):
        milestones.setdefault(milestone.project_id, []).append(milestone)
    # By the program's project ids: each side is then an index search (through the program,
    # the database would join every dependency to its projects first).
    ids = [project.pk for project in projects]
    dependencies = list(
        Dependency.objects.live()
        .filter(Q(predecessor_project__in=ids) | Q(successor_project__in=ids))
        .select_related(*DEPENDENCY_JOINS)
        .order_by("pk")
    )
    activities: dict[Node, Activity] = {}
    for project in projects:
        node = (project.pk, None)
        duration = (project.forecast_end - project.forecast_start).days
        activities[node] = Activity(node, project.forecast_start, duration, project.baseline_end)
        for milestone in milestones.get(project.pk, []):
            mnode = (project.pk, milestone.pk)
            activities[mnode] = Activity(mnode, milestone.forecast_date, 0, milestone.baseline_date)
    external: dict[Node, tuple[str, str, date, date]] = {}
    links = []
    for dependency in dependencies:
        for project, milestone in (
            (dependency.predecessor_project, dependency.predecessor_milestone),
            (dependency.successor_project, dependency.successor_milestone),
        ):
            node = _node(project.pk, milestone)
            if node in activities:
                continue
            if milestone is not None:
                start = finish = milestone.forecast_date
                label = f"{project.code} / {milestone.name}"
                deadline = milestone.baseline_date
            else:
                start, finish = project.forecast_start, project.forecast_end
                label, deadline = project.code, project.baseline_end
            activities[node] = Activity(node, start, (finish - start).days, deadline)
            external[node] = (label, project.program.code, start, finish)
        links.append(
            Link(
                _node(dependency.predecessor_project_id, dependency.predecessor_milestone),
                _node(dependency.successor_project_id, dependency.successor_milestone),
                dependency.type,
                dependency.lag_days,
            )
        )
    timings = critical_path(activities.values(), links)
    return Schedule(
        program, projects, milestones, dependencies, external, timings, critical_nodes(timings)
    )


def _ends(dependency: Dependency) -> tuple[date, date]:
    """The dates an arrow joins: the predecessor's finish (FS, FF) or start (SS, SF), and the
    successor's start (FS, SS) or finish (FF, SF)."""
    pred_ms, succ_ms = dependency.predecessor_milestone, dependency.successor_milestone
    pred = dependency.predecessor_project
    succ = dependency.successor_project
    pred_start = pred_ms.forecast_date if pred_ms else pred.forecast_start
    pred_end = pred_ms.forecast_date if pred_ms else pred.forecast_end
    succ_start = succ_ms.forecast_date if succ_ms else succ.forecast_start
    succ_end = succ_ms.forecast_date if succ_ms else succ.forecast_end
    kind = dependency.type
    return (
        pred_end if kind in ("FS", "FF") else pred_start,
        succ_start if kind in ("FS", "SS") else succ_end,
    )


def timeline_chart(schedule: Schedule, today: date) -> Gantt:
    """The program's Gantt: baseline and forecast bars, milestone diamonds, the critical path,
    today, and dependency arrows (items of other programs in their own rows)."""
    rows = []
    for project in schedule.projects:
        critical = (project.pk, None) in schedule.critical
        marks = [
            Mark("bar", project.baseline_start, project.baseline_end, "baseline", "Baseline"),
            Mark(
                "bar",
                project.forecast_start,
                project.forecast_end,
                "forecast critical" if critical else "forecast",
                f"Forecast {project.forecast_start:%d %b %Y} – {project.forecast_end:%d %b %Y}",
            ),
        ]
        for milestone in schedule.milestones.get(project.pk, []):
            late = milestone.forecast_date > milestone.baseline_date
            on_path = (project.pk, milestone.pk) in schedule.critical
            css = "milestone" + (" late" if late else "") + (" critical" if on_path else "")
            marks.append(
                Mark(
                    "diamond",
                    milestone.forecast_date,
                    milestone.forecast_date,
                    css,
                    f"{milestone.name}: forecast {milestone.forecast_date:%d %b %Y}, "
                    f"baseline {milestone.baseline_date:%d %b %Y}",
                )
            )
        rows.append(
            Row(
                project.pk,
                f"{project.code} {project.name}",
                project.get_absolute_url(),
                tuple(marks),
            )
        )
    for node, (label, program_code, start, finish) in schedule.external.items():
        kind = "diamond" if start == finish else "bar"
        rows.append(
            Row(
                node,
                f"{label} ({program_code})",
                "",
                (Mark(kind, start, finish, "external", f"{label}, program {program_code}"),),
                css="external",
            )
        )
    arrows = []
    for dependency in schedule.dependencies:
        start, end = _ends(dependency)
        pred = _row_key(
            schedule, dependency.predecessor_project_id, dependency.predecessor_milestone
        )
        succ = _row_key(schedule, dependency.successor_project_id, dependency.successor_milestone)
        css = "arrow trouble" if troubled(dependency) else "arrow"
        arrows.append(Arrow(pred, start, succ, end, css, str(dependency)))
    return gantt(f"Timeline of {schedule.program.code}", rows, today=today, arrows=arrows)


def _row_key(schedule: Schedule, project_id: int, milestone: Milestone | None) -> object:
    node = _node(project_id, milestone)
    return node if node in schedule.external else project_id


@dataclass(frozen=True)
class GraphNode:
    key: Node
    label: str
    program: str
    css: str
    x: float
    y: float
    href: str


@dataclass(frozen=True)
class GraphEdge:
    path: str
    css: str
    title: str


@dataclass(frozen=True)
class Graph:
    title: str
    width: int
    height: int
    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]
    programs: tuple[tuple[str, str], ...]  # (program code, css class) legend

    @cached_property
    def nodes_svg(self) -> SafeString:
        """The nodes as SVG, written once per graph (and a remembered graph is reused), instead
        of three elements of formatted numbers per node in the template."""
        return format_html_join(
            "\n",
            '<g class="node {}"><rect x="{}" y="{}" width="{}" height="{}" rx="4"/>'
            '<text x="{}" y="{}"><a href="{}">{}</a></text>'
            '<text x="{}" y="{}" class="program-code">{}</text></g>',
            (
                (
                    node.css,
                    f"{node.x:.1f}",
                    f"{node.y:.1f}",
                    NODE_W,
                    NODE_H,
                    int(node.x) + 6,
                    int(node.y) + 14,
                    node.href,
                    Truncator(node.label).chars(28),
                    int(node.x) + 6,
                    int(node.y) + 28,
                    node.program,
                )
                for node in self.nodes
            ),
        )

    def edges_svg(self, id: str) -> SafeString:
        """The edges as SVG paths ending in the arrowhead of the figure ``id`` (its marker is
        ``<id>-head``), written once per graph and figure: a portfolio's thousands of edges made
        the page template-bound."""
        drawn = self._edges_svg.get(id)
        if drawn is None:
            drawn = self._edges_svg[id] = format_html_join(
                "",
                '<path d="{}" class="{}" marker-end="url(#{}-head)"><title>{}</title></path>',
                ((edge.path, edge.css, id, edge.title) for edge in self.edges),
            )
        return drawn

    @cached_property
    def _edges_svg(self) -> dict[str, SafeString]:
        return {}


NODE_W, NODE_H, LAYER_GAP, ROW_GAP = 170, 34, 60, 14
PALETTE = 6


def layered_graph(
    title: str,
    nodes: dict[Node, tuple[str, str, str]],  # node → (label, program code, href)
    edges: list[tuple[Node, Node, bool, str]],  # (from, to, troubled, title)
    home_program: str = "",
) -> Graph:
    """A left-to-right layered drawing: each node in the layer one past its deepest predecessor
    (longest path), nodes coloured by program."""
    order = topological_order_of(nodes, edges)
    layer: dict[Node, int] = dict.fromkeys(nodes, 0)  # longest path from a source
    following: dict[Node, list[Node]] = {}
    for start, end, _, _ in edges:
        following.setdefault(start, []).append(end)
    for node in order:
        for successor in following.get(node, []):
            layer[successor] = max(layer[successor], layer[node] + 1)
    programs = sorted(
        {program for _, program, _ in nodes.values()}, key=lambda p: (p != home_program, p)
    )
    css_of = {program: f"program-{index % PALETTE}" for index, program in enumerate(programs)}
    count_in: dict[int, int] = {}
    placed: dict[Node, GraphNode] = {}
    for node in order:
        depth = layer[node]
        row = count_in.get(depth, 0)
        count_in[depth] = row + 1
        label, program, href = nodes[node]
        placed[node] = GraphNode(
            node,
            label,
            program,
            css_of[program],
            10 + depth * (NODE_W + LAYER_GAP),
            10 + row * (NODE_H + ROW_GAP),
            href,
        )
    drawn_edges = []
    for start, end, troubled, edge_title in edges:
        a, b = placed[start], placed[end]
        x1, y1 = a.x + NODE_W, a.y + NODE_H / 2
        x2, y2 = b.x, b.y + NODE_H / 2
        middle = (x1 + x2) / 2
        path = f"M{x1:.1f},{y1:.1f} C{middle:.1f},{y1:.1f} {middle:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"
        drawn_edges.append(GraphEdge(path, "edge trouble" if troubled else "edge", edge_title))
    width = 20 + (max(layer.values(), default=0) + 1) * (NODE_W + LAYER_GAP)
    height = 20 + max(count_in.values(), default=1) * (NODE_H + ROW_GAP)
    return Graph(
        title,
        width,
        height,
        tuple(placed.values()),
        tuple(drawn_edges),
        tuple((program, css_of[program]) for program in programs),
    )


def topological_order_of(
    nodes: dict[Node, tuple[str, str, str]], edges: list[tuple[Node, Node, bool, str]]
) -> list[Node]:
    return topological_order(nodes, [Link(start, end) for start, end, _, _ in edges])


def troubled(dependency: Dependency) -> bool:
    """Blocked, at risk, uncommitted, or committed after the date needed."""
    return dependency.status in ("blocked", "at_risk", "requested") or dependency.committed_late


def dependency_graph(schedule: Schedule) -> Graph:
    """The program's dependency graph: its items and the other programs' items they touch."""
    nodes: dict[Node, tuple[str, str, str]] = {}
    edges = []
    for dependency in schedule.dependencies:
        ends = []
        for project, milestone in (
            (dependency.predecessor_project, dependency.predecessor_milestone),
            (dependency.successor_project, dependency.successor_milestone),
        ):
            node = _node(project.pk, milestone)
            label = (
                f"{project.code} / {milestone.name}"
                if milestone
                else f"{project.code} {project.name}"
            )
            nodes[node] = (label, project.program.code, project.get_absolute_url())
            ends.append(node)
        edges.append((ends[0], ends[1], troubled(dependency), str(dependency)))
    return layered_graph(
        f"Dependencies of {schedule.program.code}", nodes, edges, home_program=schedule.program.code
    )


def _layering_edges(
    nodes: list[Node], edges: list[tuple[Node, Node, bool, str]]
) -> list[tuple[Node, Node, bool, str]]:
    """The edges of ``edges`` without those that would close a cycle (depth-first, back edges
    dropped), so that programs that depend on each other both ways can still be layered."""
    following: dict[Node, list[tuple[Node, Node, bool, str]]] = {}
    for edge in edges:
        following.setdefault(edge[0], []).append(edge)
    state: dict[Node, int] = {}  # 1 = on the stack, 2 = done
    kept: list[tuple[Node, Node, bool, str]] = []
    for root in nodes:
        if root in state:
            continue
        stack = [(root, iter(following.get(root, [])))]
        state[root] = 1
        while stack:
            node, pending = stack[-1]
            edge = next(pending, None)
            if edge is None:
                state[node] = 2
                stack.pop()
                continue
            target = edge[1]
            if state.get(target) == 1:
                continue  # a back edge: drawn, but not used for layering
            kept.append(edge)
            if target not in state:
                state[target] = 1
                stack.append((target, iter(following.get(target, []))))
    return kept


def portfolio_graph(user: object) -> Graph:
    """Programs and the dependencies between them (how many, how many in trouble): one query."""
    rows = (
        Dependency.objects.live()
        .exclude(predecessor_project__program=F("successor_project__program"))
        .filter(successor_project__program__in=Program.objects.visible_to(user))
        .order_by()
        .values(
            "predecessor_project__program__code",
            "predecessor_project__program__name",
            "successor_project__program__code",
            "successor_project__program__name",
        )
        .annotate(total=Count("pk"), trouble=Count("pk", filter=DEPENDENCY_TROUBLE))
        .order_by("predecessor_project__program__code", "successor_project__program__code")
    )
    nodes: dict[Node, tuple[str, str, str]] = {}
    edges = []
    keys: dict[str, Node] = {}
    for row in rows:
        ends = []
        for end in ("predecessor", "successor"):
            code, name = row[f"{end}_project__program__code"], row[f"{end}_project__program__name"]
            if code not in keys:
                keys[code] = (len(keys) + 1, None)
                nodes[keys[code]] = (name, code, reverse("program-dependencies", args=[code]))
            ends.append(keys[code])
        title = f"{row['total']} dependencies, {row['trouble']} in trouble"
        edges.append((ends[0], ends[1], row["trouble"] > 0, title))
    layering = _layering_edges(list(nodes), edges)
    graph = layered_graph("Dependencies between programs", nodes, layering)
    drawn = {(edge[0], edge[1]) for edge in layering}
    extra = [edge for edge in edges if (edge[0], edge[1]) not in drawn]
    return _with_extra_edges(graph, extra)


def _with_extra_edges(graph: Graph, edges: list[tuple[Node, Node, bool, str]]) -> Graph:
    placed = {node.key: node for node in graph.nodes}
    more = []
    for start, end, trouble, title in edges:
        a, b = placed[start], placed[end]
        x1, y1, x2, y2 = a.x + NODE_W / 2, a.y, b.x + NODE_W / 2, b.y + NODE_H
        curve = f"C{x1:.1f},{y1 - 40:.1f} {x2:.1f},{y2 + 40:.1f} {x2:.1f},{y2:.1f}"
        more.append(
            GraphEdge(
                f"M{x1:.1f},{y1:.1f} {curve}",
                "edge trouble" if trouble else "edge",
                title + " (back edge)",
            )
        )
    return Graph(
        graph.title,
        graph.width,
        graph.height,
        graph.nodes,
        graph.edges + tuple(more),
        graph.programs,
    )


def _critical_programs() -> set[int]:
    """The programs holding an item of the portfolio's critical path (the whole network)."""
    return set(
        Project.objects.filter(
            pk__in=[node[0] for node in critical_nodes(plan_timings(load_plan()))]
        ).values_list("program", flat=True)
    )


def portfolio_chart(programs: list[Program], today: date) -> Gantt:
    """Each program's planned span (its dates) and forecast span (its projects'), its key
    milestones, the dependencies between the programs shown, and the critical path: programs
    holding an item of the portfolio's least-float chain are drawn red. Five queries."""
    ids = [program.pk for program in programs]
    spans = {
        row["program"]: row
        for row in Project.objects.filter(program__in=ids)
        .order_by()
        .values("program")
        .annotate(start=Min("forecast_start"), end=Max("forecast_end"))
    }
    key_milestones: dict[int, list[tuple[str, date, date]]] = {}
    # Every milestone of the programs' projects, the key ones kept here: asked for in SQL,
    # SQLite without statistics walks the (is_key, forecast_date) index through all the
    # portfolio's key milestones (65,000 at large, 146 ms) instead of the projects' own.
    milestones = Milestone.objects.filter(project__program__in=ids).values_list(
        "project__program", "name", "forecast_date", "baseline_date", "is_key"
    )
    key_ones = [row for row in milestones.order_by() if row[4]]
    for program_id, name, forecast, baseline, _ in sorted(key_ones, key=itemgetter(2)):
        key_milestones.setdefault(program_id, []).append((name, forecast, baseline))
    critical_programs = remembered(("critical-programs",), _critical_programs)
    rows = []
    for program in programs:
        span = spans.get(program.pk)
        marks = [Mark("bar", program.start_date, program.end_date, "baseline", "Planned span")]
        if span:
            css = "forecast critical" if program.pk in critical_programs else "forecast"
            marks.append(
                Mark(
                    "bar",
                    span["start"],
                    span["end"],
                    css,
                    f"Forecast {span['start']:%d %b %Y} – {span['end']:%d %b %Y}",
                )
            )
        for name, forecast, baseline in key_milestones.get(program.pk, []):
            css = "milestone late" if forecast > baseline else "milestone"
            marks.append(
                Mark(
                    "diamond",
                    forecast,
                    forecast,
                    css,
                    f"{name}: {forecast:%d %b %Y} (baseline {baseline:%d %b %Y})",
                )
            )
        rows.append(
            Row(
                program.pk,
                f"{program.code} {program.name}",
                program.get_absolute_url(),
                tuple(marks),
            )
        )
    arrows = [
        Arrow(
            pred,
            spans[pred]["end"],
            succ,
            spans[succ]["start"],
            "arrow trouble" if trouble else "arrow",
            f"{count} dependencies",
        )
        for pred, succ, count, trouble in Dependency.objects.live()
        .filter(predecessor_project__program__in=ids, successor_project__program__in=ids)
        .exclude(predecessor_project__program=F("successor_project__program"))
        .order_by()
        .values_list("predecessor_project__program", "successor_project__program")
        .annotate(count=Count("pk"), trouble=Count("pk", filter=DEPENDENCY_TROUBLE))
        if pred in spans and succ in spans
    ]
    return gantt("Portfolio timeline", rows, today=today, arrows=arrows)
