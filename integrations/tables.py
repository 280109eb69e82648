"""Reading an uploaded spreadsheet into a header and rows of cells, or saying clearly why not.

CSV: UTF-8 with or without a byte-order mark, or Windows-1252 (what Excel's plain "CSV" writes);
comma, semicolon, tab or pipe delimited (guessed, or chosen). XLSX: the first worksheet, values
as last calculated. Limits: ``MAX_BYTES`` per file and ``MAX_ROWS`` data rows.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
DELIMITERS = {"auto": "", "comma": ",", "semicolon": ";", "tab": "\t", "pipe": "|"}
ENCODINGS = ("auto", "utf-8", "cp1252")
XLSX_MAGIC = b"PK\x03\x04"


class FileRefused(Exception):
    """The file as a whole cannot be read; the message says why and what to do."""


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[Any]]]  # (spreadsheet row number, cells); blank rows left out
    notes: list[str] = field(default_factory=list)  # how the file was read, for the dry run

    def columns_named(self, header: str) -> list[int]:
        """Every position of ``header`` (Jira repeats a header once per link)."""
        wanted = normalise(header)
        return [i for i, name in enumerate(self.headers) if normalise(name) == wanted]


def normalise(header: str) -> str:
    """Header comparison ignores case, spacing, underscores and hyphens."""
    return "".join(ch for ch in header.lower() if ch.isalnum())


def read_table(
    data: bytes, filename: str = "", *, encoding: str = "auto", delimiter: str = "auto"
) -> Table:
    """The file's header and data rows; blank rows are skipped."""
    if len(data) > MAX_BYTES:
        raise FileRefused(
            f"The file is {len(data) / 1024 / 1024:.1f} MB; the limit is "
            f"{MAX_BYTES // 1024 // 1024} MB. Split it into smaller files."
        )
    if not data.strip():
        raise FileRefused("The file is empty.")
    if data.startswith(XLSX_MAGIC) or filename.lower().endswith(".xlsx"):
        return _read_xlsx(data)
    text, notes = _decode(data, encoding)
    return _read_csv(text, DELIMITERS.get(delimiter, ""), notes)


def _decode(data: bytes, encoding: str) -> tuple[str, list[str]]:
    if b"\x00" in data[:4096]:
        raise FileRefused(
            "This is not a text file (it holds NUL bytes). Upload a CSV or an XLSX file; "
            "a UTF-16 CSV must be saved again as 'CSV UTF-8'."
        )
    notes = []
    if data.startswith(b"\xef\xbb\xbf"):
        notes.append("Read as UTF-8 (the file starts with a byte-order mark).")
    if encoding in ("auto", "utf-8"):
        try:
            return data.decode("utf-8-sig"), notes or ["Read as UTF-8."]
        except UnicodeDecodeError as error:
            if encoding == "utf-8":
                raise FileRefused(
                    f"The file is not valid UTF-8: byte 0x{data[error.start]:02x} at position "
                    f"{error.start} cannot be read. Save it as 'CSV UTF-8', or choose "
                    "Windows-1252 if it came from Excel's plain 'CSV'."
                ) from None
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise FileRefused(
            f"The file is neither UTF-8 nor Windows-1252 text: byte 0x{data[error.start]:02x} at "
            f"position {error.start} cannot be read. Save it as 'CSV UTF-8'."
        ) from None
    return text, ["Read as Windows-1252 (Excel's plain CSV): the file is not UTF-8."]


def _read_csv(text: str, delimiter: str, notes: list[str]) -> Table:
    if not delimiter:
        sample = text[:8192]
        try:
            delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
        shown = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}[delimiter]
        notes.append(f"Columns separated by {shown}s.")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise FileRefused("The file is empty.") from None
    except csv.Error as error:
        raise FileRefused(f"The first line cannot be read as CSV: {error}.") from None
    headers = _checked_headers(header)
    if len(headers) == 1 and any(sep in headers[0] for sep in ",;\t|"):
        raise FileRefused(
            f"The header is one column, {headers[0][:60]!r}: the file seems to use another "
            "delimiter than the one chosen. Choose 'guess' or the right delimiter."
        )
    try:
        rows = list(_limited(enumerate(reader, start=2)))
    except csv.Error as error:
        raise FileRefused(f"Line {reader.line_num} cannot be read as CSV: {error}.") from None
    return _with_rows(Table(headers, rows, notes))


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as error:
        raise FileRefused(f"This is not a readable XLSX workbook ({error}).") from None
    try:
        sheet = workbook.worksheets[0]
        values = sheet.iter_rows(values_only=True)
        try:
            header = next(values)
        except StopIteration:
            raise FileRefused("The first worksheet is empty.") from None
        headers = _checked_headers(["" if cell is None else str(cell) for cell in header])
        rows = list(
            _limited(
                (number, [_xlsx_cell(cell) for cell in row])
                for number, row in enumerate(values, start=2)
            )
        )
    finally:
        workbook.close()
    return _with_rows(Table(headers, rows, [f"Read the first worksheet, {sheet.title!r}."]))


def _with_rows(table: Table) -> Table:
    if not table.rows:
        raise FileRefused("The file has a header line but no rows to import.")
    return table


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _checked_headers(header: list[str]) -> list[str]:
    headers = [name.strip() for name in header]
    while headers and not headers[-1]:
        headers.pop()  # trailing empty columns (spreadsheets leave them)
    if not headers:
        raise FileRefused("The first line should name the columns; it is empty.")
    blank = [str(i + 1) for i, name in enumerate(headers) if not name]
    if blank:
        raise FileRefused(f"Column(s) {', '.join(blank)} have no name in the header line.")
    return headers


def _limited(rows: Iterator[tuple[int, Any]]) -> Iterator[tuple[int, list[Any]]]:
    """The non-blank rows, refusing the file once there are more than ``MAX_ROWS``."""
    count = 0
    for number, row in rows:
        if all(cell is None or str(cell).strip() == "" for cell in row):
            continue
        count += 1
        if count > MAX_ROWS:
            raise FileRefused(
                f"The file has more than {MAX_ROWS:,} rows; the limit is {MAX_ROWS:,}. "
                "Split it into smaller files."
            )
        yield number, list(row)


def cell_text(value: Any) -> str:
    """A cell as text: dates in ISO form, numbers without a spurious '.0'."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()
