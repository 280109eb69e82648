"""Slip impact: the report, its queries, and the notice after a forecast change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from programs import factories as pf
from tests.conftest import grow_portfolio
from tpmo.roles import Role

D0 = dt.date(2026, 3, 1)


@pytest.fixture
def chain(db):
    """PAY-01 / API ready (1 Mar) → FS → CHK-01 / Integrate (5 Mar, baseline 6 Mar)
    → FS +2 → OPS-01 (starts 8 Mar, 20 days, baseline end 28 Mar); PAY-01 / API ready has
    promised CHK-01 the 3 Mar."""
    pay = pf.ProjectFactory(code="PAY-01", program=pf.ProgramFactory(code="PAY"))
    chk = pf.ProjectFactory(code="CHK-01", program=pf.ProgramFactory(code="CHK"))
    ops = pf.ProjectFactory(
        code="OPS-01",
        program=pf.ProgramFactory(code="OPS"),
        baseline_start=D0 + dt.timedelta(days=7),
        forecast_start=D0 + dt.timedelta(days=7),
        baseline_end=D0 + dt.timedelta(days=27),
        forecast_end=D0 + dt.timedelta(days=27),
    )
    api = pf.MilestoneFactory(project=pay, name="API ready", baseline_date=D0, forecast_date=D0)
    integrate = pf.MilestoneFactory(
        project=chk,
        name="Integrate",
        baseline_date=D0 + dt.timedelta(days=5),
        forecast_date=D0 + dt.timedelta(days=4),
    )
    pf.DependencyFactory(
        predecessor_project=pay,
        predecessor_milestone=api,
        successor_project=chk,
        successor_milestone=integrate,
        committed_date=D0 + dt.timedelta(days=2),
    )
    pf.DependencyFactory(
        predecessor_project=chk, predecessor_milestone=integrate, successor_project=ops, lag_days=2
    )
    return {"pay": pay, "api": api, "integrate": integrate, "ops": ops}


@pytest.mark.django_db
def test_the_slip_impact_report(client, make_user, chain):
    client.force_login(make_user(Role.VIEWER))

    response = client.get(
        reverse("impact"), {"project": "pay-01", "milestone": "api ready", "days": 10}
    )

    report = response.context["report"]
    assert report.new_finish == dt.date(2026, 3, 11)
    assert [
        (i.item.label, i.move.new_finish, i.move.days, i.move.breaches_deadline)
        for i in report.impacts
    ] == [
        ("CHK-01 / Integrate", dt.date(2026, 3, 11), 6, True),  # 5 Mar → 11 Mar, baseline 6 Mar
        (f"OPS-01 {chain['ops'].name}", dt.date(2026, 4, 2), 5, True),  # starts 13 Mar, +20 days
    ]
    assert [(item.label, committed) for item, committed in report.broken_commitments] == [
        ("CHK-01 / Integrate", dt.date(2026, 3, 3))
    ]
    assert report.programs == ["CHK", "OPS"]
    assert (
        "<strong>2</strong> downstream items must move, in 2 other programs (CHK, OPS)"
        in response.content.decode()
    )


@pytest.mark.django_db
def test_slack_absorbs_a_small_slip(client, make_user, chain):
    client.force_login(make_user(Role.VIEWER))

    report = client.get(
        reverse("impact"), {"project": "PAY-01", "milestone": "API ready", "days": 3}
    ).context["report"]

    assert report.impacts == []  # Integrate is forecast on 5 Mar; 1 + 3 = 4 Mar still fits


@pytest.mark.django_db
def test_bad_input_is_named_next_to_the_field(client, make_user, chain):
    client.force_login(make_user(Role.VIEWER))

    response = client.get(reverse("impact"), {"project": "NOPE", "days": "0"})

    body = response.content.decode()
    assert "There is no project with the code &#x27;NOPE&#x27;." in body
    assert "A slip of 0 days moves nothing." in body
    assert response.context["report"] is None


@pytest.mark.django_db
def test_impact_queries_do_not_grow(client, make_user, chain, django_assert_num_queries):
    client.force_login(make_user(Role.VIEWER))
    params = {"project": "PAY-01", "milestone": "API ready", "days": 10}
    grow_portfolio(1)
    with django_assert_num_queries(8):  # session, user, role; 2 to find the item; 3 for the network
        client.get(reverse("impact"), params)
    grow_portfolio(9)
    with django_assert_num_queries(8):
        client.get(reverse("impact"), params)


@pytest.mark.django_db
def test_a_forecast_change_that_moves_other_programs_says_so_at_once(client, make_user, chain):
    api = chain["api"]
    client.force_login(make_user(Role.ADMIN))
    data = {
        "forecast_date": "2026-03-11",
        "actual_date": "",
        "status": "planned",
        "version": api.version,
    }

    response = client.post(
        reverse("milestone-edit", args=[api.pk]), data, headers={"HX-Request": "true"}
    )

    body = response.content.decode()
    assert (
        '<div id="impact-notice" class="notice impact-notice" role="status" hx-swap-oob="true">'
        in body
    )
    assert "moves 2 items</strong>, in CHK, OPS too, and breaks its commitment" in body


@pytest.mark.django_db
def test_without_javascript_the_notice_is_a_message(client, make_user, chain):
    api = chain["api"]
    client.force_login(make_user(Role.ADMIN))
    data = {
        "forecast_date": "2026-03-11",
        "actual_date": "",
        "status": "planned",
        "version": api.version,
    }

    response = client.post(reverse("milestone-edit", args=[api.pk]), data, follow=True)

    assert (
        "Moving PAY-01 / API ready by 10 days moves 2 item(s), in CHK, OPS too"
        in response.content.decode()
    )


@pytest.mark.django_db
def test_the_lean_plan_is_the_network_the_reports_use(chain, django_assert_num_queries):
    from programs.network import load_network, load_plan
    from programs.schedule import critical_path, plan_timings

    pf.DependencyFactory(status="cancelled")  # a cancelled dependency binds no dates
    network = load_network()

    with django_assert_num_queries(3):
        plan = load_plan()

    assert set(plan.nodes) == set(network.activities)
    assert len(plan.nodes) == len(network.activities)
    assert len(plan.predecessors) == len(network.links)
    lean = plan_timings(plan)
    full = critical_path(network.activities.values(), network.links)
    assert dict(lean.floats()) == dict(full.floats())
    assert {node: lean[node] for node in lean} == {node: full[node] for node in full}


@pytest.mark.django_db
def test_the_downstream_load_gives_the_report_the_whole_network_gives(
    chain, django_assert_num_queries
):
    """The database walks the downstream (recursive query): a diamond, a cancelled link that is
    not followed, an item upstream that is not loaded — and the report is the same as from the
    whole network."""
    from programs.network import load_network, slip_impact

    ops, integrate = chain["ops"], chain["integrate"]
    tail = pf.ProjectFactory(code="TAIL-01", forecast_start=D0, forecast_end=D0)
    side = pf.MilestoneFactory(project=ops, name="Side", forecast_date=D0, baseline_date=D0)
    pf.DependencyFactory(  # a second way from Integrate to OPS-01's milestone: a diamond
        predecessor_project=integrate.project,
        predecessor_milestone=integrate,
        successor_project=ops,
        successor_milestone=side,
    )
    pf.DependencyFactory(predecessor_project=ops, successor_project=tail, lag_days=1)
    cancelled_target = pf.ProjectFactory(code="GONE-01")
    pf.DependencyFactory(
        predecessor_project=tail, successor_project=cancelled_target, status="cancelled"
    )
    moved = (chain["api"].project_id, chain["api"].pk)

    with django_assert_num_queries(3):
        downstream = load_network(downstream_of=moved)

    assert set(downstream.activities) == {
        moved,
        (integrate.project_id, integrate.pk),
        (ops.pk, None),
        (ops.pk, side.pk),
        (tail.pk, None),
    }
    for days in (1, 10, 40):
        lean, whole = slip_impact(downstream, moved, days), slip_impact(load_network(), moved, days)
        assert lean == whole
    assert [impact.item.label for impact in slip_impact(downstream, moved, 40).impacts] == [
        impact.item.label for impact in slip_impact(load_network(), moved, 40).impacts
    ]
    assert len(slip_impact(downstream, moved, 40).impacts) == 4
