"""Exports in the import format: what is exported can be imported again unchanged."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse

from integrations.kinds import Kind
from programs.models import Program
from tpmo.exports import Column, export_response, safe_cell


def columns_of(kind: Kind) -> list[Column]:
    return [Column(column.name, column.export) for column in kind.columns]


def records(kind: Kind, program: Program | None) -> Iterable[Any]:
    return kind.export_queryset(program).iterator(chunk_size=2000)


def export_file(
    kind: Kind, program: Program | None, fmt: str, *, empty: bool = False
) -> HttpResponse | StreamingHttpResponse:
    """A download of the kind's records (a program's, or all); ``empty``: the header line only."""
    name = f"{kind.slug}-{program.code}" if program is not None else kind.slug
    rows = [] if empty else records(kind, program)
    return export_response(fmt, name, columns_of(kind), rows)


def csv_text(kind: Kind, program: Program | None) -> str:
    """The CSV export as one string (for the command line and tests)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(kind.headers)
    for record in records(kind, program):
        writer.writerow([safe_cell(value) for value in kind.export_row(record)])
    return buffer.getvalue()
