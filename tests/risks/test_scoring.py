"""Risk score, band, EMV and schedule exposure against worked examples."""

from __future__ import annotations

from decimal import Decimal

import pytest

from risks import scoring
from risks.scoring import Band


@pytest.mark.parametrize(
    ("probability", "impact", "score", "band"),
    [
        (1, 1, 1, Band.LOW),
        (2, 2, 4, Band.LOW),
        (1, 5, 5, Band.MEDIUM),
        (3, 3, 9, Band.MEDIUM),
        (2, 5, 10, Band.HIGH),
        (4, 4, 16, Band.HIGH),
        (4, 5, 20, Band.CRITICAL),
        (5, 5, 25, Band.CRITICAL),
    ],
)
def test_score_and_default_band(probability, impact, score, band):
    assert scoring.score(probability, impact) == score
    assert scoring.band(probability, impact, scoring.DEFAULT_MATRIX) is band


@pytest.mark.parametrize(("probability", "impact"), [(0, 3), (6, 3), (3, 0), (3, 6)])
def test_out_of_range_levels_are_refused(probability, impact):
    with pytest.raises(ValueError, match="probability and impact are 1–5"):
        scoring.score(probability, impact)


def test_bands_come_from_the_lookup_matrix_not_the_product(settings):
    rows = [["low"] * 5 for _ in range(5)]
    rows[0][4] = "critical"  # a rare but catastrophic event: 1 × 5 = 5, yet critical
    settings.TPMO_RISK_MATRIX = rows

    assert scoring.band(1, 5) is Band.CRITICAL
    assert scoring.band(5, 5) is Band.LOW
    assert scoring.cells_of(Band.CRITICAL) == [(1, 5)]


def test_a_malformed_matrix_is_refused():
    with pytest.raises(ValueError, match="5 rows"):
        scoring.matrix_from_rows([["low"] * 5] * 4)


def test_default_cells_of_each_band():
    counts = {band: len(scoring.cells_of(band, scoring.DEFAULT_MATRIX)) for band in Band}

    assert counts == {Band.LOW: 8, Band.MEDIUM: 7, Band.HIGH: 7, Band.CRITICAL: 3}
    assert scoring.cells_of(Band.CRITICAL, scoring.DEFAULT_MATRIX) == [(4, 5), (5, 4), (5, 5)]


@pytest.mark.parametrize(
    ("probability", "cost", "emv"),
    [
        (1, Decimal("100000"), Decimal("10000.00")),
        (3, Decimal("250000"), Decimal("125000.00")),
        (5, Decimal("12345.67"), Decimal("11111.10")),  # 0.9 × 12,345.67 = 11,111.103
        (4, Decimal("0"), Decimal("0.00")),
    ],
)
def test_expected_monetary_value(probability, cost, emv):
    assert scoring.expected_monetary_value(probability, cost) == emv


def test_schedule_exposure():
    assert scoring.schedule_exposure_days(2, 20) == Decimal("6.0")
    assert scoring.schedule_exposure_days(5, 7) == Decimal("6.3")
