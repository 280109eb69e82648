"""Read use-cases of the programs domain alone (cross-app pages are in ``tpmo.selectors``)."""

from __future__ import annotations

from typing import Any

from django.db.models import DurationField, ExpressionWrapper, F, QuerySet

from programs.models import Dependency, Milestone


def milestones_for_list(user: Any) -> QuerySet[Milestone]:
    """Milestones the user may see, with what a list row shows, and their slip for sorting."""
    return (
        Milestone.objects.visible_to(user)
        .select_related("project__program", "owner")
        .annotate(
            slip=ExpressionWrapper(
                F("forecast_date") - F("baseline_date"), output_field=DurationField()
            )
        )
        .order_by("forecast_date", "pk")
    )


def dependencies_for_list(user: Any) -> QuerySet[Dependency]:
    """Dependencies the user may see, with both ends and their programs."""
    return (
        Dependency.objects.visible_to(user)
        .select_related(
            "predecessor_project__program",
            "predecessor_milestone",
            "successor_project__program",
            "successor_milestone",
            "owner",
        )
        .order_by("needed_by", "pk")
    )
