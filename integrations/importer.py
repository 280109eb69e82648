"""Importing a table: map its columns, plan every row (the dry run), then apply all or nothing.

The plan says, row by row, what would be created, updated, left unchanged or refused — and for a
refusal, the column and the reason. Applying re-plans inside one transaction and writes only when
no row is refused, each record saved with its history (who, when, which import). A record is found
by its kind's key (a code, an e-mail, a project and a name …), so importing the same file twice
changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, models, transaction
from django.db.models.functions import Lower

from integrations.kinds import (
    DEPENDENCIES,
    EMPTY,
    PEOPLE,
    PROGRAMS,
    CellError,
    Column,
    Kind,
    MilestoneOf,
    Ref,
    Refs,
)
from integrations.scope import Scope, where
from integrations.tables import Table, cell_text, normalise
from programs.graph import Node
from programs.models import Milestone, Project
from programs.models.dependency import lock_dependency_graph
from tpmo.roles import Role

ROW = "row"  # the "column" of an error about the row as a whole


@dataclass
class Source:
    """Where one of our columns comes from: the first non-empty of some file columns, else a
    default; values may be translated (a Jira status to ours); some apply only on creation."""

    columns: tuple[str, ...] = ()
    default: str = ""
    translate: dict[str, str] = field(default_factory=dict)
    create_only: bool = False

    def raw(self, positions: list[int], cells: list[Any]) -> Any:
        for position in positions:
            value = cells[position] if position < len(cells) else None
            if cell_text(value) != "":
                return self._translated(value)
        return self._translated(self.default) if self.default.strip() else EMPTY

    def _translated(self, value: Any) -> Any:
        if not self.translate:
            return value
        return self.translate.get(cell_text(value).lower(), value)


Mapping = dict[str, Source]


def auto_mapping(kind: Kind, table: Table) -> Mapping:
    """Each of the kind's columns taken from the file column of the same name, if there is one."""
    by_name = {normalise(header): header for header in table.headers}
    return {
        column.name: Source((by_name[normalise(column.name)],))
        for column in kind.columns
        if normalise(column.name) in by_name
    }


def mapping_errors(kind: Kind, table: Table, mapping: Mapping) -> dict[str, str]:
    """What is wrong with a mapping, by our column name: unknown or repeated file columns, and
    the columns that identify a record left unmapped."""
    errors = {}
    for name, source in mapping.items():
        for header in source.columns:
            found = table.columns_named(header)
            if not found:
                errors[name] = f"The file has no column {header!r}."
            elif len(found) > 1:
                errors[name] = (
                    f"The file has {len(found)} columns named {header!r} "
                    f"(columns {', '.join(str(i + 1) for i in found)}); rename them apart."
                )
    for name in kind.key:
        if name not in mapping and not isinstance(kind.column(name).cell, MilestoneOf):
            errors.setdefault(name, "Records are found by this column: map it to a file column.")
    return errors


def unused_headers(table: Table, mapping: Mapping, also: Iterable[str] = ()) -> list[str]:
    used = {normalise(h) for source in mapping.values() for h in source.columns}
    used |= {normalise(h) for h in also}
    return [header for header in dict.fromkeys(table.headers) if normalise(header) not in used]


@dataclass
class RowResult:
    line: int
    label: str = ""
    action: str = ""  # create, update, unchanged — or refused
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # column, before, after
    errors: list[tuple[str, str]] = field(default_factory=list)  # column, reason
    notes: list[str] = field(default_factory=list)
    record: Any = None

    def refuse(self, column: str, reason: str) -> None:
        self.errors.append((column, reason))
        self.action = "refused"


@dataclass
class Plan:
    kind: Kind
    rows: list[RowResult]
    notes: list[str] = field(default_factory=list)
    links: list[RowResult] = field(default_factory=list)  # dependencies from Jira issue links

    @property
    def all_rows(self) -> list[RowResult]:
        return [*self.rows, *self.links]

    @property
    def valid(self) -> bool:
        return not any(row.errors for row in self.all_rows)

    def count(self, action: str) -> int:
        return sum(1 for row in self.all_rows if row.action == action)

    @property
    def summary(self) -> dict[str, int]:
        return {
            action: self.count(action) for action in ("create", "update", "unchanged", "refused")
        }


