"""The portfolio's money (director page): earned value by program, objective and category."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from programs import evm
from programs.models import BudgetLine, FiscalPeriod, Program
from programs.money import Money, money_by
from tpmo.charts import ScatterChart, scatter_chart


@dataclass(frozen=True)
class Finance:
    as_of: date
    total: Money
    programs: list[Money]
    objectives: list[Money]
    categories: list[Money]
    scatter: ScatterChart
    bands: dict[str, dict[str, int]]


def worst_first(rows: list[Money]) -> list[Money]:
    """Most negative VAC first; rows without an estimate last."""
    return sorted(rows, key=lambda m: (m.value.vac is None, m.value.vac or 0, str(m.label)))


def portfolio_finance(user: Any, as_of: date) -> Finance:
    """Five queries: periods, then a GROUP BY each for portfolio, program, objective, category."""
    periods = list(FiscalPeriod.objects.order_by("start_date"))
    lines = BudgetLine.objects.filter(project__program__in=Program.objects.visible_to(user))
    total = money_by(lines, (), as_of=as_of, periods=periods)
    programs = money_by(
        lines,
        ("project__program__code", "project__program__name"),
        as_of=as_of,
        periods=periods,
        label=lambda row: f"{row['project__program__code']} · {row['project__program__name']}",
    )
    objectives = money_by(
        lines,
        ("project__program__objectives__code", "project__program__objectives__title"),
        as_of=as_of,
        periods=periods,
        label=lambda row: (
            f"{row['project__program__objectives__code']} · "
            f"{row['project__program__objectives__title']}"
            if row["project__program__objectives__code"]
            else "No objective"
        ),
    )
    categories = money_by(
        lines,
        ("category",),
        as_of=as_of,
        periods=periods,
        label=lambda row: row["category"].capitalize(),
    )
    bands: dict[str, dict[str, int]] = {
        name: {"green": 0, "amber": 0, "red": 0, "none": 0} for name in ("CPI", "SPI")
    }
    for row in programs:
        bands["CPI"][evm.index_band(row.value.cpi)] += 1
        bands["SPI"][evm.index_band(row.value.spi)] += 1
    return Finance(
        as_of=as_of,
        total=total[0] if total else Money(None, "Portfolio", evm.NOTHING, Decimal(0)),
        programs=worst_first(programs),
        objectives=objectives,
        categories=categories,
        scatter=scatter_chart(
            "CPI (cost) against SPI (schedule) per program; 1.0 is on plan",
            [
                (str(row.key), float(row.value.cpi), float(row.value.spi))
                for row in programs
                if row.value.cpi is not None and row.value.spi is not None
            ],
        ),
        bands=bands,
    )
