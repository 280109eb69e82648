"""Template helpers: RAG badges that never rely on colour alone, sortable headers, slip."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from tpmo.charts import Gantt
from tpmo.formats import brief, day

register = template.Library()

RAG_ICONS = {"green": "●", "amber": "▲", "red": "■"}


@register.simple_tag
def rag_badge(value: Any, empty: str = "Not reported") -> str:
    """A badge that says Red/Amber/Green in words, with a shape as well as a colour."""
    key = str(getattr(value, "value", value) or "").lower()
    if key not in RAG_ICONS:
        return format_html('<span class="rag rag-none">{}</span>', empty)
    return format_html(
        '<span class="rag rag-{}"><span aria-hidden="true">{}</span> {}</span>',
        key,
        RAG_ICONS[key],
        key.capitalize(),
    )


# Dates (see tpmo.formats; date-times reach them in the current time zone).
register.filter("day", day, expects_localtime=True, is_safe=False)
register.filter("brief", brief, expects_localtime=True, is_safe=False)


@register.filter
def node(project: Any, milestone: Any = None) -> SafeString:
    """A dependency's end, ``{{ dep.successor_project|node:dep.successor_milestone }}``: "PAY-01
    / Beta", the code kept on one line (a narrow column would break it at its hyphen)."""
    code = format_html('<span class="nowrap">{}</span>', project.code)
    return code if milestone is None else format_html("{} / {}", code, milestone.name)


@register.filter
def slip(days: int | None) -> str:
    """+9 d late, −3 d early, 0 d on plan."""
    if days is None:
        return "–"
    if days > 0:
        return f"+{days} d"
    if days < 0:
        return f"−{-days} d"
    return "0 d"


@register.inclusion_tag("_components/sort_header.html", takes_context=True)
def sort_header(context: dict[str, Any], key: str, label: str, target: str) -> dict[str, Any]:
    """A column header that sorts the list by ``key`` (again: reverses it), in place with htmx."""
    request = context["request"]
    current = request.GET.get("sort", "")
    descending = current == key
    params = request.GET.copy()
    params["sort"] = f"-{key}" if descending else key
    params.pop("page", None)
    state = "ascending" if current == key else "descending" if current == f"-{key}" else "none"
    return {
        "label": label,
        "query": params.urlencode(),
        "state": state,
        "path": request.path,
        "target": target,
    }


@register.simple_tag
def gantt_figure(chart: Gantt, id: str) -> SafeString:
    """A Gantt chart as its SVG figure (see ``Gantt.figure``)."""
    return chart.figure(id)


@register.simple_tag
def graph_edges(graph: Any, id: str) -> SafeString:
    """A dependency graph's edges as SVG (see ``programs.timeline.Graph.edges_svg``)."""
    return graph.edges_svg(id)  # type: ignore[no-any-return]
