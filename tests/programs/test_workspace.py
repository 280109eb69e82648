"""Program list, program and project pages, milestone list: content, filters, htmx, queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from programs import factories as pf
from programs.models import Program
from risks import factories as rf
from tests.conftest import grow_portfolio
from tpmo.roles import Role


@pytest.fixture
def viewer(client, make_user):
    user = make_user(Role.VIEWER)
    client.force_login(user)
    return user


def codes(response) -> list[str]:
    return [row.obj.code for row in response.context["rows"]]


# -- program list --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_program_list_filters_combine_and_sort(client, viewer):
    objective = pf.ObjectiveFactory(code="OBJ-EU")
    tpm = pf.PersonFactory(name="Tess")
    pf.ProgramFactory(code="EUX", name="EU expansion", tpm=tpm, priority=1, objectives=[objective])
    pf.ProgramFactory(code="EUY", name="EU payments", tpm=tpm, priority=2, objectives=[objective])
    pf.ProgramFactory(code="CHK", name="Checkout", tpm=tpm, priority=1, status="on_hold")
    pf.StatusReportFactory(program=Program.objects.get(code="EUY"), overall="red")

    url = reverse("program-list")
    assert codes(client.get(url, {"q": "eu"})) == ["EUX", "EUY"]
    assert codes(client.get(url, {"objective": objective.pk, "sort": "-code"})) == ["EUY", "EUX"]
    assert codes(client.get(url, {"tpm": tpm.pk, "priority": 1})) == ["CHK", "EUX"]
    assert codes(client.get(url, {"status": "on_hold"})) == ["CHK"]
    assert codes(client.get(url, {"health": "red"})) == ["EUY"]
    assert codes(client.get(url, {"sort": "priority"}))[:2] in (["CHK", "EUX"], ["EUX", "CHK"])


@pytest.mark.django_db
def test_program_list_pages_and_refuses_bad_input_without_an_error_page(client, viewer):
    for n in range(27):
        pf.ProgramFactory(code=f"P{n:02d}")
    url = reverse("program-list")

    second = client.get(url, {"page": 2})
    beyond = client.get(url, {"page": 999})
    junk = client.get(url, {"page": "x", "status": "nonsense", "director": "abc", "sort": "evil"})

    assert codes(second) == ["P25", "P26"]
    assert codes(beyond) == ["P25", "P26"]
    assert junk.status_code == 200
    assert "Select a valid choice." in junk.content.decode()


@pytest.mark.django_db
def test_htmx_gets_only_the_results_and_boosted_or_history_requests_the_page(client, viewer):
    pf.ProgramFactory(code="PAY")
    url = reverse("program-list")

    fragment = client.get(url, {"q": "PAY"}, headers={"HX-Request": "true"})
    boosted = client.get(url, headers={"HX-Request": "true", "HX-Boosted": "true"})
    restore = client.get(url, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    plain = client.get(url)

    assert fragment.content.decode().lstrip().startswith('<section id="program-results"')
    assert "<html" not in fragment.content.decode()
    for full in (boosted, restore, plain):
        assert "<html" in full.content.decode()
    for response in (fragment, boosted, restore, plain):
        assert "HX-Request" in response["Vary"]


@pytest.mark.django_db
def test_the_filter_form_pushes_its_url_so_results_are_bookmarks(client, viewer):
    body = client.get(reverse("program-list")).content.decode()

    assert 'hx-push-url="true"' in body
    assert f'action="{reverse("program-list")}"' in body


# -- program and project pages --------------------------------------------------------------------


@pytest.mark.django_db
def test_program_page_shows_everything_a_review_needs(client, viewer):
    today = timezone.localdate()
    program = pf.ProgramFactory(code="PAY", name="Payments")
    other = pf.ProgramFactory(code="CHK", name="Checkout")
    project = pf.ProjectFactory(program=program, code="PAY-01")
    theirs = pf.ProjectFactory(program=other, code="CHK-01")
    pf.MilestoneFactory(project=project, name="GA", is_key=True)
    pf.MilestoneFactory(project=project, name="Internal", is_key=False)
    pf.MilestoneFactory(project=project, name="Kick-off", is_key=True, status="cancelled")
    inbound = pf.DependencyFactory(predecessor_project=theirs, successor_project=project)
    outbound = pf.DependencyFactory(predecessor_project=project, successor_project=theirs)
    for score in (2, 3, 4, 5, 5, 1):
        rf.RiskFactory(program=program, residual_probability=score, residual_impact=score)
    period = pf.FiscalPeriodFactory()
    pf.BudgetLineFactory(
        project=project,
        period=period,
        planned=Decimal("100"),
        actual=Decimal("60"),
        forecast=Decimal("130"),
    )
    pf.BudgetLineFactory(
        project=project,
        period=period,
        category="cloud",
        planned=Decimal("50"),
        actual=Decimal("10"),
        forecast=Decimal("40"),
    )
    pf.StatusReportFactory(program=program, report_date=today, summary="All good now.")
    role = pf.ProgramStakeholderFactory(program=program, raci="A")
    retro = pf.RetrospectiveFactory(program=program, title="Q3 retro")
    pf.ActionItemFactory(retrospective=retro, description="Publish the calendar")

    response = client.get(reverse("program-detail", args=["PAY"]))

    page = response.context["page"]
    assert [m.name for m in page.key_milestones] == ["GA"]  # open ones; the rest counted
    assert page.key_closed == 1
    body = response.content.decode()
    assert (
        f'1 more done or cancelled. <a href="/milestones/?program={program.pk}&amp;key=true">'
        in body
    )
    assert (page.inbound.rows, page.inbound.total) == ([inbound], 1)
    assert (page.outbound.rows, page.outbound.total) == ([outbound], 1)
    assert [r.residual_score for r in page.risks.rows] == [25, 25, 16, 9, 4]
    assert page.risks.total == 6
    value = page.budget.total.value
    assert (value.bac, value.ac, page.budget.total.forecast) == (
        Decimal("150"),
        Decimal("70"),
        Decimal("170"),
    )
    assert page.stakeholders == [role]
    assert page.can_edit is False
    body = response.content.decode()
    for text in ("CHK-01", "All good now.", "Publish the calendar", "Q3 retro", "Accountable"):
        assert text in body
    assert "Write status report" not in body  # viewers read only


@pytest.mark.django_db
def test_program_and_project_pages_list_open_dependencies_those_in_trouble_first(client, viewer):
    today = timezone.localdate()
    project = pf.ProjectFactory(program=pf.ProgramFactory(code="PAY"), code="PAY-01")
    theirs = pf.ProjectFactory(program=pf.ProgramFactory(code="CHK"), code="CHK-01")

    def waiting_on(status, days, committed=None):
        return pf.DependencyFactory(
            predecessor_project=theirs,
            successor_project=project,
            status=status,
            needed_by=today + dt.timedelta(days=days),
            committed_date=committed and today + dt.timedelta(days=committed),
        )

    calm_soon = waiting_on("committed", 5, committed=5)
    calm_later = waiting_on("committed", 40, committed=30)
    late = waiting_on("committed", 60, committed=70)  # committed after the date needed
    blocked = waiting_on("blocked", 90)
    waiting_on("delivered", 1, committed=1)
    waiting_on("cancelled", 2)
    for days in range(20, 30):  # ten more calm ones, needed after calm_soon
        waiting_on("committed", days, committed=days)

    for url in (
        reverse("program-detail", args=["PAY"]),
        reverse("project-detail", args=["PAY-01"]),
    ):
        page = client.get(url).context["page"]
        assert page.inbound.total == 14
        assert page.inbound.rows[:3] == [late, blocked, calm_soon]
        assert len(page.inbound.rows) == 10
        assert calm_later not in page.inbound.rows
        assert page.inbound.more == 4
        assert (page.outbound.rows, page.outbound.total) == ([], 0)

    body = client.get(reverse("project-detail", args=["PAY-01"])).content.decode()
    assert "14 open</span>" in body
    assert "4 more open; those in trouble come first, then by the date needed." in body
    assert f'href="{reverse("program-dependencies", args=["PAY"])}"' in body
    assert "None open." in body  # nothing waits on this project


@pytest.mark.django_db
def test_program_page_of_an_unknown_code_is_not_found(client, viewer):
    assert client.get(reverse("program-detail", args=["NOPE"])).status_code == 404


@pytest.mark.django_db
def test_project_page_shows_its_milestones_budget_people_and_counters(client, viewer):
    today = timezone.localdate()
    project = pf.ProjectFactory(code="PAY-01")
    pf.MilestoneFactory(
        project=project,
        name="A",
        baseline_date=today - dt.timedelta(days=10),
        forecast_date=today - dt.timedelta(days=2),
    )
    pf.MilestoneFactory(
        project=project, name="B", baseline_date=today, forecast_date=today + dt.timedelta(days=6)
    )
    pf.MilestoneFactory(
        project=project,
        name="C",
        baseline_date=today - dt.timedelta(days=20),
        forecast_date=today - dt.timedelta(days=20),
        status="done",
        actual_date=today - dt.timedelta(days=20),
    )
    allocation = pf.AllocationFactory(project=project, percent=80)

    response = client.get(reverse("project-detail", args=["PAY-01"]))

    counters = response.context["counters"]
    assert (
        counters.total,
        counters.done,
        counters.late,
        counters.overdue,
        counters.worst_slip,
    ) == (3, 1, 2, 1, 8)
    assert response.context["page"].allocations == [allocation]
    assert [m.name for m in response.context["page"].milestones] == ["C", "A", "B"]


# -- milestone list -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_milestone_list_filters(client, viewer):
    today = timezone.localdate()
    owner = pf.PersonFactory()
    program = pf.ProgramFactory(code="PAY")
    project = pf.ProjectFactory(program=program)
    pf.MilestoneFactory(
        project=project,
        name="Soon",
        is_key=True,
        owner=owner,
        baseline_date=today,
        forecast_date=today + dt.timedelta(days=5),
    )
    pf.MilestoneFactory(
        project=project,
        name="Later",
        baseline_date=today + dt.timedelta(days=60),
        forecast_date=today + dt.timedelta(days=60),
    )
    pf.MilestoneFactory(
        project=project,
        name="Overdue",
        baseline_date=today - dt.timedelta(days=9),
        forecast_date=today - dt.timedelta(days=1),
    )
    pf.MilestoneFactory(
        project=project,
        name="Done",
        baseline_date=today - dt.timedelta(days=9),
        forecast_date=today - dt.timedelta(days=9),
        status="done",
        actual_date=today - dt.timedelta(days=9),
    )
    pf.MilestoneFactory(
        name="Elsewhere",
        baseline_date=today + dt.timedelta(days=200),
        forecast_date=today + dt.timedelta(days=200),
    )

    def names(**params):
        response = client.get(reverse("milestone-list"), params)
        return [m.name for m in response.context["page"].object_list]

    assert names(window="7") == ["Soon"]
    assert names(window="90") == ["Soon", "Later"]
    assert names(window="overdue") == ["Overdue"]
    assert names(late="true") == ["Overdue", "Soon"]
    assert names(key="true") == ["Soon"]
    assert names(owner=owner.pk) == ["Soon"]
    assert names(status="done") == ["Done"]
    assert names(program=program.pk, sort="-slip")[:2] == ["Overdue", "Soon"]
    assert names(q="elsew") == ["Elsewhere"]


@pytest.mark.django_db
def test_the_program_list_rows_are_remembered_until_a_write_changes_them(
    client, viewer, django_assert_num_queries
):
    program = pf.ProgramFactory(code="EUX")
    url = reverse("program-list")
    assert [row.reported for row in client.get(url).context["rows"]] == [None]

    # Session, user, role and data state: no rows, no filter choices (the form is remembered).
    with django_assert_num_queries(4):
        client.get(url)
    pf.StatusReportFactory(program=program, overall="red")
    rows = client.get(url).context["rows"]
    assert [(row.obj.code, row.reported.value) for row in rows] == [("EUX", "red")]
    tpm = program.tpm
    tpm.name = "Tessa Renamed"
    tpm.save()
    body = client.get(url).content.decode()  # the remembered filter form lists the new name
    assert f'<option value="{tpm.pk}">Tessa Renamed</option>' in body
    assert body.count("Tessa Renamed") == 2  # the TPM filter and the row: nothing stale


# -- queries stay flat ----------------------------------------------------------------------------

PAGES = {
    # The rows shown, remembered per data state: with the data state query.
    "program-list": (lambda: reverse("program-list"), 17),
    # Program and project pages: with the data state, and this reader's own right to edit.
    "program-detail": (lambda: reverse("program-detail", args=["PAY"]), 48),
    "project-detail": (lambda: reverse("project-detail", args=["PAY-01"]), 35),
    # The rows and the filter's choices, remembered per data state: with the data state query.
    "milestone-list": (lambda: reverse("milestone-list"), 9),
    "milestone-list-filtered": (
        lambda: reverse("milestone-list") + "?window=90&late=true&sort=slip",
        7,  # nothing matches here, so the page needs no "which rows may I edit" query
    ),
    "program-list-export": (lambda: reverse("program-list") + "?export=csv", 11),
    "milestone-list-export": (lambda: reverse("milestone-list") + "?export=xlsx", 4),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_queries_are_the_same_on_a_10x_larger_portfolio(
    client, make_user, django_assert_num_queries, name
):
    person = pf.PersonFactory()
    client.force_login(make_user(Role.TPM, person=person))
    pay = pf.ProgramFactory(code="PAY", tpm=person)
    project = pf.ProjectFactory(program=pay, code="PAY-01")
    grow_portfolio(1, tpm=person)
    url, queries = PAGES[name][0](), PAGES[name][1]

    def grow_pay(times: int) -> None:
        for _ in range(times):
            extra = pf.ProjectFactory(program=pay)
            pf.MilestoneFactory(project=project, is_key=True)
            pf.DependencyFactory(predecessor_project=extra, successor_project=project)
            rf.RiskFactory(program=pay, project=project)
            pf.StatusReportFactory(program=pay, project=extra)
            pf.BudgetLineFactory(project=project, period=pf.FiscalPeriodFactory())
            pf.AllocationFactory(project=project)
            pf.ActionItemFactory(
                retrospective=pf.RetrospectiveFactory(program=pay, project=project)
            )

    grow_pay(1)
    with django_assert_num_queries(queries):
        small = client.get(url)
    grow_portfolio(9, tpm=person)
    grow_pay(9)
    with django_assert_num_queries(queries):
        large = client.get(url)

    assert small.status_code == large.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["program-detail", "project-detail"])
def test_a_remembered_page_still_says_whether_this_reader_may_edit(client, user_for, name):
    url = reverse(name, args=["PAY" if name == "program-detail" else "PAY-01"])
    client.force_login(user_for(Role.TPM))  # owns PAY
    mine = client.get(url).context["page"]
    client.force_login(user_for(Role.VIEWER))
    theirs = client.get(url).context["page"]

    assert (mine.can_edit, theirs.can_edit) == (True, False)
    assert theirs.history is mine.history  # the rest was remembered, not computed again
