"""Money and people's time on projects: budget lines and allocations."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from programs.choices import BudgetCategory
from programs.models.base import (
    MONEY,
    TimeStampedModel,
    check_order,
    dates_in_order,
    money_validators,
    non_negative,
)
from programs.models.delivery import Project
from programs.models.portfolio import FiscalPeriod, Person
from programs.querysets import ProjectChildQuerySet


class BudgetLine(TimeStampedModel):
    """One project's money for one fiscal period and category: planned, actual, forecast.

    Planned is the baseline budget (BAC sums it); actual is spent to date; forecast is the
    current estimate for the period. One line per (project, period, category).
    """

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="budget_lines")
    period = models.ForeignKey(FiscalPeriod, on_delete=models.PROTECT, related_name="budget_lines")
    category = models.CharField(max_length=10, choices=BudgetCategory.choices)
    planned = models.DecimalField(**MONEY, default=0, validators=money_validators)
    actual = models.DecimalField(**MONEY, default=0, validators=money_validators)
    forecast = models.DecimalField(**MONEY, default=0, validators=money_validators)
    notes = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()
    objects = ProjectChildQuerySet.as_manager()

    class Meta:
        ordering = ["project", "period__start_date", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "period", "category"],
                name="budgetline_unique_per_period_category",
                violation_error_message=(
                    "This project already has a line for this period and category."
                ),
            ),
            non_negative("planned", "budgetline_planned_non_negative"),
            non_negative("actual", "budgetline_actual_non_negative"),
            non_negative("forecast", "budgetline_forecast_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.period} {self.get_category_display()}"


class Allocation(TimeStampedModel):
    """A share of a person's time given to a project over a date range."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="allocations")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="allocations")
    role = models.CharField(max_length=120, blank=True, help_text="e.g. tech lead, backend")
    percent = models.PositiveSmallIntegerField(
        "% of time", validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    start_date = models.DateField()
    end_date = models.DateField()

    history = HistoricalRecords()
    objects = ProjectChildQuerySet.as_manager()

    class Meta:
        ordering = ["person", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__gte=1, percent__lte=100),
                name="allocation_percent_1_100",
                violation_error_message="An allocation is 1–100% of a person's time.",
            ),
            dates_in_order(
                "start_date",
                "end_date",
                "allocation_dates_in_order",
                "An allocation cannot end before it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.project.code} ({self.percent}%)"

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        check_order(
            errors,
            self.start_date,
            self.end_date,
            "end_date",
            "An allocation cannot end before it starts.",
        )
        if errors:
            raise ValidationError(errors)
