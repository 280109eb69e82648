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


def band(
    probability: int, impact: int, matrix: tuple[tuple[Band, ...], ...] = DEFAULT_MATRIX
) -> Band:
    """The matrix cell's band for this probability and impact."""
    score(probability, impact)  # validates the range
    return matrix[probability - 1][impact - 1]


def expected_monetary_value(probability: int, cost_impact: Decimal) -> Decimal:
    """EMV = likelihood × cost impact, rounded to cents."""
    return (PROBABILITY_PERCENT[probability] * cost_impact).quantize(Decimal("0.01"))
