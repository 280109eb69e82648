"""Malformed files get the right message and import nothing; the export → import → export round
trip through an empty database gives the same files."""

from __future__ import annotations

import datetime as dt
import io
import time

import pytest
from django.core.management import call_command
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from integrations.exporting import csv_text
from integrations.importer import auto_mapping, mapping_errors, run_import
from integrations.kinds import KINDS
from integrations.tables import MAX_BYTES, FileRefused, read_table
from programs import factories as pf
from programs.models import Milestone
from risks import factories as rf

pytestmark = pytest.mark.django_db

HEADER = "project,name,baseline_date,forecast_date"


def rows(count, start=0):
    day = dt.date(2026, 1, 1)
    return "".join(
        f"PAY-01,Step {i},{day + dt.timedelta(days=i % 300)},{day + dt.timedelta(days=i % 300)}\n"
        for i in range(start, start + count)
    )


def attempt(data, **options):
    """Read, map and apply a milestones file: (the file-level refusal, or the plan)."""
    try:
        table = read_table(data, options.pop("filename", "f.csv"), **options)
    except FileRefused as refused:
        return str(refused), None
    mapping = auto_mapping(KINDS["milestones"], table)
    problems = mapping_errors(KINDS["milestones"], table, mapping)
    if problems:
        return problems, None
    plan, _ = run_import(KINDS["milestones"], table, mapping, user=None, reason="t", apply=True)
    return table.notes, plan


def test_a_byte_order_mark_is_read_past(portfolio):
    notes, plan = attempt(("\ufeff" + HEADER + "\n" + rows(2)).encode("utf-8"))

    assert notes == [
        "Read as UTF-8 (the file starts with a byte-order mark).",
        "Columns separated by commas.",
    ]
    assert plan.summary["create"] == 2


def test_excel_semicolons_and_windows_1252_are_understood(portfolio):
    text = "project;name;baseline_date;forecast_date\nPAY-01;Année fiscale;2026-01-01;2026-01-02\n"

    notes, plan = attempt(text.encode("cp1252"))

    assert notes == [
        "Read as Windows-1252 (Excel's plain CSV): the file is not UTF-8.",
        "Columns separated by semicolons.",
    ]
    assert plan.summary["create"] == 1
    assert Milestone.objects.filter(name="Année fiscale").exists()


def test_the_wrong_delimiter_is_named(portfolio):
    text = "project;name;baseline_date;forecast_date\nPAY-01;X;2026-01-01;2026-01-02\n"

    message, _ = attempt(text.encode(), delimiter="comma")

    assert message == (
        "The header is one column, 'project;name;baseline_date;forecast_date': the file seems to "
        "use another delimiter than the one chosen. Choose 'guess' or the right delimiter."
    )
    assert not Milestone.objects.filter(name="X").exists()


def test_unknown_headers_leave_the_key_unmapped(portfolio):
    problems, _ = attempt(
        b"projekt,title,baseline_date,forecast_date\nPAY-01,X,2026-01-01,2026-01-02\n"
    )

    assert problems == {
        "project": "Records are found by this column: map it to a file column.",
        "name": "Records are found by this column: map it to a file column.",
    }


def test_duplicate_headers_are_named_with_their_positions(portfolio):
    problems, _ = attempt(
        b"project,name,name,baseline_date,forecast_date\nPAY-01,X,Y,2026-01-01,2026-01-02\n"
    )

    assert problems == {
        "name": "The file has 2 columns named 'name' (columns 2, 3); rename them apart."
    }


def test_one_bad_row_among_ten_thousand_imports_nothing(portfolio):
    text = HEADER + "\n" + rows(5000) + "PAY-01,Broken,2026-01-01,31/02/2026\n" + rows(4999, 5000)
    before = Milestone.objects.count()
    started = time.perf_counter()

    _, plan = attempt(text.encode())

    elapsed = time.perf_counter() - started
    assert plan.summary == {"create": 9999, "update": 0, "unchanged": 0, "refused": 1}
    assert [(row.line, row.errors) for row in plan.rows if row.errors] == [
        (5002, [("forecast_date", "'31/02/2026' is not a date; use YYYY-MM-DD (e.g. 2026-11-24).")])
    ]
    assert Milestone.objects.count() == before
    print(f"dry run of 10,000 rows: {elapsed:.2f} s")


