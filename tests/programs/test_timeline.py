"""Timelines, dependency graphs and the milestone trend: what they draw, and their queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from programs import factories as pf
from programs import timeline
from programs.models import Milestone, StatusReport
from programs.trend import milestone_trend
from tests.conftest import grow_portfolio
from tpmo.roles import Role


@pytest.mark.django_db
def test_the_program_timeline_draws_baselines_forecasts_the_critical_path_and_arrows(
    client, make_user, portfolio
):
    client.force_login(make_user(Role.VIEWER))

    response = client.get(reverse("program-timeline", args=["PAY"]))

    chart = response.context["chart"]
    labels = [drawn.row.label for drawn in chart.rows]
    assert labels[0].startswith("PAY-01 ")
    assert labels[-1] == "CHK-01 (CHK)"  # the other program's end of the dependency
    schedule = response.context["schedule"]
    drawn_critical = {
        drawn.row.key
        for drawn in chart.rows
        if any("forecast critical" in m.mark.css for m in drawn.marks)
    }
    assert drawn_critical == {
        node[0]
        for node in schedule.critical
        if node[1] is None and node[0] == portfolio["project"].pk
    }
    assert chart.rows[0].marks[0].mark.css == "baseline"
    assert any(m.mark.kind == "diamond" for m in chart.rows[0].marks)
    assert schedule.critical
    assert [a.arrow.start_key for a in chart.arrows] == [portfolio["project"].pk]
    body = response.content.decode()
    assert "<svg" in body
    assert "Critical path" in body


@pytest.mark.django_db
def test_the_program_dependency_graph_is_layered_and_coloured_by_program(
    client, make_user, portfolio
):
    client.force_login(make_user(Role.VIEWER))

    graph = client.get(reverse("program-dependencies", args=["PAY"])).context["graph"]

    by_label = {node.label: node for node in graph.nodes}
    beta, chk = by_label["PAY-01 / Beta"], by_label[f"CHK-01 {portfolio['other_project'].name}"]
    assert beta.x < chk.x  # left to right in dependency order
    assert (beta.program, chk.program) == ("PAY", "CHK")
    assert beta.css != chk.css
    assert graph.programs == (("PAY", "program-0"), ("CHK", "program-1"))


@pytest.mark.django_db
def test_the_graph_draws_each_edge_with_the_arrowhead_of_its_figure(client, make_user, portfolio):
    client.force_login(make_user(Role.VIEWER))

    response = client.get(reverse("program-dependencies", args=["PAY"]))

    graph = response.context["graph"]
    (edge,) = graph.edges
    drawn = (
        f'<path d="{edge.path}" class="{edge.css}" marker-end="url(#graph-head)">'
        f"<title>{edge.title}</title></path>"
    )
    body = response.content.decode()
    assert drawn in body
    assert '<marker id="graph-head"' in body
    assert graph.edges_svg("graph") is graph.edges_svg("graph")  # written once
    assert "url(#other-head)" in graph.edges_svg("other")


def test_layering_survives_programs_that_depend_on_each_other_both_ways():
    a, b, c = (1, None), (2, None), (3, None)
    edges = [(a, b, False, "a→b"), (b, c, True, "b→c"), (c, a, False, "c→a")]

    kept = timeline._layering_edges([a, b, c], edges)
    graph = timeline.layered_graph("g", {n: (str(n[0]), str(n[0]), "") for n in (a, b, c)}, kept)

    assert kept == edges[:2]
    assert [node.x for node in graph.nodes] == [10, 240, 470]


@pytest.mark.django_db
def test_portfolio_pages(client, make_user, portfolio):
    client.force_login(make_user(Role.DIRECTOR))

    deps = client.get(reverse("portfolio-dependencies"), {"cross": "true"})
    tl = client.get(reverse("portfolio-timeline"))

    assert [d.pk for d in deps.context["page"].object_list] == [portfolio["dependency"].pk]
    assert [node.program for node in deps.context["graph"].nodes] == ["PAY", "CHK"]
    assert [drawn.row.label.split()[0] for drawn in tl.context["chart"].rows] == ["CHK", "PAY"]


@pytest.mark.django_db
def test_the_portfolio_timeline_marks_each_programs_key_milestones_in_date_order(
    client, make_user, portfolio
):
    project = portfolio["project"]
    project.milestones.update(is_key=False)
    for name, forecast, baseline, key in (
        ("Launch", dt.date(2027, 5, 1), dt.date(2027, 4, 1), True),  # late
        ("Design", dt.date(2027, 2, 1), dt.date(2027, 2, 1), True),
        ("Internal review", dt.date(2027, 1, 1), dt.date(2027, 1, 1), False),
    ):
        pf.MilestoneFactory(
            project=project, name=name, forecast_date=forecast, baseline_date=baseline, is_key=key
        )
    client.force_login(make_user(Role.DIRECTOR))

    chart = client.get(reverse("portfolio-timeline")).context["chart"]

    pay = next(drawn for drawn in chart.rows if drawn.row.key == portfolio["program"].pk)
    diamonds = [m.mark for m in pay.marks if m.mark.kind == "diamond"]
    assert [(d.title, d.css) for d in diamonds] == [
        ("Design: 01 Feb 2027 (baseline 01 Feb 2027)", "milestone"),
        ("Launch: 01 May 2027 (baseline 01 Apr 2027)", "milestone late"),
    ]


PAGES = {
    # The schedule and its drawing, remembered per data state: with the data state query.
    "program-timeline": (lambda: reverse("program-timeline", args=["PAY"]), 8),
    "program-dependencies": (lambda: reverse("program-dependencies", args=["PAY"]), 8),
    "portfolio-timeline": (lambda: reverse("portfolio-timeline"), 15),  # with the data state
    "portfolio-dependencies": (lambda: reverse("portfolio-dependencies"), 8),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PAGES))
def test_schedule_pages_queries_do_not_grow(
    client, make_user, portfolio, django_assert_num_queries, name
):
    client.force_login(make_user(Role.DIRECTOR))
    url, queries = PAGES[name][0](), PAGES[name][1]
    pay = portfolio["program"]
    grow_portfolio(1, tpm=pay.tpm)

    with django_assert_num_queries(queries):
        client.get(url)
    for program in grow_portfolio(9, tpm=pay.tpm):
        project = program.projects.first()
        pf.DependencyFactory(predecessor_project=portfolio["project"], successor_project=project)
        pf.MilestoneFactory(project=portfolio["project"], is_key=True)
    with django_assert_num_queries(queries):
        client.get(url)


@pytest.mark.django_db
def test_milestone_trend_reads_the_forecast_at_each_report_and_flags_acceleration():
    project = pf.ProjectFactory()
    milestone = pf.MilestoneFactory(project=project, name="GA", forecast_date=dt.date(2026, 6, 1))
    history = Milestone.history.model
    base = history.objects.get(id=milestone.pk)
    for when, forecast in (
        (dt.date(2026, 1, 5), dt.date(2026, 6, 1)),
        (dt.date(2026, 2, 5), dt.date(2026, 6, 4)),  # +3
        (dt.date(2026, 3, 5), dt.date(2026, 6, 14)),  # +10: accelerating
    ):
        base.pk = None
        base.history_id = None
        base.history_date = dt.datetime.combine(when, dt.time(9), tzinfo=dt.UTC)
        base.forecast_date = forecast
        base.history_type = "~"
        base.save()
    history.objects.filter(id=milestone.pk, history_type="+").update(
        history_date=dt.datetime(2025, 12, 1, tzinfo=dt.UTC)
    )
    for day in (dt.date(2026, 1, 10), dt.date(2026, 2, 10), dt.date(2026, 3, 10)):
        pf.StatusReportFactory(program=project.program, report_date=day)

    analysis = milestone_trend(
        Milestone.objects.filter(pk=milestone.pk),
        StatusReport.objects.filter(program=project.program),
    )

    assert analysis.dates == (dt.date(2026, 1, 10), dt.date(2026, 2, 10), dt.date(2026, 3, 10))
    assert analysis.trends[0].forecasts == (
        dt.date(2026, 6, 1),
        dt.date(2026, 6, 4),
        dt.date(2026, 6, 14),
    )
    assert analysis.trends[0].slips == [3, 10]
    assert [t.milestone.name for t in analysis.accelerating] == ["GA"]
    assert analysis.chart.series[0].values == (142, 145, 155)  # days after the first report
    # Written as the tables write dates: no leading zero, the year when it is not this one.
    assert [label.removesuffix(" 2026") for label in analysis.chart.labels] == [
        "10 Jan",
        "10 Feb",
        "10 Mar",
    ]
    assert timezone.now()


@pytest.mark.django_db
def test_the_critical_path_table_lists_milestones_and_other_programs_items_earliest_first(
    client, make_user
):
    """A chain through a milestone into another program's project: the table names every item
    on it, not only this program's whole projects (it said "No projects." for such a chain)."""
    jan, mar, jun = dt.date(2027, 1, 1), dt.date(2027, 3, 1), dt.date(2027, 6, 1)
    ours = pf.ProjectFactory(
        program=pf.ProgramFactory(code="P"),
        code="P-01",
        name="Ledger",
        baseline_start=jan,
        forecast_start=jan,
        baseline_end=mar,
        forecast_end=mar,
    )
    ga = pf.MilestoneFactory(project=ours, name="GA", baseline_date=mar, forecast_date=mar)
    theirs = pf.ProjectFactory(
        program=pf.ProgramFactory(code="Q"),
        code="Q-01",
        baseline_start=mar,
        forecast_start=mar,
        baseline_end=jun,
        forecast_end=jun,
    )
    pf.DependencyFactory(
        predecessor_project=ours,
        predecessor_milestone=ga,
        successor_project=theirs,
        type="FS",
        lag_days=0,
        status="committed",
    )
    client.force_login(make_user(Role.VIEWER))

    response = client.get(reverse("program-timeline", args=["P"]))

    critical = response.context["critical"]
    assert [(item.label, item.program_code, item.href) for item in critical] == [
        (str(ours), "P", "/projects/P-01/"),
        ("P-01 / GA", "P", "/projects/P-01/"),
        ("Q-01", "Q", ""),
    ]
    assert [(item.timing.es, item.timing.total_float) for item in critical] == [
        (jan, 0),
        (mar, 0),
        (mar, 0),
    ]
    assert "P-01 / GA</a>" in response.content.decode()
