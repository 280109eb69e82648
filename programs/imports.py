"""Bulk import of budget actuals from CSV: parse, check every row, then apply all or nothing.

Columns (any order, case-insensitive): ``project`` (code), ``period`` (fiscal period name),
``category`` (value or label), ``actual``, ``forecast``. UTF-8 with or without BOM, or Excel's
Windows-1252; comma, semicolon or tab delimited.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from programs.choices import BudgetCategory
from programs.models import BudgetLine, FiscalPeriod, Project
from tpmo.history import save_with_history

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000
COLUMNS = ("project", "period", "category", "actual", "forecast")
CATEGORIES = {value: value for value in BudgetCategory.values} | {
    str(label).lower(): value for value, label in BudgetCategory.choices
}


class ImportRefused(Exception):
    """The file as a whole cannot be read (size, encoding, headers, row count)."""


@dataclass
class RowResult:
    number: int  # line number in the file (the header is line 1)
    values: dict[str, str]
    action: str = ""  # "create", "update", "unchanged" or "" when refused
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, reason)
    line: BudgetLine | None = None
    actual: Decimal = Decimal(0)
    forecast: Decimal = Decimal(0)


@dataclass
class ImportPlan:
    rows: list[RowResult]

    @property
    def valid(self) -> bool:
        return all(not row.errors for row in self.rows)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action and not row.errors)

    @property
    def refused(self) -> int:
        return sum(1 for row in self.rows if row.errors)


def _text(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise ImportRefused(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportRefused("The file is neither UTF-8 nor Windows-1252 text.")  # pragma: no cover


def _rows(text: str) -> tuple[list[str], list[list[str]]]:
    if not text.strip():
        raise ImportRefused("The file is empty.")
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportRefused("The file is empty.") from None
    except csv.Error as error:
        raise ImportRefused(f"The first line cannot be read as CSV: {error}.") from None
    names = [name.strip().lower() for name in header]
    duplicates = sorted({name for name in names if names.count(name) > 1 and name})
    if duplicates:
        raise ImportRefused(f"These columns appear twice: {', '.join(duplicates)}.")
    missing = [column for column in COLUMNS if column not in names]
    if missing:
        raise ImportRefused(f"These columns are missing: {', '.join(missing)}.")
    rows = []
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            rows.append(row)
            if len(rows) > MAX_ROWS:
                raise ImportRefused(f"The file has more than {MAX_ROWS:,} rows; split it.")
    except csv.Error as error:
        raise ImportRefused(f"Line {reader.line_num} cannot be read as CSV: {error}.") from None
    return names, rows


def _amount(row: RowResult, column: str) -> Decimal:
    raw = row.values.get(column, "").strip().replace(" ", "")
    if raw == "":
        return Decimal(0)
    try:
        value = Decimal(raw)
    except InvalidOperation:
        row.errors.append((column, f"{raw!r} is not a number."))
        return Decimal(0)
    if value < 0 or not value.is_finite():
        row.errors.append((column, "Amounts cannot be negative."))
    elif value >= Decimal("1e13"):
        row.errors.append((column, "The amount is too large."))
    elif value != value.quantize(Decimal("0.01")):
        row.errors.append((column, "Use at most two decimals."))
    return value


def plan_import(data: bytes) -> ImportPlan:
    """Read and check every row (a dry run): what each would do, or why it is refused."""
    names, raw_rows = _rows(_text(data))
    results = [
        RowResult(number=index + 2, values=dict(zip(names, (c.strip() for c in row), strict=False)))
        for index, row in enumerate(raw_rows)
    ]
    projects = Project.objects.in_bulk(
        {r.values.get("project", "").upper() for r in results}, field_name="code"
    )
    periods = FiscalPeriod.objects.in_bulk(
        {r.values.get("period", "") for r in results}, field_name="name"
    )
    existing = {
        (line.project_id, line.period_id, line.category): line
        for line in BudgetLine.objects.filter(
            project__in=projects.values(), period__in=periods.values()
        )
    }
    seen: dict[tuple[int, int, str], int] = {}
    for row in results:
        project = projects.get(row.values.get("project", "").upper())
        period = periods.get(row.values.get("period", ""))
        category = CATEGORIES.get(row.values.get("category", "").lower())
        if project is None:
            row.errors.append(
                ("project", f"No project has the code {row.values.get('project')!r}.")
            )
        if period is None:
            row.errors.append(
                ("period", f"No fiscal period is named {row.values.get('period')!r}.")
            )
        if category is None:
            row.errors.append(
                ("category", f"{row.values.get('category')!r} is not a budget category.")
            )
        row.actual, row.forecast = _amount(row, "actual"), _amount(row, "forecast")
        if project is None or period is None or category is None:
            continue
        key = (project.pk, period.pk, category)
        if key in seen:
            row.errors.append(
                ("category", f"Line {seen[key]} already sets this project, period and category.")
            )
            continue
        seen[key] = row.number
        line = existing.get(key)
        if line is None:
            row.line = BudgetLine(project=project, period=period, category=category)
            row.action = "create"
        else:
            row.line = line
            unchanged = (line.actual, line.forecast) == (row.actual, row.forecast)
            row.action = "unchanged" if unchanged else "update"
    return ImportPlan(results)


@transaction.atomic
def apply_import(plan: ImportPlan, *, by: Any) -> int:
    """Write every row of a valid plan in one transaction; refuses (ValueError) a plan with errors.
    Returns how many lines changed."""
    if not plan.valid:
        raise ValueError("A plan with refused rows imports nothing.")
    changed = 0
    for row in plan.rows:
        if row.action not in ("create", "update") or row.line is None:
            continue
        row.line.actual, row.line.forecast = row.actual, row.forecast
        save_with_history(row.line, by=by, reason="Imported actuals")
        changed += 1
    return changed