@pytest.mark.parametrize(
    ("data", "options", "message"),
    [
        (
            HEADER.encode() + b"\nPAY-01,Caf\xc3,2026-01-01,2026-01-02\n",
            {"encoding": "utf-8"},
            "The file is not valid UTF-8: byte 0xc3 at position 51 cannot be read. Save it as "
            "'CSV UTF-8', or choose Windows-1252 if it came from Excel's plain 'CSV'.",
        ),
        (
            HEADER.encode() + b"\nPAY-01,\x81\x8d,2026-01-01,2026-01-02\n",
            {},
            "The file is neither UTF-8 nor Windows-1252 text: byte 0x81 at position 48 cannot "
            "be read. Save it as 'CSV UTF-8'.",
        ),
        (
            "project,name\n".encode("utf-16"),
            {},
            "This is not a text file (it holds NUL bytes). Upload a CSV or an XLSX file; a UTF-16 "
            "CSV must be saved again as 'CSV UTF-8'.",
        ),
        (b"", {}, "The file is empty."),
        (HEADER.encode() + b"\n", {}, "The file has a header line but no rows to import."),
        (b"project,,name\nPAY-01,,X\n", {}, "Column(s) 2 have no name in the header line."),
        (b'project,name\n"PAY-01,X\n', {}, "Line 2 cannot be read as CSV: unexpected end of data."),
        (
            b"PK\x03\x04 not really a workbook",
            {},
            "This is not a readable XLSX workbook (File is not a zip file).",
        ),
        (
            b"x" * (MAX_BYTES + 1),
            {},
            "The file is 10.0 MB; the limit is 10 MB. Split it into smaller files.",
        ),
    ],
    ids=[
        "invalid-utf8",
        "not-cp1252",
        "utf16",
        "empty",
        "header-only",
        "blank-header",
        "bad-quote",
        "bad-xlsx",
        "too-big",
    ],
)
def test_unreadable_files_are_refused_with_the_reason(portfolio, data, options, message):
    before = Milestone.objects.count()

    refused, plan = attempt(data, **options)

    assert (refused, plan) == (message, None)
    assert Milestone.objects.count() == before


def test_a_hundred_thousand_rows_are_refused_before_any_is_checked(portfolio):
    text = HEADER + "\n" + "PAY-01,Same,2026-01-01,2026-01-02\n" * 100_000

    message, _ = attempt(text.encode())

    assert (
        message
        == "The file has more than 50,000 rows; the limit is 50,000. Split it into smaller files."
    )


def test_formulas_and_ragged_rows_are_refused_row_by_row(portfolio):
    text = (
        HEADER
        + '\nPAY-01,=HYPERLINK("http://x"),2026-01-01,2026-01-02\nPAY-01,Ok,2026-01-01,2026-01-02,extra\n'
    )

    _, plan = attempt(text.encode())

    assert [row.errors for row in plan.rows] == [
        [
            (
                "name",
                "'=HYPERLINK(\"http://x\")' is a spreadsheet formula; save the file with values "
                "instead.",
            )
        ],
        [("row", "This row has 5 cells but the header names 4 columns.")],
    ]


def test_an_xlsx_workbook_with_dates_and_numbers_imports(portfolio):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["project", "name", "baseline_date", "forecast_date", "is_key"])
    excel_datetime = dt.datetime(2026, 5, 1)  # noqa: DTZ001 (spreadsheets hold no time zone)
    sheet.append(["PAY-01", "From Excel", excel_datetime, dt.date(2026, 5, 8), 1])
    buffer = io.BytesIO()
    workbook.save(buffer)

    notes, plan = attempt(buffer.getvalue(), filename="plan.xlsx")

    assert notes == ["Read the first worksheet, 'Sheet'."]
    assert plan.summary["create"] == 1
    made = Milestone.objects.get(name="From Excel")
    assert (made.baseline_date, made.forecast_date, made.is_key) == (
        dt.date(2026, 5, 1),
        dt.date(2026, 5, 8),
        True,
    )


