"""Exports: what is filtered, as CSV and XLSX, with formulas neutralised."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from programs import factories as pf
from tpmo.exports import safe_cell
from tpmo.roles import Role


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+1", "'+1+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("Plain text", "Plain text"),
        (None, ""),
        (Decimal("-12.50"), Decimal("-12.50")),
        (-3, -3),
        (dt.date(2026, 6, 1), dt.date(2026, 6, 1)),
        (True, True),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


@pytest.fixture
def programs(db):
    pf.ProgramFactory(code="EVIL", name="=cmd|'/c calc'!A1")
    pf.ProgramFactory(code="FINE", name="Fine program")
    pf.ProgramFactory(code="HOLD", name="On hold", status="on_hold")


def _csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.mark.django_db
def test_program_csv_is_the_filtered_list_with_formulas_neutralised(client, make_user, programs):
    client.force_login(make_user(Role.VIEWER))

    response = client.get(reverse("program-list"), {"status": "active", "export": "csv"})

    assert response["Content-Disposition"] == 'attachment; filename="programs.csv"'
    rows = _csv_rows(response)
    assert rows[0][:4] == ["Code", "Program", "Status", "Priority"]
    assert [(row[0], row[1]) for row in rows[1:]] == [
        ("EVIL", "'=cmd|'/c calc'!A1"),
        ("FINE", "Fine program"),
    ]


@pytest.mark.django_db
def test_milestone_xlsx_is_the_filtered_list(client, make_user):
    client.force_login(make_user(Role.VIEWER))
    project = pf.ProjectFactory(code="PAY-01")
    pf.MilestoneFactory(project=project, name="+Launch", is_key=True)
    pf.MilestoneFactory(project=project, name="Internal", is_key=False)

    response = client.get(reverse("milestone-list"), {"key": "true", "export": "xlsx"})

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:3] == ["Program", "Project", "Milestone"]
    assert [(row[1], row[2], row[3]) for row in rows[1:]] == [("PAY-01", "'+Launch", True)]
    assert sheet["F2"].data_type == "d"  # dates stay dates


@pytest.mark.django_db
def test_an_export_contains_only_what_the_user_may_see(client, make_user, programs):
    client.force_login(make_user(None))  # signed in, no role: sees nothing

    rows = _csv_rows(client.get(reverse("program-list"), {"export": "csv"}))

    assert rows[1:] == []
