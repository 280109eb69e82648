"""List filters (django-filter) for programs and milestones; every filter is also a URL parameter,
so a filtered list is a bookmark."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import django_filters
from django.db.models import F, Q, QuerySet

from programs.choices import DependencyStatus, MilestoneStatus, Priority, ProgramStatus, Rag
from programs.models import Dependency, Milestone, Objective, Person, Program
from programs.querysets import (
    DEPENDENCY_TROUBLE,
    DependencyQuerySet,
    milestone_late_q,
    milestone_open_q,
)
from tpmo.widgets import FastSelect


def objective_filter() -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        widget=FastSelect,
        field_name="objectives",
        queryset=Objective.objects.all(),
        label="Objective",
        empty_label="Any objective",
    )


def tpm_filter() -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        widget=FastSelect,
        label="TPM",
        queryset=Person.objects.among("owned_programs"),
        empty_label="Any TPM",
    )


def program_status_filter() -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(choices=ProgramStatus.choices, empty_label="Any status")


class ProgramFilter(django_filters.FilterSet):
    """Filters of the program list. ``health`` filters on the *reported* health, which the list's
    queryset carries as the ``reported_rag`` annotation (see ``tpmo.health_queries``)."""

    q = django_filters.CharFilter(method="search", label="Search")
    status = program_status_filter()
    health = django_filters.ChoiceFilter(
        field_name="reported_rag", choices=Rag.choices, label="Reported health", empty_label="Any"
    )
    objective = objective_filter()
    director = django_filters.ModelChoiceFilter(
        widget=FastSelect,
        queryset=Person.objects.among("directed_programs"),
        empty_label="Any director",
    )
    tpm = tpm_filter()
    priority = django_filters.ChoiceFilter(choices=Priority.choices, empty_label="Any priority")
    sort = django_filters.OrderingFilter(
        fields=(
            ("code", "code"),
            ("name", "name"),
            ("status", "status"),
            ("priority", "priority"),
            ("tpm__name", "tpm"),
            ("director__name", "director"),
            ("reported_rag", "health"),
            ("end_date", "end"),
        ),
        label="Sort by",
    )

    class Meta:
        model = Program
        fields: list[str] = []

    def search(self, queryset: QuerySet[Program], name: str, value: str) -> QuerySet[Program]:
        return queryset.filter(
            Q(code__icontains=value) | Q(name__icontains=value) | Q(description__icontains=value)
        )


class AnyYesNo(django_filters.widgets.BooleanWidget):
    """Yes / No / Any (django-filter's default says "Unknown" for "any")."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.choices = [("", "Any"), ("true", "Yes"), ("false", "No")]


WINDOWS = [
    ("overdue", "Overdue (forecast passed, not done)"),
    ("7", "Due in the next 7 days"),
    ("30", "Due in the next 30 days"),
    ("90", "Due in the next 90 days"),
]


class MilestoneFilter(django_filters.FilterSet):
    """Filters of the milestone list; windows and lateness are measured from ``today``."""

    q = django_filters.CharFilter(method="search", label="Search")
    window = django_filters.ChoiceFilter(
        choices=WINDOWS, method="due_window", label="Due", empty_label="Any time"
    )
    late = django_filters.BooleanFilter(method="lateness", label="Late", widget=AnyYesNo)
    key = django_filters.BooleanFilter(field_name="is_key", label="Key milestone", widget=AnyYesNo)
    program = django_filters.ModelChoiceFilter(
        widget=FastSelect,
        field_name="project__program",
        queryset=Program.objects.all(),
        label="Program",
        empty_label="Any program",
    )
    owner = django_filters.ModelChoiceFilter(
        widget=FastSelect,
        queryset=Person.objects.among("owned_milestones"),
        empty_label="Any owner",
    )
    status = django_filters.ChoiceFilter(choices=MilestoneStatus.choices, empty_label="Any status")
    sort = django_filters.OrderingFilter(
        fields=(
            ("forecast_date", "forecast"),
            ("baseline_date", "baseline"),
            ("slip", "slip"),
            ("name", "name"),
            ("project__code", "project"),
        ),
        label="Sort by",
    )

    class Meta:
        model = Milestone
        fields: list[str] = []

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def search(self, queryset: QuerySet[Milestone], name: str, value: str) -> QuerySet[Milestone]:
        return queryset.filter(
            Q(name__icontains=value)
            | Q(project__code__icontains=value)
            | Q(project__name__icontains=value)
        )

    def due_window(
        self, queryset: QuerySet[Milestone], name: str, value: str
    ) -> QuerySet[Milestone]:
        open_ = queryset.filter(milestone_open_q())
        if value == "overdue":
            return open_.filter(forecast_date__lt=self.today)
        return open_.filter(
            forecast_date__gte=self.today,
            forecast_date__lte=self.today + timedelta(days=int(value)),
        )

    def lateness(
        self, queryset: QuerySet[Milestone], name: str, value: bool | None
    ) -> QuerySet[Milestone]:
        late = milestone_late_q(self.today)
        return queryset.filter(late) if value else queryset.exclude(late)


class DependencyFilter(django_filters.FilterSet):
    program = django_filters.ModelChoiceFilter(
        widget=FastSelect,
        queryset=Program.objects.order_by("code"),
        method="involving",
        label="Program (either end)",
        empty_label="Any program",
    )
    status = django_filters.ChoiceFilter(choices=DependencyStatus.choices, empty_label="Any status")
    trouble = django_filters.BooleanFilter(method="in_trouble", label="In trouble", widget=AnyYesNo)
    cross = django_filters.BooleanFilter(
        method="across_programs", label="Across programs", widget=AnyYesNo
    )
    sort = django_filters.OrderingFilter(
        fields=(("needed_by", "needed"), ("committed_date", "committed")), label="Sort by"
    )

    class Meta:
        model = Dependency
        fields: list[str] = []

    def involving(
        self, queryset: QuerySet[Dependency], name: str, value: Program
    ) -> QuerySet[Dependency]:
        return queryset.filter(
            Q(predecessor_project__program=value) | Q(successor_project__program=value)
        )

    def in_trouble(
        self, queryset: DependencyQuerySet, name: str, value: bool | None
    ) -> QuerySet[Dependency]:
        if value:
            return queryset.open().filter(DEPENDENCY_TROUBLE)
        return queryset.exclude(DEPENDENCY_TROUBLE)

    def across_programs(
        self, queryset: QuerySet[Dependency], name: str, value: bool | None
    ) -> QuerySet[Dependency]:
        same = Q(predecessor_project__program=F("successor_project__program"))
        return queryset.exclude(same) if value else queryset.filter(same)


class ProgramTimelineFilter(django_filters.FilterSet):
    status = program_status_filter()
    objective = objective_filter()
    tpm = tpm_filter()

    class Meta:
        model = Program
        fields: list[str] = []