def plan_import(
    kind: Kind, table: Table, mapping: Mapping, user: Any, *, links: Any = None
) -> Plan:
    """Read, check and resolve every row; nothing is written. ``links`` (Jira) turns issue links
    into dependencies between the imported milestones."""
    scope = Scope(user)
    positions = {
        name: [i for header in source.columns for i in table.columns_named(header)]
        for name, source in mapping.items()
    }
    refs = _load_refs(kind, table, mapping, positions)
    rows: list[RowResult] = []
    parsed: list[dict[str, Any]] = []
    width = len(table.headers)
    for line, cells in table.rows:
        row = RowResult(line)
        values = {}
        if any(cell_text(cell) for cell in cells[width:]):
            row.refuse(
                ROW, f"This row has {len(cells)} cells but the header names {width} columns."
            )
        for column in kind.columns:
            source = mapping.get(column.name)
            if source is None or isinstance(column.cell, MilestoneOf):
                continue
            raw = source.raw(positions[column.name], cells)
            if raw is EMPTY:
                values[column.name] = EMPTY
                continue
            try:
                values[column.name] = column.cell.read(raw, refs)
            except CellError as error:
                row.refuse(_header(column, source), str(error))
        rows.append(row)
        parsed.append(values)
    milestones = _load_milestones(kind, mapping, positions, table, parsed)
    for row, values, (_, cells) in zip(rows, parsed, table.rows, strict=True):
        for column in kind.columns:
            source = mapping.get(column.name)
            if source is None or not isinstance(column.cell, MilestoneOf):
                continue
            raw = source.raw(positions[column.name], cells)
            if raw is EMPTY:
                values[column.name] = None
                continue
            project = values.get(column.cell.project_column)
            name = cell_text(raw)
            found = milestones.get((project.pk, name)) if isinstance(project, Project) else None
            if found is None and isinstance(project, Project):
                row.refuse(
                    _header(column, source),
                    f"Project {project.code} has no milestone named {name[:60]!r}.",
                )
            values[column.name] = found
    existing = _load_existing(kind, parsed)
    seen: dict[tuple[Any, ...], int] = {}
    for row, values in zip(rows, parsed, strict=True):
        if row.errors:
            continue
        _plan_row(kind, row, values, mapping, existing, seen, scope)
    if kind is DEPENDENCIES:
        refuse_cycles([(row, row.record) for row in rows if row.action == "create"])
    plan = Plan(kind, rows, notes=list(table.notes))
    if links is not None:
        plan.links = links(plan, table, scope)
    return plan


def _header(column: Column, source: Source | None) -> str:
    """How a user sees the column: the file's header when it came from one."""
    return source.columns[0] if source is not None and source.columns else column.name


def _load_refs(kind: Kind, table: Table, mapping: Mapping, positions: dict[str, list[int]]) -> Refs:
    refs = Refs()
    wanted: dict[tuple[Any, str], set[str]] = {}
    for column in kind.columns:
        source = mapping.get(column.name)
        if source is None or not isinstance(column.cell, Ref):
            continue
        texts = wanted.setdefault((column.cell.model, column.cell.by), set())
        for _, cells in table.rows:
            raw = source.raw(positions[column.name], cells)
            if raw is not EMPTY:
                texts.add(cell_text(raw))
    for (model, by), texts in wanted.items():
        refs.load(model, by, texts)
    return refs


def _load_milestones(
    kind: Kind,
    mapping: Mapping,
    positions: dict[str, list[int]],
    table: Table,
    parsed: list[dict[str, Any]],
) -> dict[tuple[int, str], Milestone]:
    """Milestones named by (project, name) in the file, in one query."""
    named = [c for c in kind.columns if isinstance(c.cell, MilestoneOf) and c.name in mapping]
    if not named:
        return {}
    projects, names = set(), set()
    for values, (_, cells) in zip(parsed, table.rows, strict=True):
        for column in named:
            project = values.get(column.cell.project_column)
            raw = mapping[column.name].raw(positions[column.name], cells)
            if isinstance(project, Project) and raw is not EMPTY:
                projects.add(project.pk)
                names.add(cell_text(raw))
    found = Milestone.objects.filter(project_id__in=projects, name__in=names)
    return {(m.project_id, m.name): m for m in found}


def _key_part(value: Any, kind: Kind) -> Any:
    if value is EMPTY:
        return None
    if hasattr(value, "_meta"):
        return value.pk
    return value.lower() if kind is PEOPLE and isinstance(value, str) else value


