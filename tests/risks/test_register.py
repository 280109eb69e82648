"""The register: filters, heat map counts equal to the list's, figures, trend, queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from programs import factories as pf
from risks import factories as rf
from risks import selectors
from risks.models import Risk
from tests.conftest import grow_portfolio
from tpmo.roles import Role


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def viewer(client, make_user):
    client.force_login(make_user(Role.VIEWER))


def titles(response) -> list[str]:
    return sorted(risk.title for risk in response.context["page"].object_list)


@pytest.fixture
def register(db, today):
    pay = pf.ProgramFactory(code="PAY")
    chk = pf.ProgramFactory(code="CHK")
    owner = pf.PersonFactory(name="Olga Owner")
    project = pf.ProjectFactory(program=pay, code="PAY-01")

    def risk(title, program, p, i, **fields):
        values = {
            "title": title,
            "program": program,
            "inherent_probability": min(5, p + 1),
            "inherent_impact": i,
            "residual_probability": p,
            "residual_impact": i,
            "identified_on": today - dt.timedelta(days=60),
            "next_review_date": today + dt.timedelta(days=7),
        }
        return rf.RiskFactory(**{**values, **fields})

    return {
        "a": risk(
            "A critical", pay, 5, 4, cost_impact=Decimal("100000"), owner=owner, project=project
        ),
        "b": risk(
            "B high", pay, 3, 4, cost_impact=Decimal("50000"), response="", category="vendor"
        ),
        "c": risk(
            "C high stale", chk, 3, 4, next_review_date=today - dt.timedelta(days=1), owner=None
        ),
        "d": risk("D low", chk, 1, 2, proximity_date=today + dt.timedelta(days=10)),
        "e": risk("E closed", pay, 5, 5, status="closed", closed_on=today),
        "pay": pay,
        "owner": owner,
    }


@pytest.mark.django_db
def test_filters(client, viewer, register, today):
    url = reverse("risk-list")
    pay = register["pay"]

    assert titles(client.get(url, {"program": pay.pk})) == ["A critical", "B high", "E closed"]
    assert titles(client.get(url, {"project": "pay-01"})) == ["A critical"]
    assert titles(client.get(url, {"band": "high"})) == ["B high", "C high stale"]
    assert titles(client.get(url, {"status": "open", "band": "critical"})) == ["A critical"]
    assert titles(client.get(url, {"stale": "true"})) == ["C high stale"]
    assert titles(client.get(url, {"proximity": "30"})) == ["D low"]
    assert titles(client.get(url, {"response": "none"})) == ["B high"]
    assert titles(client.get(url, {"category": "vendor"})) == ["B high"]
    assert titles(client.get(url, {"owner": register["owner"].pk})) == ["A critical"]
    assert titles(client.get(url, {"residual": "9-9"})) == []  # nonsense cell: nothing, no error


@pytest.mark.django_db
def test_each_heat_map_cell_counts_what_its_link_lists(client, viewer, register):
    url = reverse("risk-list")
    response = client.get(url, {"program": register["pay"].pk})
    heat = response.context["heat_map"]

    for side in ("inherent", "residual"):
        for row in getattr(heat, side):
            for cell in row:
                if not cell.count:
                    continue
                listed = client.get(
                    url,
                    {
                        "program": register["pay"].pk,
                        "status": "open",
                        side: f"{cell.probability}-{cell.impact}",
                    },
                )
                assert listed.context["page"].paginator.count == cell.count
    assert heat.total == 2  # A and B; E is closed


@pytest.mark.django_db
def test_clicking_a_cell_swaps_the_results_in_place(client, viewer, register):
    response = client.get(
        reverse("risk-list"), {"status": "open", "residual": "3-4"}, headers={"HX-Request": "true"}
    )

    body = response.content.decode()
    assert body.lstrip().startswith('<section id="risk-results"')
    assert titles(response) == ["B high", "C high stale"]
    assert "HX-Request" in response["Vary"]


@pytest.mark.django_db
def test_figures(register, today):
    figures = selectors.figures(Risk.objects.all(), today)

    assert figures.open == 4
    assert figures.by_band == {"low": 1, "medium": 0, "high": 2, "critical": 1}
    # EMV: A 0.9 × 100,000 + B 0.5 × 50,000 + C 0.5 × 50,000 (factory) + D 0.1 × 50,000
    assert figures.emv == Decimal("145000.00")
    assert (figures.inherent_exposure, figures.residual_exposure) == (
        20 + 16 + 16 + 4,
        20 + 12 + 12 + 2,
    )
    assert (figures.stale, figures.without_owner, figures.without_response) == (1, 1, 1)


@pytest.mark.django_db
def test_exposure_trend_reads_each_risk_as_it_stood_each_week(register, today, make_user):
    risk = register["b"]
    history = risk.history.earliest()
    history.history_date = timezone.now() - dt.timedelta(days=20)
    history.save()
    for other in Risk.objects.exclude(pk=risk.pk):
        other.history.all().delete()
    risk.residual_impact = 1
    risk.save()  # today: re-scored from 12 to 3

    chart = selectors.exposure_trend(None, today)

    residual = chart.series[1].values
    assert residual[-4:] == (0, 12, 12, 3)  # not yet identified, then 12 for two weeks, then 3
    assert len(chart.labels) == selectors.TREND_WEEKS
    assert chart.rows[-1] == (chart.labels[-1], [16, 3])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "queries"),
    [
        # With the data state (tpmo.datastate), read once for figures, page and filter choices.
        ("risk-list", 13),
        ("issue-list", 7),
        ("decision-list", 7),
        ("assumption-list", 7),
    ],
)
def test_register_queries_do_not_grow(client, make_user, django_assert_num_queries, name, queries):
    client.force_login(make_user(Role.VIEWER))
    grow_portfolio(1)
    for program in pf.ProgramFactory._meta.model.objects.all():
        rf.IssueFactory(program=program)
        rf.DecisionFactory(program=program)
        rf.AssumptionFactory(program=program)

    with django_assert_num_queries(queries):
        client.get(reverse(name))
    for program in grow_portfolio(9):
        rf.IssueFactory(program=program)
        rf.DecisionFactory(program=program)
        rf.AssumptionFactory(program=program)
    with django_assert_num_queries(queries):
        response = client.get(reverse(name))

    assert response.context["page"].paginator.count >= 10
