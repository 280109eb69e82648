"""Budgets and earned value on pages: panel figures, portfolio finance, actuals grid, CSV import."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from programs import factories as pf
from programs.models import BudgetLine
from programs.money import budget_panel
from tests.conftest import grow_portfolio
from tpmo.finance import portfolio_finance
from tpmo.roles import Role

Q1 = {"name": "FY26 Q1", "start_date": dt.date(2026, 1, 1), "end_date": dt.date(2026, 3, 31)}
Q2 = {"name": "FY26 Q2", "start_date": dt.date(2026, 4, 1), "end_date": dt.date(2026, 6, 30)}


@pytest.fixture
def money(db):
    """PAY-01: 90,000 planned in Q1 and 91,000 in Q2 (1,000 a day), 60 % done, 110,000 spent;
    CHK-01 in another program: 50,000 in Q1, all done, 40,000 spent."""
    q1, q2 = pf.FiscalPeriodFactory(**Q1), pf.FiscalPeriodFactory(**Q2)
    pay = pf.ProjectFactory(
        code="PAY-01", percent_complete=60, program=pf.ProgramFactory(code="PAY")
    )
    chk = pf.ProjectFactory(
        code="CHK-01", percent_complete=100, program=pf.ProgramFactory(code="CHK")
    )
    pf.BudgetLineFactory(
        project=pay, period=q1, planned=D(90_000), actual=D(80_000), forecast=D(80_000)
    )
    pf.BudgetLineFactory(
        project=pay, period=q2, planned=D(91_000), actual=D(30_000), forecast=D(120_000)
    )
    pf.BudgetLineFactory(
        project=chk,
        period=q1,
        category="cloud",
        planned=D(50_000),
        actual=D(40_000),
        forecast=D(40_000),
    )
    return {"q1": q1, "q2": q2, "pay": pay, "chk": chk}


@pytest.mark.django_db
def test_budget_panel_of_a_project(money, django_assert_num_queries):
    with django_assert_num_queries(3):
        panel = budget_panel(
            BudgetLine.objects.filter(project=money["pay"]),
            as_of=dt.date(2026, 4, 30),
            start=dt.date(2026, 1, 1),
        )

    value = panel.total.value
    assert (value.bac, value.pv, value.ev, value.ac) == (
        D(181_000),
        D(120_000),
        D("108600.00"),
        D(110_000),
    )
    assert panel.total.forecast == D(200_000)
    assert panel.total.sv_days == -11  # 108,600 was planned by 19 April: 11 days behind
    assert [(line.period.name, line.flagged) for line in panel.lines] == [
        ("FY26 Q1", False),
        ("FY26 Q2", True),
    ]
    assert panel.burn.series[0].values == (D(90_000), D(181_000))
    assert panel.burn.series[3].name == "EAC"


@pytest.mark.django_db
def test_portfolio_finance_rolls_up_by_sums(money, make_user, django_assert_num_queries):
    user = make_user(Role.DIRECTOR)

    with django_assert_num_queries(6):  # the role, then periods and four GROUP BYs
        finance = portfolio_finance(user, dt.date(2026, 4, 30))

    total = finance.total.value
    assert (total.bac, total.pv, total.ev, total.ac) == (
        D(231_000),
        D(170_000),
        D("158600.00"),
        D(150_000),
    )
    assert [m.label for m in finance.programs] == [
        "PAY · " + money["pay"].program.name,
        "CHK · " + money["chk"].program.name,
    ]
    assert [m.key for m in finance.categories] == ["cloud", "labour"]
    assert finance.bands["CPI"] == {"green": 2, "amber": 0, "red": 0, "none": 0}  # 0.987, 1.25
    assert finance.bands["SPI"] == {"green": 1, "amber": 1, "red": 0, "none": 0}  # 1.0, 0.905


@pytest.mark.django_db
def test_the_finance_page_is_for_directors_and_admins(client, make_user, money):
    for role, status in (
        (Role.DIRECTOR, 200),
        (Role.ADMIN, 200),
        (Role.TPM, 403),
        (Role.VIEWER, 403),
    ):
        client.force_login(make_user(role, username=role.name))
        assert client.get(reverse("portfolio-finance")).status_code == status


@pytest.mark.django_db
def test_finance_export_and_period_filter(client, make_user, money):
    client.force_login(make_user(Role.DIRECTOR))

    csv_text = b"".join(
        client.get(
            reverse("portfolio-finance"), {"export": "csv", "period": money["q1"].pk}
        ).streaming_content
    ).decode()
    bad = client.get(reverse("portfolio-finance"), {"period": "nope"})

    assert csv_text.splitlines()[0] == "\ufeffProgram,BAC,PV,EV,AC,CPI,SPI,EAC,VAC,Forecast"
    assert len(csv_text.splitlines()) == 3
    assert bad.status_code == 200
    assert "Select a valid choice." in bad.content.decode()


@pytest.mark.django_db
def test_finance_queries_do_not_grow(client, make_user, django_assert_num_queries):
    client.force_login(make_user(Role.DIRECTOR))
    grow_portfolio(1)
    with django_assert_num_queries(10):  # with the data state
        client.get(reverse("portfolio-finance"))
    grow_portfolio(9)
    with django_assert_num_queries(10):
        client.get(reverse("portfolio-finance"))


# -- actuals grid ---------------------------------------------------------------------------------


def grid_post(rows, total=None):
    data = {
        "lines-TOTAL_FORMS": str(total or len(rows)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"lines-{index}-{key}"] = value
    return data


@pytest.fixture
def grid(client, user_for, portfolio):
    client.force_login(user_for(Role.TPM))
    line = portfolio["budget_line"]
    return line, reverse("project-actuals", args=["PAY-01"]) + f"?period={line.period_id}"


@pytest.mark.django_db
def test_recording_a_periods_actuals_in_one_form(client, grid):
    line, url = grid

    response = client.post(
        url,
        grid_post(
            [
                {
                    "category": line.category,
                    "actual": "12000.50",
                    "forecast": "99000",
                    "version": line.version,
                },
                {"category": "cloud", "actual": "300", "forecast": "900", "version": ""},
            ]
        ),
    )

    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.actual, line.forecast) == (D("12000.50"), D(99_000))
    cloud = BudgetLine.objects.get(project=line.project, period=line.period, category="cloud")
    assert (cloud.planned, cloud.actual) == (D(0), D(300))
    assert line.history.latest().history_change_reason == "Actuals recorded"


@pytest.mark.django_db
def test_a_stale_grid_saves_nothing(client, grid, make_user):
    line, url = grid
    opened = line.version
    line.actual = D(1)
    line.save()  # someone else, meanwhile

    response = client.post(
        url,
        grid_post(
            [
                {"category": "cloud", "actual": "300", "forecast": "900", "version": ""},
                {"category": line.category, "actual": "5", "forecast": "5", "version": opened},
            ]
        ),
    )

    assert response.status_code == 409
    assert not BudgetLine.objects.filter(category="cloud").exists()
    line.refresh_from_db()
    assert line.actual == D(1)


@pytest.mark.django_db
def test_a_negative_actual_is_refused_next_to_the_field(client, grid):
    line, url = grid

    response = client.post(
        url,
        grid_post(
            [{"category": line.category, "actual": "-5", "forecast": "1", "version": line.version}]
        ),
    )

    assert response.status_code == 200
    assert "Ensure this value is greater than or equal to 0." in response.content.decode()
    line.refresh_from_db()
    assert line.actual == D(0)


# -- actuals from a spreadsheet (the general import, kind "budget") --------------------------------


def upload(text: str, encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile("actuals.csv", text.encode(encoding), content_type="text/csv")


def dry_run(client, text: str, encoding: str = "utf-8"):
    started = client.post(
        reverse("import-start"),
        {"file": upload(text, encoding), "kind": "budget", "encoding": "auto", "delimiter": "auto"},
    )
    return client.get(started.url)


@pytest.mark.django_db
def test_a_dry_run_of_actuals_shows_each_rows_fate_and_changes_nothing(client, make_user, money):
    client.force_login(make_user(Role.ADMIN))
    text = (
        "Project;Period;Category;Actual;Forecast\n"
        "PAY-01;FY26 Q1;labour;81000;81000\n"
        "pay-01;FY26 Q2;Cloud;500;500\n"
        "NOPE-1;FY26 Q9;gold;-1;=1+1\n"
    )

    plan = dry_run(client, text).context["plan"]

    assert [(row.line, row.action) for row in plan.rows] == [
        (2, "update"),
        (3, "create"),
        (4, "refused"),
    ]
    assert plan.rows[0].changes == [
        ("actual", "80000.00", "81000.00"),
        ("forecast", "80000.00", "81000.00"),
    ]
    assert plan.rows[2].errors == [
        ("Project", "No project is known as 'NOPE-1'."),
        ("Period", "No fiscal period is known as 'FY26 Q9'."),
        (
            "Category",
            "'gold' is not one of: labour, cloud, vendor, licences, capex, travel, other.",
        ),
        ("Actual", "Give an amount of zero or more."),
        ("Forecast", "'=1+1' is not an amount."),
    ]
    assert BudgetLine.objects.get(project=money["pay"], period=money["q1"]).actual == D(80_000)


@pytest.mark.django_db
def test_actuals_applied_once_then_again_change_nothing(client, make_user, money):
    client.force_login(make_user(Role.ADMIN))
    text = "\ufeffproject,period,category,actual,forecast\nPAY-01,FY26 Q1,labour,81000.25,81000\n"
    batch = dry_run(client, text).context["batch"]
    form = {
        f"{name}__column": name for name in ("project", "period", "category", "actual", "forecast")
    }

    client.post(reverse("import-batch", args=[batch.pk]), {**form, "action": "apply"})
    again = dry_run(client, text).context["plan"]

    line = BudgetLine.objects.get(project=money["pay"], period=money["q1"])
    assert (line.actual, line.forecast, line.planned) == (D("81000.25"), D(81_000), D(90_000))
    assert [row.action for row in again.rows] == ["unchanged"]


@pytest.mark.django_db
def test_windows_1252_actuals_are_read(client, make_user, money):
    client.force_login(make_user(Role.ADMIN))
    text = (
        "project,period,category,actual,forecast,notes\n"
        "PAY-01,FY26 Q1,Licences,1,2,Logiciels – été\n"
    )

    plan = dry_run(client, text, encoding="cp1252").context["plan"]

    assert [row.action for row in plan.rows] == ["create"]
    assert plan.notes[0] == "Read as Windows-1252 (Excel's plain CSV): the file is not UTF-8."


# -- money is exact on both databases ------------------------------------------------------------


@pytest.mark.django_db
@settings(max_examples=40, deadline=None)
@given(
    st.decimals(
        min_value=0,
        max_value=D("9999999999999.99"),
        places=2,
        allow_nan=False,
        allow_infinity=False,
    )
)
def test_money_round_trips_exactly(amount):
    line = pf.BudgetLineFactory(planned=amount, actual=amount, forecast=amount)

    line.refresh_from_db()

    assert (line.planned, line.actual, line.forecast) == (amount, amount, amount)
    BudgetLine.objects.filter(pk=line.pk).delete()