def _load_existing(kind: Kind, parsed: list[dict[str, Any]]) -> dict[tuple[Any, ...], Any]:
    """The stored records the rows name, by key (and by alternate key), in at most two queries."""
    manager = kind.model._default_manager
    found: dict[tuple[Any, ...], Any] = {}
    if kind.alternate_key:
        column = kind.column(kind.alternate_key)
        alternates = {values.get(column.name) for values in parsed} - {None, EMPTY, ""}
        for record in manager.filter(**{f"{column.field}__in": alternates}):
            found[("alternate", getattr(record, column.field))] = record
    filters: dict[str, Any] = {}
    for name in kind.key:
        column = kind.column(name)
        parts = {_key_part(values.get(name), kind) for values in parsed} - {None}
        if not parts:
            return found
        if kind is PEOPLE:
            filters["lowered__in"] = parts
        elif isinstance(column.cell, Ref | MilestoneOf):
            filters[f"{column.field}_id__in"] = parts
        else:
            filters[f"{column.field}__in"] = parts
    queryset = manager.alias(lowered=Lower("email")) if kind is PEOPLE else manager.all()
    for record in queryset.filter(**filters):
        key = tuple(_key_part(getattr(record, kind.column(name).field), kind) for name in kind.key)
        found[key] = record
    return found


def _plan_row(
    kind: Kind,
    row: RowResult,
    values: dict[str, Any],
    mapping: Mapping,
    existing: dict[tuple[Any, ...], Any],
    seen: dict[tuple[Any, ...], int],
    scope: Scope,
) -> None:
    key = tuple(_key_part(values.get(name), kind) for name in kind.key)
    missing_key = [
        name
        for name in kind.key
        if values.get(name) in (None, EMPTY, "")
        and not isinstance(kind.column(name).cell, MilestoneOf)
    ]
    if missing_key:
        for name in missing_key:
            row.refuse(
                _header(kind.column(name), mapping.get(name)), "Required: it names the record."
            )
        return
    row.label = " / ".join(
        str(kind.column(name).cell.write(values[name]) if values.get(name) is not None else "—")
        for name in kind.key
    )
    alternate = values.get(kind.alternate_key) if kind.alternate_key else None
    record = existing.get(("alternate", alternate)) if alternate not in (None, EMPTY) else None
    record = record or existing.get(key)
    identity = ("alternate", alternate) if alternate not in (None, EMPTY) else key
    if identity in seen or key in seen:
        row.refuse(ROW, f"Line {seen.get(identity) or seen[key]} already names this record.")
        return
    seen[identity] = seen[key] = row.line
    creating = record is None
    if kind.admin_only or (creating and kind is PROGRAMS):
        if scope.role is not Role.ADMIN:
            verb = "add" if creating else "change"
            row.refuse(ROW, f"Only TPMO admins {verb} {kind.label.lower()}.")
            return
    elif not creating and not scope.allows(record):
        row.refuse(ROW, f"You may not change {_where(kind, record)}.")
        return
    record = record or kind.model()
    before = {column.name: _shown(column, record) for column in kind.columns}
    for column in kind.columns:
        if column.name not in values:
            continue
        source = mapping.get(column.name)
        if source is not None and source.create_only and not creating:
            continue
        value = values[column.name]
        if value is EMPTY:
            if column.required and creating:
                row.refuse(_header(column, source), "Required to add a record.")
                continue
            value = _empty_value(kind, column)
            if value is EMPTY:
                continue  # a required field left empty keeps its value
        setattr(record, column.field, value)
    if creating:
        for column in kind.columns:
            missing = column.required and values.get(column.name) in (None, EMPTY)
            if missing and not any(column.name == error[0] for error in row.errors):
                row.refuse(column.name, "Required to add a record: map it or give a default.")
    if row.errors:
        return
    if not kind.admin_only and not scope.allows(record):
        row.refuse(ROW, f"You may not add or move records into {_where(kind, record)}.")
        return
    _validate(kind, record, row, mapping)
    if row.errors:
        return
    row.record = record
    if creating:  # what the new record will hold
        row.action = "create"
        row.changes = [
            (column.name, "", shown) for column in kind.columns if (shown := _shown(column, record))
        ]
        return
    row.changes = [
        (column.name, before[column.name], after)
        for column in kind.columns
        if (after := _shown(column, record)) != before[column.name]
    ]
    row.action = "update" if row.changes else "unchanged"


def _shown(column: Column, record: Any) -> str:
    if isinstance(column.cell, Ref | MilestoneOf):
        value = getattr(record, f"{column.field}_id", None)
        if value is None:
            return ""
    return cell_text(column.export(record))


def _empty_value(kind: Kind, column: Column) -> Any:
    """What an empty cell sets: nothing for a nullable field, "" for optional text, else EMPTY
    (the field keeps its value)."""
    model_field = kind.model._meta.get_field(column.field)
    if model_field.null:
        return None
    if isinstance(model_field, models.CharField | models.TextField) and model_field.blank:
        return ""
    return EMPTY


def _where(kind: Kind, record: Any) -> str:
    return where(record, f"the {kind.label.lower()}")


