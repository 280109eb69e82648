"""Query vocabulary of the RAID log (scope comes from the programs' ``ProgramScopedQuerySet``)."""

from __future__ import annotations

from django.db.models import F

from programs.querysets import ProgramScopedQuerySet
from risks.choices import RISK_ENDED


class RiskQuerySet(ProgramScopedQuerySet):
    def open(self) -> RiskQuerySet:
        return self.exclude(status__in=RISK_ENDED)

    def with_scores(self) -> RiskQuerySet:
        """Annotate the inherent and residual score (probability × impact) as ``inherent_points``
        and ``residual_points``, for filtering and sorting in SQL."""
        return self.annotate(
            inherent_points=F("inherent_probability") * F("inherent_impact"),
            residual_points=F("residual_probability") * F("residual_impact"),
        )
