"""Filters of the RAID log's lists (django-filter); every filter is a URL parameter."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from programs.filters import AnyYesNo
from programs.models import Person, Program
from risks import scoring
from risks.choices import (
    RISK_ENDED,
    AssumptionStatus,
    DecisionStatus,
    IssueStatus,
    RiskCategory,
    RiskResponse,
    RiskStatus,
    Severity,
)
from risks.models import Assumption, Decision, Issue, Risk
from tpmo.widgets import FastSelect

OPEN = "open"
CELL = re.compile(r"^([1-5])-([1-5])$")
PROXIMITY = [("overdue", "Already passed"), ("30", "Within 30 days"), ("90", "Within 90 days")]


def _program_filter() -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        widget=FastSelect, queryset=Program.objects.order_by("code"), empty_label="Any program"
    )


def _search(queryset: QuerySet[Any], fields: tuple[str, ...], value: str) -> QuerySet[Any]:
    query = Q()
    for name in fields:
        query |= Q(**{f"{name}__icontains": value})
    return queryset.filter(query)


class RiskFilter(django_filters.FilterSet):
    """The register's filters. ``inherent`` and ``residual`` select one heat-map cell
    ("probability-impact", e.g. ``3-4``); ``band`` selects the cells the configured matrix gives
    that band."""

    q = django_filters.CharFilter(method="search", label="Search")
    program = _program_filter()
    project = django_filters.CharFilter(
        field_name="project__code", lookup_expr="iexact", label="Project code"
    )
    category = django_filters.ChoiceFilter(choices=RiskCategory.choices, empty_label="Any category")
    owner = django_filters.ModelChoiceFilter(
        widget=FastSelect,
        queryset=Person.objects.among("owned_risks"),
        empty_label="Anyone",
    )
    status = django_filters.ChoiceFilter(
        choices=[(OPEN, "Open (not closed or occurred)"), *RiskStatus.choices],
        method="by_status",
        empty_label="Any status",
    )
    band = django_filters.ChoiceFilter(
        choices=[(b.value, b.label) for b in scoring.Band],
        method="by_band",
        label="Residual band",
        empty_label="Any band",
    )
    response = django_filters.ChoiceFilter(
        choices=[("none", "No response yet"), *RiskResponse.choices],
        method="by_response",
        empty_label="Any response",
    )
    stale = django_filters.BooleanFilter(method="by_staleness", label="Stale", widget=AnyYesNo)
    proximity = django_filters.ChoiceFilter(
        choices=PROXIMITY, method="by_proximity", label="Proximity", empty_label="Any time"
    )
    inherent = django_filters.CharFilter(
        method="by_cell", label="Inherent cell", widget=forms.HiddenInput
    )
    residual = django_filters.CharFilter(
        method="by_cell", label="Residual cell", widget=forms.HiddenInput
    )
    sort = django_filters.OrderingFilter(
        fields=(
            ("residual_points", "residual"),
            ("inherent_points", "inherent"),
            ("cost_impact", "cost"),
            ("next_review_date", "review"),
            ("proximity_date", "proximity"),
            ("title", "title"),
            ("program__code", "program"),
        ),
        label="Sort by",
    )

    #: Parameters that choose a heat-map cell or the status: the heat map ignores them, so that
    #: it shows the open risks of everything else the user filtered on.
    CELL_PARAMS = ("inherent", "residual", "status", "band", "page", "sort", "export")

    class Meta:
        model = Risk
        fields: list[str] = []

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def search(self, queryset: QuerySet[Risk], name: str, value: str) -> QuerySet[Risk]:
        return _search(queryset, ("title", "cause", "event", "effect", "project__code"), value)

    def by_status(self, queryset: QuerySet[Risk], name: str, value: str) -> QuerySet[Risk]:
        if value == OPEN:
            return queryset.exclude(status__in=RISK_ENDED)
        return queryset.filter(status=value)

    def by_band(self, queryset: QuerySet[Risk], name: str, value: str) -> QuerySet[Risk]:
        cells = Q(pk__in=[])
        for probability, impact in scoring.cells_of(scoring.Band(value)):
            cells |= Q(residual_probability=probability, residual_impact=impact)
        return queryset.filter(cells)

    def by_response(self, queryset: QuerySet[Risk], name: str, value: str) -> QuerySet[Risk]:
        return queryset.filter(response="" if value == "none" else value)

    def by_staleness(
        self, queryset: QuerySet[Risk], name: str, value: bool | None
    ) -> QuerySet[Risk]:
        stale = Q(next_review_date__lt=self.today) & ~Q(status__in=RISK_ENDED)
        return queryset.filter(stale) if value else queryset.exclude(stale)

    def by_proximity(self, queryset: QuerySet[Risk], name: str, value: str) -> QuerySet[Risk]:
        if value == "overdue":
            return queryset.filter(proximity_date__lt=self.today)
        horizon = self.today + timedelta(days=int(value))
        return queryset.filter(proximity_date__range=(self.today, horizon))

    def by_cell(self, queryset: QuerySet[Risk], name: str, value: str) -> QuerySet[Risk]:
        match = CELL.match(value.strip())
        if match is None:
            return queryset.none()
        probability, impact = int(match[1]), int(match[2])
        return queryset.filter(**{f"{name}_probability": probability, f"{name}_impact": impact})


class IssueFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    program = _program_filter()
    severity = django_filters.ChoiceFilter(choices=Severity.choices, empty_label="Any severity")
    status = django_filters.ChoiceFilter(choices=IssueStatus.choices, empty_label="Any status")
    from_risk = django_filters.BooleanFilter(
        field_name="source_risk",
        lookup_expr="isnull",
        exclude=True,
        label="From a risk",
        widget=AnyYesNo,
    )
    sort = django_filters.OrderingFilter(
        fields=(("raised_on", "raised"), ("due_date", "due"), ("severity", "severity")),
        label="Sort by",
    )

    class Meta:
        model = Issue
        fields: list[str] = []

    def search(self, queryset: QuerySet[Issue], name: str, value: str) -> QuerySet[Issue]:
        return _search(queryset, ("title", "description", "resolution"), value)


class DecisionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    program = _program_filter()
    status = django_filters.ChoiceFilter(choices=DecisionStatus.choices, empty_label="Any status")
    sort = django_filters.OrderingFilter(fields=(("decided_on", "decided"),), label="Sort by")

    class Meta:
        model = Decision
        fields: list[str] = []

    def search(self, queryset: QuerySet[Decision], name: str, value: str) -> QuerySet[Decision]:
        return _search(queryset, ("title", "context", "outcome", "options_considered"), value)


class AssumptionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    program = _program_filter()
    status = django_filters.ChoiceFilter(choices=AssumptionStatus.choices, empty_label="Any status")
    sort = django_filters.OrderingFilter(fields=(("validate_by", "due"),), label="Sort by")

    class Meta:
        model = Assumption
        fields: list[str] = []

    def search(self, queryset: QuerySet[Assumption], name: str, value: str) -> QuerySet[Assumption]:
        return _search(queryset, ("statement", "rationale", "notes"), value)