def _validate(kind: Kind, record: Any, row: RowResult, mapping: Mapping) -> None:
    """The model's own checks, without the per-row queries (references are resolved already,
    uniqueness is the plan's key, dependency cycles are checked for the whole file at once)."""
    relations = [f.name for f in kind.model._meta.concrete_fields if f.is_relation]
    by_field = {column.field: column for column in kind.columns}
    try:
        record.clean_fields(exclude=relations)
        if kind is DEPENDENCIES:
            _check_dependency(record)
        else:
            record.clean()
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            column = by_field.get(name)
            where = _header(column, mapping.get(column.name)) if column else ROW
            for message in messages:
                row.refuse(where, message)


def _check_dependency(record: Any) -> None:
    if record.predecessor_milestone_id is None and record.successor_milestone_id is None:
        if record.predecessor_project_id == record.successor_project_id:
            raise ValidationError("An item cannot depend on itself.")
    elif record.predecessor_milestone_id == record.successor_milestone_id:
        raise ValidationError("An item cannot depend on itself.")


def _node(project: Any, milestone: Any) -> Node | tuple[Any, ...]:
    if milestone is not None and milestone.pk is None:
        return ("new", id(milestone))
    return (project.pk, milestone.pk if milestone is not None else None)


def refuse_cycles(new: list[tuple[RowResult, Any]]) -> None:
    """Refuse the new dependencies that would close a cycle with the stored ones or each other:
    one pass over the whole graph (the stored edges are read once)."""
    from programs.models import Dependency

    if not new:
        return
    successors: dict[Any, list[tuple[Any, RowResult | None]]] = {}
    for start, end in Dependency.objects.edges():
        successors.setdefault(start, []).append((end, None))
    for row, record in new:
        start = _node(record.predecessor_project, record.predecessor_milestone)
        end = _node(record.successor_project, record.successor_milestone)
        successors.setdefault(start, []).append((end, row))
    for cycle in _cycles(successors):
        rows = [row for row in cycle if row is not None]
        for row in rows:
            others = ", ".join(f"line {other.line}" for other in rows if other is not row)
            row.refuse(
                ROW,
                "This dependency would close a cycle"
                + (f" with {others}." if others else " with stored dependencies."),
            )


def _cycles(successors: dict[Any, list[tuple[Any, RowResult | None]]]) -> list[list[Any]]:
    """The rows on each cycle found by an iterative depth-first search (one per cycle found)."""
    state: dict[Any, int] = {}  # 1 on the stack, 2 finished
    found = []
    for root in list(successors):
        if root in state:
            continue
        stack = [(root, iter(successors.get(root, ())))]
        via: list[RowResult | None] = []
        path = [root]
        state[root] = 1
        while stack:
            node, edges = stack[-1]
            step = next(edges, None)
            if step is None:
                state[node] = 2
                stack.pop()
                path.pop()
                if via:
                    via.pop()
                continue
            target, row = step
            if state.get(target) == 1:
                start = path.index(target)
                found.append([*via[start:], row])
            elif target not in state:
                state[target] = 1
                stack.append((target, iter(successors.get(target, ()))))
                path.append(target)
                via.append(row)
    return found


class ApplyFailed(Exception):
    """The database refused a write; nothing was imported."""


def apply_plan(plan: Plan, *, by: Any, reason: str) -> int:
    """Write the plan's creates and updates (call inside the transaction that planned it).
    Refuses (ValueError) a plan with a refused row. Returns how many records changed."""
    if not plan.valid:
        raise ValueError("A plan with refused rows imports nothing.")
    changed = 0
    for row in plan.all_rows:
        if row.action not in ("create", "update"):
            continue
        row.record._history_user = by
        row.record._change_reason = reason[:100]
        row.record.save()
        changed += 1
    return changed


def run_import(
    kind: Kind,
    table: Table,
    mapping: Mapping,
    *,
    user: Any,
    reason: str,
    apply: bool,
    links: Any = None,
) -> tuple[Plan, int]:
    """Plan and, when asked and every row is accepted, apply — in one transaction, so what was
    checked is what is written. Returns the plan and how many records changed."""
    try:
        with transaction.atomic():
            if kind is DEPENDENCIES or links is not None:
                lock_dependency_graph()
            plan = plan_import(kind, table, mapping, user, links=links)
            if not apply or not plan.valid:
                return plan, 0
            return plan, apply_plan(plan, by=user, reason=reason)
    except (IntegrityError, DatabaseError) as error:
        raise ApplyFailed(
            f"The database refused the import, so nothing was imported: {error}".strip()
        ) from error
