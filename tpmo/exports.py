"""CSV and XLSX exports of any list, with formula injection neutralised.

A cell whose text starts with = + - @ (or a tab / carriage return) would be run as a formula by
a spreadsheet; such text is prefixed with an apostrophe, which spreadsheets show as plain text.
Numbers, dates and booleans are written as themselves.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook

FORMATS = ("csv", "xlsx")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any]


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet should see it: text never starts a formula."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal | date):
        return value
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(columns: Sequence[Column], rows: Iterable[Any]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # BOM: Excel then reads the file as UTF-8
    yield writer.writerow([column.header for column in columns])
    for row in rows:
        yield writer.writerow([safe_cell(column.value(row)) for column in columns])


def export_response(
    fmt: str, filename: str, columns: Sequence[Column], rows: Iterable[Any]
) -> HttpResponse | StreamingHttpResponse:
    """A download of ``rows`` in ``fmt`` ("csv" or "xlsx")."""
    if fmt == "csv":
        response: HttpResponse | StreamingHttpResponse = StreamingHttpResponse(
            _csv_lines(columns, rows), content_type="text/csv; charset=utf-8"
        )
    elif fmt == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(filename[:31])
        sheet.append([column.header for column in columns])
        for row in rows:
            sheet.append([safe_cell(column.value(row)) for column in columns])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
