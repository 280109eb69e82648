"""Writes to the RAID log (validated, transactional, kept in history)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction

from risks.choices import RiskStatus
from risks.models import Risk
from tpmo.history import save_with_history


@transaction.atomic
def risks_close(*, risks: Iterable[Risk], on: date, by: Any) -> int:
    """Close open risks on a date; returns how many changed. Closed or occurred risks are left."""
    changed = 0
    for risk in risks:
        if not risk.is_open:
            continue
        risk.status = RiskStatus.CLOSED
        risk.closed_on = on
        save_with_history(risk, by=by, reason="Closed")
        changed += 1
    return changed
