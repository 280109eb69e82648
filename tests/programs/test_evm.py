"""Earned value against worked examples with known answers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from programs import evm
from programs.evm import EarnedValue, Period, rounded


def test_the_textbook_example():
    value = EarnedValue(bac=D(100_000), pv=D(50_000), ev=D(40_000), ac=D(45_000))

    assert (value.cv, value.sv) == (D(-5_000), D(-10_000))
    assert rounded(value.cpi) == D("0.889")
    assert rounded(value.spi) == D("0.800")
    assert value.eac == D(112_500)
    assert value.eac_atypical == D(105_000)
    assert value.etc == D(67_500)
    assert value.vac == D(-12_500)
    assert rounded(value.tcpi) == D("1.091")


@pytest.mark.parametrize(
    ("value", "none"),
    [
        (EarnedValue(D(100), D(0), D(0), D(0)), {"cpi", "spi", "eac", "etc", "vac"}),
        (EarnedValue(D(100), D(50), D(0), D(20)), {"eac", "etc", "vac"}),  # CPI 0: EAC infinite
        (EarnedValue(D(100), D(50), D(40), D(100)), {"tcpi"}),  # budget spent: TCPI n/a
        (EarnedValue(D(0), D(0), D(0), D(0)), {"cpi", "spi", "eac", "etc", "vac", "tcpi"}),
    ],
)
def test_zero_denominators_are_none_never_zero(value, none):
    names = ("cpi", "spi", "eac", "etc", "vac", "tcpi")

    assert {name for name in names if getattr(value, name) is None} == none
    assert value.cpi != 0 or value.ev == 0


def test_roll_up_sums_before_dividing():
    small = EarnedValue(bac=D(1_000), pv=D(1_000), ev=D(1_000), ac=D(500))  # CPI 2.0
    large = EarnedValue(bac=D(99_000), pv=D(99_000), ev=D(49_500), ac=D(99_000))  # CPI 0.5

    total = evm.roll_up([small, large])

    assert total == EarnedValue(bac=D(100_000), pv=D(100_000), ev=D(50_500), ac=D(99_500))
    assert rounded(total.cpi) == D("0.508")  # not (2.0 + 0.5) / 2 = 1.25
    assert evm.roll_up([]) == evm.NOTHING


def test_earned_value_of_a_project():
    assert evm.earned_value(bac=D(80_000), pv=D(0), ac=D(0), percent_complete=35).ev == D(28_000)


QUARTERS = [
    Period(date(2026, 1, 1), date(2026, 3, 31), D(90_000)),  # 90 days: 1,000 a day
    Period(date(2026, 4, 1), date(2026, 6, 30), D(91_000)),  # 91 days: 1,000 a day
]


def test_planned_value_is_pro_rata_within_the_current_period():
    assert evm.planned_value(QUARTERS, date(2025, 12, 31)) == D(0)
    assert evm.planned_value(QUARTERS, date(2026, 1, 10)) == D(10_000)
    assert evm.planned_value(QUARTERS, date(2026, 4, 30)) == D(120_000)
    assert evm.planned_value(QUARTERS, date(2027, 1, 1)) == D(181_000)


def test_earned_schedule_and_schedule_variance_in_days():
    start = date(2026, 1, 1)

    assert evm.earned_schedule(QUARTERS, D(30_000)) == date(2026, 1, 30)
    assert evm.earned_schedule(QUARTERS, D(100_000)) == date(2026, 4, 10)
    # 100,000 earned by 30 April: the plan had that by 10 April, 20 days behind.
    assert (
        evm.schedule_variance_days(QUARTERS, ev=D(100_000), start=start, as_of=date(2026, 4, 30))
        == -20
    )


def test_a_late_project_that_finished_stays_late():
    start = date(2026, 1, 1)
    finished = date(2026, 7, 31)  # all 181,000 earned, a month after the plan's end

    assert evm.schedule_variance_days(QUARTERS, ev=D(181_000), start=start, as_of=finished) == -31
    assert EarnedValue(D(181_000), D(181_000), D(181_000), D(181_000)).sv == 0  # SV says on time


def test_budget_adherence():
    assert evm.within_tolerance(D(100), D(109), D("0.10")) is True
    assert evm.within_tolerance(D(100), D(111), D("0.10")) is False
    assert evm.within_tolerance(D(100), D(90), D("0.10")) is True
    assert evm.within_tolerance(D(0), D(5), D("0.10")) is None
