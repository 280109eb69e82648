"""Risk scoring on the 5×5 probability × impact matrix.

Score = probability × impact (1–25). Bands come from a lookup matrix (a band per cell), not from
thresholding the product, so a TPMO may colour its matrix its own way; the default matrix gives
1–4 low, 5–9 medium, 10–16 high, 20–25 critical. Expected monetary value (EMV) = probability as a
percentage × cost impact, with probability 1–5 read as 10/30/50/70/90 %.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum


class Band(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def label(self) -> str:
        return self.value.capitalize()


#: Probability level (1–5) → likelihood used for EMV.
PROBABILITY_PERCENT: dict[int, Decimal] = {
    1: Decimal("0.10"),
    2: Decimal("0.30"),
    3: Decimal("0.50"),
    4: Decimal("0.70"),
    5: Decimal("0.90"),
}


#: Lowest scores of the default bands (used where SQL filters by band).
CRITICAL_MIN_SCORE = 20
HIGH_MIN_SCORE = 10
MEDIUM_MIN_SCORE = 5


def default_band(score: int) -> Band:
    if score >= CRITICAL_MIN_SCORE:
        return Band.CRITICAL
    if score >= HIGH_MIN_SCORE:
        return Band.HIGH
    if score >= MEDIUM_MIN_SCORE:
        return Band.MEDIUM
    return Band.LOW


#: matrix[probability - 1][impact - 1] → band.
DEFAULT_MATRIX: tuple[tuple[Band, ...], ...] = tuple(
    tuple(default_band(p * i) for i in range(1, 6)) for p in range(1, 6)
)


def score(probability: int, impact: int) -> int:
    """Probability × impact, each 1–5."""
    if not (1 <= probability <= 5 and 1 <= impact <= 5):
        raise ValueError("probability and impact are 1–5")
    return probability * impact


Matrix = tuple[tuple[Band, ...], ...]


def matrix_from_rows(rows: list[list[str]] | tuple[tuple[str, ...], ...]) -> Matrix:
    """A matrix from 5 rows (probability 1 → 5) of 5 band names (impact 1 → 5)."""
    if len(rows) != 5 or any(len(row) != 5 for row in rows):
        raise ValueError("the risk matrix is 5 rows (probability 1–5) of 5 bands (impact 1–5)")
    return tuple(tuple(Band(cell) for cell in row) for row in rows)


def configured_matrix() -> Matrix:
    """settings.TPMO_RISK_MATRIX (5×5 band names, probability rows, impact columns), or the
    default matrix."""
    from django.conf import settings

    rows = getattr(settings, "TPMO_RISK_MATRIX", None)
    return matrix_from_rows(rows) if rows else DEFAULT_MATRIX


def band(probability: int, impact: int, matrix: Matrix | None = None) -> Band:
    """The matrix cell's band for this probability and impact (the configured matrix unless one
    is given)."""
    score(probability, impact)  # validates the range
    return (matrix or configured_matrix())[probability - 1][impact - 1]


def cells_of(wanted: Band, matrix: Matrix | None = None) -> list[tuple[int, int]]:
    """The (probability, impact) cells coloured ``wanted`` — for filtering by band in SQL."""
    grid = matrix or configured_matrix()
    return [(p, i) for p in range(1, 6) for i in range(1, 6) if grid[p - 1][i - 1] is wanted]


def likelihood(probability: int) -> Decimal:
    """Probability level 1–5 as a fraction (10, 30, 50, 70, 90 %)."""
    return PROBABILITY_PERCENT[probability]


def expected_monetary_value(probability: int, cost_impact: Decimal) -> Decimal:
    """EMV = likelihood × cost impact, rounded to cents."""
    return (likelihood(probability) * cost_impact).quantize(Decimal("0.01"))


def schedule_exposure_days(probability: int, impact_days: int) -> Decimal:
    """Likelihood × schedule impact, in days (one decimal)."""
    return (likelihood(probability) * impact_days).quantize(Decimal("0.1"))
