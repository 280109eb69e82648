"""Saved column mappings for files from other tools; Jira's CSV export is the one TPMs bring.

Jira: each issue becomes a milestone, found again by its issue key; its epic or parent key names
the TPMO project (give projects the epics' keys as codes, or a default project); the due date is
the forecast (and the baseline when the milestone is new); "Blocks" issue links become
finish-to-start dependencies between the milestones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from integrations.importer import Mapping, Plan, RowResult, Source, refuse_cycles
from integrations.kinds import MILESTONES, Kind
from integrations.scope import Scope
from integrations.tables import Table, cell_text, normalise
from programs.choices import DependencyStatus, DependencyType, MilestoneStatus
from programs.models import Dependency, Milestone

JIRA_STATUS = {
    "to do": MilestoneStatus.PLANNED,
    "open": MilestoneStatus.PLANNED,
    "backlog": MilestoneStatus.PLANNED,
    "selected for development": MilestoneStatus.PLANNED,
    "in progress": MilestoneStatus.IN_PROGRESS,
    "in review": MilestoneStatus.IN_PROGRESS,
    "review": MilestoneStatus.IN_PROGRESS,
    "done": MilestoneStatus.DONE,
    "closed": MilestoneStatus.DONE,
    "resolved": MilestoneStatus.DONE,
    "won't do": MilestoneStatus.CANCELLED,
    "cancelled": MilestoneStatus.CANCELLED,
    "canceled": MilestoneStatus.CANCELLED,
}
OUTWARD = "Outward issue link (Blocks)"  # this issue blocks the linked one
INWARD = "Inward issue link (Blocks)"  # the linked issue blocks this one


@dataclass(frozen=True)
class Preset:
    slug: str
    label: str
    kind: Kind
    mapping: Callable[[Table], Mapping]
    links: Callable[[Plan, Table, Scope], list[RowResult]] | None = None
    link_headers: tuple[str, ...] = ()


def _jira_mapping(table: Table) -> Mapping:
    present = {normalise(header): header for header in table.headers}

    def columns(*headers: str) -> tuple[str, ...]:
        return tuple(present[normalise(h)] for h in headers if normalise(h) in present)

    wanted = {
        "key": Source(columns("Issue key")),
        "name": Source(columns("Summary")),
        "description": Source(columns("Description")),
        "project": Source(columns("Parent", "Custom field (Epic Link)", "Epic Link")),
        "owner": Source(columns("Assignee")),
        "status": Source(columns("Status"), translate=dict(JIRA_STATUS)),
        "forecast_date": Source(columns("Due date")),
        "baseline_date": Source(columns("Due date"), create_only=True),
        "actual_date": Source(columns("Resolved")),
    }
    return {name: source for name, source in wanted.items() if source.columns}


def _jira_links(plan: Plan, table: Table, scope: Scope) -> list[RowResult]:
    """The "Blocks" links as dependencies: created once, unchanged when already stored."""
    outward, inward = table.columns_named(OUTWARD), table.columns_named(INWARD)
    if not outward and not inward:
        return []
    imported = {
        row.record.key: row.record for row in plan.rows if row.record is not None and row.record.key
    }
    pairs: dict[tuple[str, str], RowResult] = {}
    for row, (_, cells) in zip(plan.rows, table.rows, strict=True):
        if row.record is None or not row.record.key:
            continue
        this = row.record.key
        for positions, blocks in ((outward, True), (inward, False)):
            for position in positions:
                other = cell_text(cells[position] if position < len(cells) else "").upper()
                if other:
                    pair = (this, other) if blocks else (other, this)
                    pairs.setdefault(pair, row)
    wanted = {key for pair in pairs for key in pair} - set(imported)
    stored = {m.key: m for m in Milestone.objects.select_related("project").filter(key__in=wanted)}
    known = {**stored, **imported}
    existing = {
        (d.predecessor_milestone.key, d.successor_milestone.key)
        for d in Dependency.objects.filter(
            predecessor_milestone__key__in=known, successor_milestone__key__in=known
        ).select_related("predecessor_milestone", "successor_milestone")
    }
    results = []
    for (before, after), source in pairs.items():
        if before not in known or after not in known:
            missing = before if before not in known else after
            source.notes.append(
                f"The link {before} blocks {after} is skipped: {missing} is neither in this "
                "file nor in TPMO."
            )
            continue
        result = RowResult(source.line, label=f"{before} blocks {after}")
        if (before, after) in existing:
            result.action = "unchanged"
            results.append(result)
            continue
        first, second = known[before], known[after]
        dependency = Dependency(
            predecessor_project=first.project,
            predecessor_milestone=first,
            successor_project=second.project,
            successor_milestone=second,
            type=DependencyType.FINISH_TO_START,
            status=DependencyStatus.REQUESTED,
            description=f"Jira: {before} blocks {after}",
        )
        if not scope.allows(dependency):
            result.refuse("row", "You may change neither end's program.")
        else:
            result.action, result.record = "create", dependency
        results.append(result)
    refuse_cycles([(row, row.record) for row in results if row.action == "create"])
    return results


JIRA = Preset(
    slug="jira",
    label="Jira CSV export (issues → milestones, Blocks links → dependencies)",
    kind=MILESTONES,
    mapping=_jira_mapping,
    links=_jira_links,
    link_headers=(OUTWARD, INWARD),
)

PRESETS: dict[str, Preset] = {JIRA.slug: JIRA}
