"""Every write to the programs domain that is more than a plain form save.

Each service validates with ``full_clean()``, runs in one transaction, and leaves a history record
naming the user who did it (simple-history's ``_history_user``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction

from programs.choices import MilestoneStatus
from programs.models import ActionItem, Dependency, Milestone
from tpmo.history import save_with_history


@transaction.atomic
def dependency_create(*, by: Any, **fields: Any) -> Dependency:
    """Record a dependency; refused (ValidationError) if it would close a cycle.

    Validation takes the dependency-graph lock, so concurrent writers are checked one at a time.
    """
    dependency = Dependency(**fields)
    save_with_history(dependency, by=by)
    return dependency


@transaction.atomic
def milestones_mark_done(*, milestones: Iterable[Milestone], on: date, by: Any) -> int:
    """Mark milestones done on a date (keeping any actual date already given); returns how many
    changed. Each change is validated and kept in history."""
    changed = 0
    for milestone in milestones:
        if milestone.status == MilestoneStatus.DONE:
            continue
        milestone.status = MilestoneStatus.DONE
        milestone.actual_date = on
        save_with_history(milestone, by=by, reason="Marked done")
        changed += 1
    return changed


@transaction.atomic
def action_items_mark_done(*, items: Iterable[ActionItem], on: date, by: Any) -> int:
    """Tick retrospective actions done on a date; returns how many changed."""
    changed = 0
    for item in items:
        if item.done:
            continue
        item.done = True
        item.done_on = on
        save_with_history(item, by=by, reason="Marked done")
        changed += 1
    return changed
