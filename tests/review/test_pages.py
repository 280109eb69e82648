"""The director pages end to end: what each shows on the worked portfolio, filters, bad input,
the printed pack, and query counts that do not grow with the portfolio."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from programs import factories as pf
from programs.models import BudgetLine, Milestone, Program, StatusReport
from review.snapshots import take_snapshot
from risks import factories as rf
from tests.conftest import grow_portfolio
from tpmo.datastate import forget
from tpmo.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def director(client, make_user):
    client.force_login(make_user(Role.DIRECTOR))
    return client


def test_the_review_puts_the_watermelon_first_with_its_reasons_and_the_tpm_reason(director, worked):
    report = StatusReport.objects.get(program=worked["pay"], report_date=dt.date(2026, 6, 29))
    report.variance_reason = "Finance confirmed the overrun is a timing difference."
    report.save()

    response = director.get(reverse("portfolio-review"))

    review = response.context["review"]
    assert [melon.figures.program.code for melon in review.watermelons.rows] == ["PAY"]
    assert review.watermelons.count == 1
    assert review.watermelons.rows[0].why == "Finance confirmed the overrun is a timing difference."
    assert review.matrix[0] == ("Green", [0, 0, 1], 1)  # reported Green, computed Red
    assert [item.program.code for item in review.off_track] == ["PAY"]
    body = response.content.decode()
    assert "Finance confirmed the overrun is a timing difference." in body
    assert "CPI 0.89 (&lt; 0.90)" in body


def test_many_watermelons_show_those_with_the_most_red_reasons_first(director, monkeypatch):
    """A portfolio where most programs are watermelons still gets a page of bounded length: the
    count is whole, the list the worst first."""
    monkeypatch.setattr("review.selectors.REVIEW_LIMIT", 1)
    today = timezone.localdate()

    def program(code, *, reported, reported_days_ago):
        made = pf.ProgramFactory(code=code, start_date=today - dt.timedelta(days=200))
        rf.RiskFactory(program=made, residual_probability=5, residual_impact=5)  # critical: Red
        report_date = today - dt.timedelta(days=reported_days_ago)  # over 14 days old: Red
        pf.StatusReportFactory(program=made, report_date=report_date, overall=reported)

    program("ONE", reported="green", reported_days_ago=0)
    program("TWO", reported="amber", reported_days_ago=20)
    program("RED", reported="red", reported_days_ago=20)  # honest: not a watermelon

    response = director.get(reverse("portfolio-review"))

    melons = response.context["review"].watermelons
    assert [melon.figures.program.code for melon in melons.rows] == ["TWO"]
    assert melons.count == 2
    body = response.content.decode()
    assert "The first 1 of 2." in body
    assert "Those with the most Red reasons come first." in body


def test_filters_scope_every_figure(director, worked):
    other = pf.ProgramFactory(code="CHK")
    pf.StatusReportFactory(program=other, report_date=timezone.localdate())

    everything = director.get(reverse("portfolio-review")).context["review"]
    aligned = director.get(
        reverse("portfolio-review"), {"objective": worked["objective"].pk}
    ).context["review"]

    assert everything.in_flight == 2
    assert aligned.in_flight == 1
    assert [item.program.code for item in aligned.figures] == ["PAY"]


def test_one_program_by_its_code(director, worked):
    response = director.get(reverse("portfolio-review"), {"program": " old "})

    assert [item.program.code for item in response.context["review"].figures] == ["OLD"]
    assert response.context["described"] == f"Program code: {worked['old']}"


def test_the_review_prints_as_a_pack_with_date_and_filters(director, worked):
    body = director.get(
        reverse("portfolio-review"), {"objective": worked["objective"].pk}
    ).content.decode()

    assert '<p class="print-only print-meta">As of ' in body
    assert f"Objective: {worked['objective']}" in body
    assert body.count('class="card pack-section"') >= 4


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"program": "NOPE"}, "program", "There is no program with that code."),
        ({"objective": "x"}, "objective", "Select a valid choice."),
        ({"period": "9999"}, "period", "Select a valid choice."),
    ],
)
def test_bad_filters_get_a_message_next_to_the_field(director, worked, query, field, message):
    response = director.get(reverse("portfolio-kpis"), query)

    assert response.status_code == 200
    form = response.context["filters"].form if field != "period" else response.context["period"]
    assert message in form.errors[field][0]


def test_kpis_show_definitions_values_and_trends(director, worked, settings):
    settings.TPMO_KPI = {"window_days": 30}
    take_snapshot(timezone.localdate() - dt.timedelta(days=7))
    take_snapshot(timezone.localdate())

    response = director.get(reverse("portfolio-kpis"), {"period": 364})

    page = response.context["page"]
    rows = {row.kpi.key: row for row in page.rows}
    assert page.snapshots == 2
    assert rows["on_time_milestones"].value is not None
    assert rows["risk_score"].chart.series[0].values == (22, 22)  # R1 16 + R4 6, open today
    body = response.content.decode()
    assert "weeks with a report ÷ weeks expected × 100" in body
    assert "Team throughput" in body


def test_changes_since_a_date(director, worked):
    milestone = pf.MilestoneFactory(
        project=worked["pay"].projects.first(),
        name="Cutover",
        baseline_date=dt.date(2026, 12, 1),
        forecast_date=dt.date(2026, 12, 1),
    )
    milestone._history_date = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    milestone.save()
    milestone.forecast_date = dt.date(2026, 12, 11)
    milestone._history_date = dt.datetime(2026, 6, 20, tzinfo=dt.UTC)
    milestone.save()

    response = director.get(reverse("portfolio-changes"), {"since": "2026-06-10"})

    changes = response.context["changes"]
    assert [(s.milestone.name, s.before, s.after, s.days) for s in changes.slips.rows] == [
        ("Cutover", dt.date(2026, 12, 1), dt.date(2026, 12, 11), 10)
    ]
    assert changes.completions.count == 4  # done 10, 20, 25 June (PAY) and 15 June (OLD)
    assert [risk.closed_on for risk in changes.closed_risks.rows] == [
        dt.date(2026, 7, 10),
        dt.date(2026, 6, 15),
    ]
    assert changes.snapshot_date is None
    assert "No snapshot exists on or before that date" in response.content.decode()


def test_changes_list_only_risks_identified_or_closed_in_the_window(director, worked):
    today = timezone.localdate()
    program = worked["pay"]
    inside = rf.RiskFactory(program=program, title="Seen today", identified_on=today)
    rf.RiskFactory(
        program=program, title="Logged ahead", identified_on=today + dt.timedelta(days=9)
    )
    rf.RiskFactory(
        program=program,
        title="Closed ahead",
        identified_on=today - dt.timedelta(days=40),
        status="closed",
        closed_on=today + dt.timedelta(days=3),
    )

    changes = director.get(reverse("portfolio-changes")).context["changes"]

    assert [risk.title for risk in changes.new_risks.rows] == [inside.title]
    assert (changes.new_risks.count, changes.closed_risks.count) == (1, 0)


def test_changes_compare_health_and_money_with_the_snapshot(director, worked):
    take_snapshot(dt.date(2026, 6, 30))
    report = StatusReport.objects.get(program=worked["pay"], report_date=dt.date(2026, 6, 29))
    report.overall = "red"
    report.save()
    line = worked["quarter"].budget_lines.get(project__code="PAY-03")
    line.forecast = 150
    line.save()

    changes = director.get(reverse("portfolio-changes"), {"since": "2026-07-01"}).context["changes"]

    assert changes.snapshot_date == dt.date(2026, 6, 30)
    assert [(c.program.code, c.reported_before, c.reported_now) for c in changes.health] == [
        ("PAY", "green", "red")
    ]
    assert [(m.program.code, m.deltas) for m in changes.budget] == [("PAY", (0, 0, 30))]


@pytest.mark.parametrize("since", ["yesterday", "2999-01-01", "1066-10-14"])
def test_a_bad_since_date_is_refused_next_to_the_field(director, worked, since):
    response = director.get(reverse("portfolio-changes"), {"since": since})

    assert response.status_code == 200
    assert response.context["chooser"].errors["since"]
    assert response.context["changes"].since == timezone.localdate() - dt.timedelta(days=7)


def test_people_flags_over_allocation(director, worked):
    today = timezone.localdate()
    busy = pf.PersonFactory(name="Busy Bee", team="Platform")
    project = worked["pay"].projects.first()
    for percent in (60, 70):
        pf.AllocationFactory(
            person=busy,
            project=project,
            percent=percent,
            start_date=today - dt.timedelta(days=60),
            end_date=today + dt.timedelta(days=60),
        )

    response = director.get(reverse("portfolio-people"), {"over": "1"})

    loads = response.context["page"].object_list
    assert [(load.person.name, load.peak) for load in loads] == [("Busy Bee", 130)]
    assert loads[0].weeks == [130] * 13
    tpms = {load.person: load for load in response.context["tpms"]}
    assert (tpms[worked["pay"].tpm].programs, tpms[worked["pay"].tpm].projects) == (1, 5)
    assert "(over-allocated)" in response.content.decode()


def test_objectives_show_alignment_and_flag_the_unaligned(director, worked):
    alignment = director.get(reverse("portfolio-objectives")).context["alignment"]

    row = next(row for row in alignment.rows if row.objective == worked["objective"])
    assert [item.program.code for item in row.programs] == ["PAY"]
    assert (row.money.bac, row.health_counts) == (200, [0, 0, 1])
    assert [item.program.code for item in alignment.unaligned] == ["OLD"]


@pytest.mark.parametrize(
    ("baseline", "current", "target", "shown"),
    [
        ("5", "23.20", "40", ("5.0", "23.2", "40.0")),
        ("4.20", "3.79", "3.15", ("4.20", "3.79", "3.15")),
        (None, None, "1500", ("—", "—", "1,500")),
    ],
)
def test_an_objectives_measures_share_their_decimals(baseline, current, target, shown):
    from review.selectors import ObjectiveRow

    def number(text):
        return None if text is None else Decimal(text)

    objective = pf.ObjectiveFactory.build(
        baseline_value=number(baseline), current_value=number(current), target_value=number(target)
    )

    assert ObjectiveRow(objective, [], {}).measures == shown


def test_an_objective_served_by_one_program_says_so_in_the_singular(director, worked):
    body = director.get(reverse("portfolio-objectives")).content.decode()

    assert '<span class="count">1 program</span>' in body
    assert "<summary>The program</summary>" in body


# Computed: the pages' own queries, plus the filtered ids and the data state (tpmo.datastate).
PAGES = {
    "portfolio-review": 20,
    "portfolio-kpis": 24,
    "portfolio-changes": 27,
    "portfolio-people": 13,
    "portfolio-objectives": 18,
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_director_pages_issue_the_same_queries_at_10x(director, django_assert_num_queries, name):
    grow_portfolio(1, objectives=[pf.ObjectiveFactory()])
    take_snapshot(timezone.localdate())
    with django_assert_num_queries(PAGES[name]):
        small = director.get(reverse(name))
    grow_portfolio(9)
    take_snapshot(timezone.localdate())
    with django_assert_num_queries(PAGES[name]):
        large = director.get(reverse(name))

    assert small.status_code == large.status_code == 200


def test_review_and_changes_issue_the_same_queries_whatever_they_find(
    director, worked, django_assert_num_queries
):
    """The counts above are measured on a grown portfolio where nothing slipped, no program is a
    watermelon and no snapshot precedes the window; here every list has rows, and the counts
    are the same (no query is skipped or added for what the data holds)."""
    today = timezone.localdate()
    take_snapshot(today - dt.timedelta(days=10))
    milestone = pf.MilestoneFactory(
        project=worked["pay"].projects.first(),
        is_key=True,
        baseline_date=today + dt.timedelta(days=60),
        forecast_date=today + dt.timedelta(days=60),
    )
    milestone._history_date = timezone.now() - dt.timedelta(days=30)
    milestone.save()
    milestone.forecast_date += dt.timedelta(days=9)
    milestone._history_date = timezone.now() - dt.timedelta(days=2)
    milestone.save()

    forget()
    with django_assert_num_queries(PAGES["portfolio-review"]):
        review = director.get(reverse("portfolio-review")).context["review"]
    forget()  # the changes page would reuse the program figures the review just computed
    with django_assert_num_queries(PAGES["portfolio-changes"]):
        changes = director.get(reverse("portfolio-changes")).context["changes"]

    assert [melon.figures.program.code for melon in review.watermelons.rows] == ["PAY"]
    assert [(slip.milestone.pk, slip.days) for slip in review.slipped.rows] == [(milestone.pk, 9)]
    assert (changes.slips.count, changes.slips.rows[0].days) == (1, 9)
    assert changes.snapshot_date == today - dt.timedelta(days=10)


# Remembered (nothing written since the last request): session, user, role, the filtered ids and
# the data state, read once for every result the page looks up (the filter choices included).
REMEMBERED = {"portfolio-review": 5, "portfolio-kpis": 5}


@pytest.mark.parametrize("name", sorted(REMEMBERED))
def test_a_review_page_is_remembered_until_the_data_changes(
    director, worked, django_assert_num_queries, name
):
    first = director.get(reverse(name))
    with django_assert_num_queries(REMEMBERED[name]):
        again = director.get(reverse(name))
    key = "review" if name == "portfolio-review" else "page"
    assert again.context[key] is first.context[key]

    project = worked["pay"].projects.first()
    project.percent_complete = 100 - project.percent_complete  # any write moves the state
    project.save()

    with django_assert_num_queries(PAGES[name]):
        after = director.get(reverse(name))
    assert after.status_code == 200


def test_the_remembered_review_equals_a_fresh_computation_after_a_write(director, worked):
    from review import selectors

    before = director.get(reverse("portfolio-review")).context["review"]
    line = BudgetLine.objects.filter(project__program=worked["pay"]).first()
    line.actual += 1000
    line.save()
    milestone = Milestone.objects.filter(project__program=worked["pay"]).first()
    milestone.forecast_date += dt.timedelta(days=30)
    milestone.save()

    served = director.get(reverse("portfolio-review")).context["review"]
    forget()
    fresh = selectors.portfolio_review(Program.objects.all(), today=timezone.localdate(), days=14)
    assert served.money.ac == before.money.ac + 1000 == fresh.money.ac
    assert served.matrix == fresh.matrix
    assert [item.health and item.health.explanation for item in served.figures] == [
        item.health and item.health.explanation for item in fresh.figures
    ]
