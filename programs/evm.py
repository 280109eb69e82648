"""Earned value management over plain values.

At a status date, for a project (or a roll-up of projects):

* BAC = total planned budget; PV = planned value of the work scheduled to date;
  EV = % complete × BAC; AC = actual cost to date.
* CV = EV − AC; SV = EV − PV; CPI = EV / AC; SPI = EV / PV.
* EAC = BAC / CPI (the "typical" estimate; also AC + (BAC − EV), the "atypical" one);
  ETC = EAC − AC; VAC = BAC − EAC; TCPI = (BAC − EV) / (BAC − AC).
* Earned schedule: ES = the time at which the planned-value curve reaches EV; AT = time elapsed;
  SV(t) = ES − AT in days — unlike SV it stays negative for a project that finished late.

A ratio whose denominator is zero is ``None`` (shown as "n/a"), never 0. Roll-ups add BAC, PV, EV
and AC first and compute the ratios from the sums — never an average of ratios.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal(0)
CENT = Decimal("0.01")


def _ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    if denominator == 0:
        return None
    return numerator / denominator


def rounded(value: Decimal | None, places: str = "0.001") -> Decimal | None:
    return None if value is None else value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class EarnedValue:
    bac: Decimal
    pv: Decimal
    ev: Decimal
    ac: Decimal

    @property
    def cv(self) -> Decimal:
        return self.ev - self.ac

    @property
    def sv(self) -> Decimal:
        return self.ev - self.pv

    @property
    def cpi(self) -> Decimal | None:
        return _ratio(self.ev, self.ac)

    @property
    def spi(self) -> Decimal | None:
        return _ratio(self.ev, self.pv)

    @property
    def eac(self) -> Decimal | None:
        """BAC / CPI: the cost at completion if the cost efficiency so far continues."""
        if self.ac == 0 or self.ev == 0:  # CPI n/a, or zero: no finite estimate
            return None
        return self.bac * self.ac / self.ev  # = BAC / CPI, without rounding CPI first

    @property
    def eac_atypical(self) -> Decimal:
        """AC + (BAC − EV): the rest of the work at the planned rate."""
        return self.ac + (self.bac - self.ev)

    @property
    def etc(self) -> Decimal | None:
        eac = self.eac
        return None if eac is None else eac - self.ac

    @property
    def vac(self) -> Decimal | None:
        eac = self.eac
        return None if eac is None else self.bac - eac

    @property
    def tcpi(self) -> Decimal | None:
        """The cost efficiency the remaining work needs to finish on budget."""
        return _ratio(self.bac - self.ev, self.bac - self.ac)

    def __add__(self, other: EarnedValue) -> EarnedValue:
        return EarnedValue(
            self.bac + other.bac, self.pv + other.pv, self.ev + other.ev, self.ac + other.ac
        )


NOTHING = EarnedValue(ZERO, ZERO, ZERO, ZERO)


def roll_up(values: Iterable[EarnedValue]) -> EarnedValue:
    """Sum BAC, PV, EV and AC; ratios then follow from the sums."""
    total = NOTHING
    for value in values:
        total = total + value
    return total


def earned_value(*, bac: Decimal, pv: Decimal, ac: Decimal, percent_complete: int) -> EarnedValue:
    """A project's earned value: EV = % complete × BAC."""
    ev = (bac * Decimal(percent_complete) / 100).quantize(CENT)
    return EarnedValue(bac=bac, pv=pv, ev=ev, ac=ac)


@dataclass(frozen=True)
class Period:
    """Planned money of one budgeting period, spent evenly from its first to its last day."""

    start: date
    end: date
    planned: Decimal

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def elapsed_share(start: date, end: date, as_of: date) -> Decimal:
    """The share of [start, end] (whole days, inclusive) that has passed by the end of ``as_of``."""
    if as_of < start:
        return ZERO
    if as_of >= end:
        return Decimal(1)
    return Decimal((as_of - start).days + 1) / Decimal((end - start).days + 1)


def planned_value(periods: Iterable[Period], as_of: date) -> Decimal:
    """PV at the end of ``as_of``: past periods in full, the current one pro rata by days."""
    return sum(
        (period.planned * elapsed_share(period.start, period.end, as_of) for period in periods),
        ZERO,
    ).quantize(CENT)


def earned_schedule(periods: Sequence[Period], ev: Decimal) -> date | None:
    """The date by which the plan had earned ``ev`` (linear within a period); None without a
    plan. EV beyond the whole plan is reached at the plan's end."""
    ordered = sorted(periods, key=lambda period: period.start)
    if not ordered:
        return None
    reached = ZERO
    for period in ordered:
        if period.planned > 0 and reached + period.planned >= ev:
            share = (ev - reached) / period.planned
            days = (share * period.days).to_integral_value(rounding=ROUND_HALF_UP)
            return period.start - timedelta(days=1) + timedelta(days=int(days))
        reached += period.planned
    return ordered[-1].end


def schedule_variance_days(
    periods: Sequence[Period], *, ev: Decimal, start: date, as_of: date
) -> int | None:
    """SV(t) = ES − AT in days: negative when the work earned is behind the time spent.

    ``as_of`` is the status date, or the actual finish of a finished project (so that a project
    that finished late stays late)."""
    reached = earned_schedule(periods, ev)
    if reached is None or as_of < start:
        return None
    return (reached - start).days - (as_of - start).days  # ES − AT, both counted from the start


def within_tolerance(planned: Decimal, actual: Decimal, tolerance: Decimal) -> bool | None:
    """Budget adherence: |actual − planned| / planned ≤ tolerance; None without a plan."""
    if planned == 0:
        return None
    return abs(actual - planned) / planned <= tolerance


def index_band(value: Decimal | None) -> str:
    """Band of a CPI or SPI: green ≥ 0.95, amber ≥ 0.90, red below; "none" without a value."""
    if value is None:
        return "none"
    if value >= Decimal("0.95"):
        return "green"
    if value >= Decimal("0.90"):
        return "amber"
    return "red"
