"""Lists, exports and totals hold exactly what the user may see: every role reads the whole
portfolio, a user without a role nothing — counted and summed against the database itself."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.db.models import Q
from django.urls import reverse

from programs.models import BudgetLine, Dependency, Milestone, Program, Project
from risks.models import Assumption, Decision, Issue, Risk
from tests.conftest import grow_portfolio
from tpmo.roles import Role

pytestmark = pytest.mark.django_db

ROLES = [Role.ADMIN, Role.DIRECTOR, Role.TPM, Role.VIEWER, None]

EXPORTS = [
    ("program-list", Program),
    ("milestone-list", Milestone),
    ("risk-list", Risk),
    ("issue-list", Issue),
    ("decision-list", Decision),
    ("assumption-list", Assumption),
    ("portfolio-dependencies", Dependency),
]
KINDS = [
    ("programs", Program),
    ("projects", Project),
    ("milestones", Milestone),
    ("dependencies", Dependency),
    ("risks", Risk),
    ("budget", BudgetLine),
]


def rows_of(response):
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


@pytest.fixture
def bigger(portfolio):
    grow_portfolio(2)
    return portfolio


@pytest.mark.parametrize(("url", "model"), EXPORTS)
@pytest.mark.parametrize("role", ROLES, ids=lambda r: getattr(r, "name", "none"))
def test_list_exports_hold_what_the_user_may_see(client, user_for, bigger, url, model, role):
    client.force_login(user_for(role))

    response = client.get(reverse(url) + "?export=csv")

    expected = model.objects.count() if role else 0
    assert response.status_code == 200
    assert len(rows_of(response)) == expected


@pytest.mark.parametrize(("kind", "model"), KINDS)
@pytest.mark.parametrize("role", ROLES[:4], ids=lambda r: r.name)
def test_import_format_exports_hold_every_record(client, user_for, bigger, kind, model, role):
    client.force_login(user_for(role))

    response = client.get(reverse("export-data") + f"?kind={kind}")

    assert len(rows_of(response)) == model.objects.count()


@pytest.mark.parametrize(("kind", "model"), KINDS)
def test_a_programs_export_holds_its_records_only(client, user_for, bigger, kind, model):
    client.force_login(user_for(Role.TPM))
    path = {
        "programs": "pk",
        "projects": "program",
        "milestones": "project__program",
        "risks": "program",
        "budget": "project__program",
    }
    program = bigger["program"]

    response = client.get(reverse("export-data") + f"?kind={kind}&program=PAY")

    if kind == "dependencies":  # either end in the program
        either = Q(successor_project__program=program) | Q(predecessor_project__program=program)
        expected = Dependency.objects.filter(either).count()
    else:
        value = program.pk if kind == "programs" else program
        expected = model.objects.filter(**{path[kind]: value}).count()
    assert len(rows_of(response)) == expected


@pytest.mark.parametrize("role", [Role.ADMIN, Role.DIRECTOR])
def test_finance_totals_equal_the_budget_lines(client, user_for, bigger, role):
    client.force_login(user_for(role))

    rows = rows_of(client.get(reverse("portfolio-finance") + "?export=csv"))

    # Programs with money (CHK, the fixture's second program, has no budget line).
    assert (
        len(rows) == Program.objects.filter(projects__budget_lines__isnull=False).distinct().count()
    )
    assert sum(Decimal(row["BAC"]) for row in rows) == sum(
        line.planned for line in BudgetLine.objects.all()
    )
    assert sum(Decimal(row["AC"]) for row in rows) == sum(
        line.actual for line in BudgetLine.objects.all()
    )


@pytest.mark.parametrize("role", ROLES, ids=lambda r: getattr(r, "name", "none"))
def test_api_counts_equal_what_the_user_may_see(client, user_for, bigger, role):
    client.force_login(user_for(role))

    response = client.get(reverse("api:risk-list"))

    if role is None:
        assert response.status_code == 403
    else:
        assert response.json()["count"] == Risk.objects.count()
