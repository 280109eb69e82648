"""Portfolio reference data: strategic objectives, people, fiscal periods."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from programs.choices import CareerLevel
from programs.models.base import (
    MONEY,
    TimeStampedModel,
    check_order,
    code_validator,
    dates_in_order,
)
from programs.querysets import ReferenceQuerySet


class Person(TimeStampedModel):
    """Anyone the portfolio names: TPMs, directors, engineers, project leads, risk owners.

    A person may have a user account (to sign in); many people named in plans never do.
    """

    name = models.CharField(max_length=120)
    email = models.EmailField(unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        help_text="The account this person signs in with, if any.",
    )
    role_title = models.CharField(max_length=120, blank=True)
    career_level = models.CharField(
        max_length=12, choices=CareerLevel.choices, blank=True, help_text="For TPMs and directors."
    )
    team = models.CharField(max_length=120, blank=True)
    is_active = models.BooleanField(default=True)

    history = HistoricalRecords()
    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.name


class Objective(TimeStampedModel):
    """A strategic goal programs align to, stated SMART: a measure, a target value and a date."""

    code = models.CharField(max_length=24, unique=True, validators=[code_validator])
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    measure = models.CharField(
        max_length=200, help_text="What is measured, e.g. 'checkout p95 latency'."
    )
    unit = models.CharField(max_length=30, blank=True, help_text="e.g. %, ms, EUR, customers")
    baseline_value = models.DecimalField(**MONEY, null=True, blank=True)
    target_value = models.DecimalField(**MONEY)
    current_value = models.DecimalField(**MONEY, null=True, blank=True)
    start_date = models.DateField(null=True, blank=True)
    target_date = models.DateField()
    owner = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="owned_objectives", null=True, blank=True
    )

    history = HistoricalRecords()
    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        constraints = [
            dates_in_order(
                "start_date",
                "target_date",
                "objective_dates_in_order",
                "The target date cannot be before the start date.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.title}"

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        check_order(
            errors,
            self.start_date,
            self.target_date,
            "target_date",
            "The target date cannot be before the start date.",
        )
        if errors:
            raise ValidationError(errors)


class FiscalPeriod(TimeStampedModel):
    """A budgeting period (a fiscal quarter or month). Periods never overlap."""

    name = models.CharField(max_length=30, unique=True, help_text="e.g. FY27 Q1")
    start_date = models.DateField()
    end_date = models.DateField()

    history = HistoricalRecords()
    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["start_date"]
        constraints = [
            dates_in_order(
                "start_date",
                "end_date",
                "fiscalperiod_dates_in_order",
                "The period cannot end before it starts.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        check_order(
            errors,
            self.start_date,
            self.end_date,
            "end_date",
            "The period cannot end before it starts.",
        )
        if not errors and self.start_date and self.end_date:
            overlapping = (
                FiscalPeriod.objects.exclude(pk=self.pk)
                .filter(start_date__lte=self.end_date, end_date__gte=self.start_date)
                .first()
            )
            if overlapping:
                errors.setdefault("start_date", []).append(
                    f"This period overlaps {overlapping.name} "
                    f"({overlapping.start_date} – {overlapping.end_date})."
                )
        if errors:
            raise ValidationError(errors)