def _program_with_everything():
    program = pf.ProgramFactory(code="RT", name="Round trip", description="=formula-looking text")
    first = pf.ProjectFactory(program=program, code="RT-01", description="-starts with a dash")
    second = pf.ProjectFactory(
        program=program, code="RT-02", status="completed", actual_end=dt.date(2026, 9, 1)
    )
    beta = pf.MilestoneFactory(
        project=first, name="Beta", is_key=True, key="JIRA-1", owner=first.lead
    )
    pf.MilestoneFactory(project=second, name="Done", status="done", actual_date=dt.date(2026, 3, 3))
    pf.DependencyFactory(
        predecessor_project=first, predecessor_milestone=beta, successor_project=second,
        type="SS", lag_days=-4, needed_by=dt.date(2026, 4, 1), committed_date=None,
        status="requested", owner=second.lead, description="Contract first",
    )  # fmt: skip
    for period in (pf.FiscalPeriodFactory(), pf.FiscalPeriodFactory()):
        pf.BudgetLineFactory(project=first, period=period, planned=1000, actual=250.5, forecast=900)
    rf.RiskFactory(
        program=program, project=first, title="Vendor late", owner=program.tpm, cost_impact=1200
    )
    rf.RiskFactory(
        program=program, project=None, title="@mention in title", proximity_date=dt.date(2026, 7, 1)
    )
    return program


def test_export_import_into_an_empty_database_and_export_again_is_identical(db):
    program = _program_with_everything()
    exported = {slug: csv_text(kind, program) for slug, kind in KINDS.items()}
    assert all(text.count("\n") >= 2 for text in exported.values()), exported

    if (
        connection.vendor == "postgresql"
    ):  # check the deferred keys now: TRUNCATE needs none pending
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, inhibit_post_migrate=True)
    assert Milestone.objects.count() == 0
    for slug, kind in KINDS.items():
        table = read_table(exported[slug].encode())
        plan, _ = run_import(
            kind, table, auto_mapping(kind, table), user=None, reason="rt", apply=True
        )
        assert plan.valid, [row.errors for row in plan.rows if row.errors]

    from programs.models import Program

    again = Program.objects.get(code="RT")
    assert {slug: csv_text(kind, again) for slug, kind in KINDS.items()} == exported


CELLS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        ["PAY", "PAY-01", "CHK-01", "Beta", "2026-01-01", "31/Nov/26", "-1", "yes", "=1"]
    ),
)


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(data=st.data(), kind=st.sampled_from(sorted(KINDS)), raw=st.binary(max_size=200))
def test_any_file_is_refused_or_planned_never_an_error(portfolio, data, kind, raw):
    """Random bytes, and rows of odd cells under the kind's real header (so they get planned)."""
    width = len(KINDS[kind].headers)
    rows = data.draw(st.lists(st.lists(CELLS, min_size=1, max_size=width + 1), max_size=5))
    text = (
        ",".join(KINDS[kind].headers)
        + "\n"
        + "\n".join(
            ",".join(cell.replace(",", " ").replace("\n", " ").replace('"', "") for cell in row)
            for row in rows
        )
    )
    for content in (raw, text.encode("utf-8", "replace")):
        try:
            table = read_table(content)
        except FileRefused:
            continue
        mapping = auto_mapping(KINDS[kind], table)
        if mapping_errors(KINDS[kind], table, mapping):
            continue
        plan, changed = run_import(KINDS[kind], table, mapping, user=None, reason="f", apply=True)
        assert len(plan.rows) == len(table.rows)
        assert changed == (plan.count("create") + plan.count("update") if plan.valid else 0)
