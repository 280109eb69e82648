"""KPI counters and definitions on the worked portfolio (tests/review/conftest.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from programs.models import Program
from review.figures import program_figures, total
from review.kpis import BY_KPI_KEY, average_notice_days
from tests.review.conftest import AS_OF, WINDOW
from tpmo.health import Rag

pytestmark = pytest.mark.django_db


def figures_of(*codes):
    programs = list(Program.objects.filter(code__in=codes).order_by("code"))
    return {
        item.program.code: item
        for item in program_figures(programs, as_of=AS_OF, window_days=WINDOW)
    }


def test_the_counters_of_one_program(worked):
    pay = figures_of("PAY")["PAY"]

    assert pay.counters == {
        "programs": 1,
        "computed_green": 0,
        "computed_amber": 0,
        "computed_red": 1,  # CPI 200 / 225 = 0.889 < 0.90
        "reported_green": 1,
        "reported_amber": 0,
        "reported_red": 0,
        "reported_none": 0,
        "watermelons": 1,
        "projects_completed": 3,
        "projects_successful": 1,
        "milestones_done": 4,
        "milestones_on_time": 2,
        "late_done": 2,
        "late_warned": 1,
        "notice_days": 16,  # 21 + (−5)
        "programs_budgeted": 1,
        "programs_adherent": 0,  # forecast 225 against 200: 12.5 % > 10 %
        "open_risks": 2,
        "high_risks": 1,
        "risk_score": 22,  # 16 + 6
        "satisfaction_sum": 9,
        "satisfaction_count": 2,
        "reports_expected": 4,
        "reports_filed": 3,
        "actions_due": 3,
        "actions_on_time": 1,
        "bac": Decimal("200.00"),
        "pv": Decimal("200.00"),
        "ev": Decimal("200.00"),
        "ac": Decimal("225.00"),
        "forecast": Decimal("225.00"),
        "risk_emv": Decimal("85000.00"),  # 0.70 × 100,000 + 0.30 × 50,000
    }
    assert pay.health.rag is Rag.RED
    assert pay.reported is Rag.GREEN
    assert pay.watermelon


def test_a_program_not_in_flight_counts_its_deliveries_but_not_its_health(worked):
    old = figures_of("OLD")["OLD"]

    assert old.health is None
    assert old.reported is None
    assert (old.counters["programs"], old.counters["milestones_done"]) == (0, 1)
    assert (old.counters["reports_expected"], old.counters["milestones_on_time"]) == (0, 1)


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("delivery_success", Decimal("33.3")),  # 1 of 3
        ("on_time_milestones", Decimal("60.0")),  # PAY 2 of 4, OLD 1 of 1: 3 of 5
        ("budget_adherence", Decimal("0.0")),  # 0 of 1 budgeted program
        ("cpi", Decimal("0.889")),  # Σ EV 200 ÷ Σ AC 225
        ("spi", Decimal("1.000")),  # Σ EV 200 ÷ Σ PV 200
        ("forecast_accuracy", Decimal("50.0")),  # 1 of 2 late milestones warned ≥ 14 days
        ("risk_score", Decimal(22)),
        ("risk_emv", Decimal("85000.00")),
        ("red_share", Decimal("100.0")),  # 1 of 1 program in flight
        ("satisfaction", Decimal("4.50")),  # (4 + 5) ÷ 2
        ("report_timeliness", Decimal("75.0")),  # 3 of 4 weeks
        ("actions_on_time", Decimal("33.3")),  # 1 of 3
    ],
)
def test_kpi_definitions_on_the_worked_portfolio(worked, key, expected):
    counters = total(item.counters for item in figures_of("PAY", "OLD").values())

    assert BY_KPI_KEY[key].value(counters) == expected


def test_average_notice_and_ratios_without_data():
    from review.figures import empty

    assert average_notice_days({**empty(), "notice_days": 16, "late_done": 2}) == Decimal("8.0")
    assert {kpi.key: kpi.value(empty()) for kpi in BY_KPI_KEY.values()} == {
        "delivery_success": None,
        "on_time_milestones": None,
        "budget_adherence": None,
        "cpi": None,
        "spi": None,
        "forecast_accuracy": None,
        "risk_score": Decimal(0),
        "risk_emv": Decimal(0),
        "red_share": None,
        "satisfaction": None,
        "report_timeliness": None,
        "actions_on_time": None,
    }


def test_targets_and_their_direction(settings):
    settings.TPMO_KPI = {"targets": {"on_time_milestones": 90}}

    assert BY_KPI_KEY["on_time_milestones"].target == Decimal(90)
    assert BY_KPI_KEY["on_time_milestones"].meets(Decimal("89.9")) is False
    assert BY_KPI_KEY["red_share"].meets(Decimal("10.0")) is True  # lower is better, ≤ 10
    assert BY_KPI_KEY["red_share"].meets(Decimal("10.1")) is False
    assert BY_KPI_KEY["risk_score"].meets(Decimal(5)) is None  # no target


def test_the_figures_take_one_query_per_family(worked, django_assert_num_queries):
    programs = list(Program.objects.order_by("code"))

    # money 1 (earned value by program and period, shared with health); health 6 (milestones,
    # risks, dependencies, people, last report, reported RAG); projects, milestones, late
    # milestones, risks, actions, reports 6
    with django_assert_num_queries(13):
        program_figures(programs, as_of=AS_OF, window_days=WINDOW)
