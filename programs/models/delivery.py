"""What is delivered: programs, their projects, and the projects' milestones."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from programs.choices import Methodology, MilestoneStatus, Priority, ProgramStatus, ProjectStatus
from programs.models.base import (
    TimeStampedModel,
    between,
    check_order,
    code_validator,
    dates_in_order,
    percent_validators,
)
from programs.models.portfolio import Objective, Person
from programs.querysets import MilestoneQuerySet, ProgramQuerySet, ProjectQuerySet


class Program(TimeStampedModel):
    """A set of related projects delivering one business outcome, owned by one TPM."""

    code = models.CharField(max_length=24, unique=True, validators=[code_validator])
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    objectives = models.ManyToManyField(Objective, blank=True, related_name="programs")
    director = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="directed_programs")
    tpm = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="owned_programs",
        verbose_name="TPM owner",
    )
    status = models.CharField(
        max_length=12, choices=ProgramStatus.choices, default=ProgramStatus.PROPOSED
    )
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.P3)
    start_date = models.DateField()
    end_date = models.DateField()

    history = HistoricalRecords(m2m_fields=[objectives])
    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        constraints = [
            dates_in_order(
                "start_date",
                "end_date",
                "program_dates_in_order",
                "A program cannot end before it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("program-detail", kwargs={"code": self.code})

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        check_order(
            errors,
            self.start_date,
            self.end_date,
            "end_date",
            "A program cannot end before it starts.",
        )
        if errors:
            raise ValidationError(errors)


class Project(TimeStampedModel):
    """A unit of delivery with one lead, dates (baseline and forecast) and a budget."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="projects")
    code = models.CharField(max_length=24, unique=True, validators=[code_validator])
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    lead = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="led_projects")
    status = models.CharField(
        max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.NOT_STARTED
    )
    baseline_start = models.DateField()
    baseline_end = models.DateField()
    forecast_start = models.DateField()
    forecast_end = models.DateField()
    actual_start = models.DateField(null=True, blank=True)
    actual_end = models.DateField(null=True, blank=True)
    percent_complete = models.PositiveSmallIntegerField(default=0, validators=percent_validators)
    methodology = models.CharField(
        max_length=10, choices=Methodology.choices, default=Methodology.AGILE
    )
    technology_readiness_level = models.PositiveSmallIntegerField(
        "technology readiness level (TRL)",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
        help_text="1 (basic principles observed) to 9 (proven in operation).",
    )

    history = HistoricalRecords()
    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        constraints = [
            dates_in_order(
                "baseline_start",
                "baseline_end",
                "project_baseline_in_order",
                "The baseline end cannot be before the baseline start.",
            ),
            dates_in_order(
                "forecast_start",
                "forecast_end",
                "project_forecast_in_order",
                "The forecast end cannot be before the forecast start.",
            ),
            dates_in_order(
                "actual_start",
                "actual_end",
                "project_actual_in_order",
                "The actual end cannot be before the actual start.",
            ),
            between(
                "percent_complete", 0, 100, "project_percent_0_100", "Percent complete is 0–100."
            ),
            between("technology_readiness_level", 1, 9, "project_trl_1_9", "The TRL is 1–9."),
            models.CheckConstraint(
                condition=~Q(status=ProjectStatus.COMPLETED) | Q(actual_end__isnull=False),
                name="project_completed_has_actual_end",
                violation_error_message="A completed project needs its actual end date.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("project-detail", kwargs={"code": self.code})

    @property
    def slip_days(self) -> int:
        """Forecast end − baseline end, in days (positive = late)."""
        return (self.forecast_end - self.baseline_end).days

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        pairs = [
            (
                "baseline_start",
                "baseline_end",
                "The baseline end cannot be before the baseline start.",
            ),
            (
                "forecast_start",
                "forecast_end",
                "The forecast end cannot be before the forecast start.",
            ),
            ("actual_start", "actual_end", "The actual end cannot be before the actual start."),
        ]
        for start, end, message in pairs:
            check_order(errors, getattr(self, start), getattr(self, end), end, message)
        if self.status == ProjectStatus.COMPLETED and self.actual_end is None:
            errors.setdefault("actual_end", []).append(
                "A completed project needs its actual end date."
            )
        if errors:
            raise ValidationError(errors)


class Milestone(TimeStampedModel):
    """A dated checkpoint of a project: baseline (promised), forecast (expected), actual (done).

    Slip = forecast − baseline, in days. A done milestone has an actual date, and only then.
    """

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="milestones")
    name = models.CharField(max_length=200)
    key = models.CharField(
        "external key",
        max_length=40,
        unique=True,
        null=True,
        blank=True,
        help_text="Its key in another tool, e.g. a Jira issue key; imports update by it.",
    )
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="owned_milestones", null=True, blank=True
    )
    is_key = models.BooleanField(
        "key milestone", default=False, help_text="Key milestones drive program health and reviews."
    )
    baseline_date = models.DateField()
    forecast_date = models.DateField()
    actual_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=MilestoneStatus.choices, default=MilestoneStatus.PLANNED
    )

    history = HistoricalRecords()
    objects = MilestoneQuerySet.as_manager()

    class Meta:
        ordering = ["forecast_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "name"],
                name="milestone_unique_name_per_project",
                violation_error_message="This project already has a milestone with this name.",
            ),
            models.CheckConstraint(
                condition=(Q(status=MilestoneStatus.DONE) & Q(actual_date__isnull=False))
                | (~Q(status=MilestoneStatus.DONE) & Q(actual_date__isnull=True)),
                name="milestone_done_iff_actual_date",
                violation_error_message="A milestone is done exactly when it has an actual date.",
            ),
        ]
        indexes = [
            models.Index(fields=["is_key", "forecast_date"]),
            # The milestone list's order: its first page is read off the index, not sorted.
            models.Index(fields=["forecast_date", "id"], name="milestone_forecast_order"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.key = self.key or None  # many milestones have no key; unique holds for those that do
        super().save(*args, **kwargs)

    @property
    def slip_days(self) -> int:
        """Forecast − baseline in days (positive = late)."""
        return (self.forecast_date - self.baseline_date).days

    def is_late(self, today: date) -> bool:
        """Not done, and the forecast (or today, if later) is past the baseline."""
        if self.status in (MilestoneStatus.DONE, MilestoneStatus.CANCELLED):
            return False
        return max(self.forecast_date, today) > self.baseline_date

    @property
    def on_time(self) -> bool | None:
        """Done on or before its baseline; None while not done."""
        if self.actual_date is None:
            return None
        return self.actual_date <= self.baseline_date

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.status == MilestoneStatus.DONE and self.actual_date is None:
            errors["actual_date"] = ["Give the date the milestone was reached to mark it done."]
        if self.status != MilestoneStatus.DONE and self.actual_date is not None:
            errors["status"] = ["A milestone with an actual date is done: set the status to Done."]
        if errors:
            raise ValidationError(errors)
