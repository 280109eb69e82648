"""The home page: each panel shows exactly what needs the user's attention, refreshes alone, and
the page's queries do not grow with the portfolio."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from programs import factories as pf
from risks import factories as rf
from tests.conftest import grow_portfolio
from tpmo.roles import Role


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.mark.django_db
def test_a_tpm_sees_their_own_work_panel_by_panel(client, make_user, today):
    tpm = pf.PersonFactory(name="Tess Park")
    client.force_login(make_user(Role.TPM, person=tpm))
    mine = pf.ProgramFactory(code="MINE", tpm=tpm, start_date=today - dt.timedelta(days=100))
    theirs = pf.ProgramFactory(code="THEIRS", start_date=today - dt.timedelta(days=100))
    project = pf.ProjectFactory(program=mine, code="MINE-01")
    other = pf.ProjectFactory(program=theirs, code="THEIRS-01")
    due = pf.MilestoneFactory(
        project=project, name="Beta", forecast_date=today + dt.timedelta(days=10)
    )
    pf.MilestoneFactory(project=project, name="Far", forecast_date=today + dt.timedelta(days=45))
    overdue = pf.MilestoneFactory(
        project=project, name="Alpha", forecast_date=today - dt.timedelta(days=3)
    )
    pf.MilestoneFactory(project=other, name="Not mine", forecast_date=today + dt.timedelta(days=5))
    critical = rf.RiskFactory(
        program=mine, residual_probability=5, residual_impact=4, title="Vendor"
    )
    rf.RiskFactory(program=mine, residual_probability=2, residual_impact=2, title="Low")
    rf.RiskFactory(program=theirs, residual_probability=5, residual_impact=5, title="Theirs")
    waiting = pf.DependencyFactory(
        predecessor_project=other,
        successor_project=project,
        status="requested",
        committed_date=None,
    )
    pf.DependencyFactory(predecessor_project=project, successor_project=other, status="blocked")
    pf.StatusReportFactory(program=mine, report_date=today - dt.timedelta(days=9))
    pf.StatusReportFactory(program=theirs, report_date=today)
    action = pf.ActionItemFactory(owner=tpm, retrospective=pf.RetrospectiveFactory(program=theirs))
    pf.ActionItemFactory(owner=tpm, done=True, done_on=today)

    response = client.get(reverse("home"))

    panels = response.context["panels"]
    assert [row.obj.code for row in panels["programs"].rows] == ["MINE"]
    assert panels["due"].rows == [due]
    assert panels["overdue"].rows == [overdue]
    assert panels["risks"].rows == [critical]
    assert panels["waiting"].rows == [waiting]
    assert [p.code for p in panels["stale"].rows] == ["MINE"]
    assert panels["actions"].rows == [action]  # an action on another program, owned by me
    assert "My programs" in response.content.decode()


@pytest.mark.django_db
def test_a_director_sees_the_whole_portfolio(client, make_user, today):
    client.force_login(make_user(Role.DIRECTOR))
    pf.ProgramFactory(code="ONE")
    pf.ProgramFactory(code="TWO")

    response = client.get(reverse("home"))

    assert [row.obj.code for row in response.context["panels"]["programs"].rows] == ["ONE", "TWO"]
    assert "Portfolio at a glance" in response.content.decode()


@pytest.mark.django_db
def test_a_panel_refreshes_alone_as_a_fragment(client, make_user):
    client.force_login(make_user(Role.VIEWER))

    response = client.get(reverse("home-panel", args=["overdue"]), headers={"HX-Request": "true"})

    body = response.content.decode()
    assert body.lstrip().startswith('<section id="panel-overdue"')
    assert "<html" not in body
    assert "HX-Request" in response["Vary"]


@pytest.mark.django_db
def test_an_unknown_panel_is_not_found(client, make_user):
    client.force_login(make_user(Role.VIEWER))

    assert client.get(reverse("home-panel", args=["nope"])).status_code == 404


@pytest.mark.django_db
def test_marking_my_action_done_removes_it_from_my_home(client, make_user, today):
    person = pf.PersonFactory()
    client.force_login(make_user(Role.VIEWER, person=person))
    action = pf.ActionItemFactory(owner=person)

    response = client.post(reverse("action-done", args=[action.pk]), headers={"HX-Request": "true"})

    action.refresh_from_db()
    assert (action.done, action.done_on) == (True, today)
    assert response.context["panels"]["actions"].rows == []
    assert action.history.latest().history_change_reason == "Marked done"


@pytest.mark.django_db
def test_someone_elses_action_cannot_be_ticked_by_a_viewer(client, make_user):
    client.force_login(make_user(Role.VIEWER))
    action = pf.ActionItemFactory()

    response = client.post(reverse("action-done", args=[action.pk]))

    action.refresh_from_db()
    assert response.status_code == 403
    assert action.done is False


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "queries"), [(Role.TPM, 26), (Role.DIRECTOR, 26), (Role.VIEWER, 26)]
)
def test_home_queries_do_not_grow_with_the_portfolio(
    client, make_user, django_assert_num_queries, role, queries
):
    person = pf.PersonFactory()
    client.force_login(make_user(role, person=person))
    grow_portfolio(1, tpm=person)

    # session, user, role, the data state; 2 per panel (rows, total) for 7 panels, and the
    # programs panel's ids
    with django_assert_num_queries(queries):
        small = client.get(reverse("home"))
    grow_portfolio(9, tpm=person)
    with django_assert_num_queries(queries):
        large = client.get(reverse("home"))

    assert small.context["panels"]["programs"].total == 1
    assert large.context["panels"]["programs"].total == 10
    with django_assert_num_queries(4):  # nothing written since: remembered
        again = client.get(reverse("home"))
    assert again.context["panels"] is large.context["panels"]
