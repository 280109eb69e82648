"""How programs report and learn: weekly status, stakeholders, retrospectives and their actions."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from programs.choices import Level, Raci, Rag, UpdateCadence
from programs.models.base import BelongsToProgram, TimeStampedModel, between, one_to_five
from programs.models.delivery import Program
from programs.models.portfolio import Person
from programs.querysets import (
    ProgramScopedQuerySet,
    ReferenceQuerySet,
    RetrospectiveActionQuerySet,
)


class StatusReport(BelongsToProgram):
    """The weekly status of a program (project empty) or of one of its projects.

    The overall RAG is the reported health; the dimension RAGs say where the trouble is. One
    report per program (or project) per date.
    """

    report_date = models.DateField()
    overall = models.CharField("overall RAG", max_length=5, choices=Rag.choices)
    schedule = models.CharField("schedule RAG", max_length=5, choices=Rag.choices)
    budget = models.CharField("budget RAG", max_length=5, choices=Rag.choices)
    scope = models.CharField("scope RAG", max_length=5, choices=Rag.choices)
    summary = models.TextField(help_text="The headline, and why the overall RAG is what it is.")
    accomplishments = models.TextField(blank=True)
    next_steps = models.TextField(blank=True)
    blockers = models.TextField(blank=True)
    stakeholder_satisfaction = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=one_to_five,
        help_text="1 (very unhappy) to 5 (delighted).",
    )
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="status_reports")
    computed = models.CharField(
        "computed RAG",
        max_length=5,
        choices=Rag.choices,
        blank=True,
        help_text="The health the data gave when the report was published (empty if unknown).",
    )
    computed_reasons = models.TextField(
        blank=True, help_text="The rules that fired then, one per line."
    )
    variance_reason = models.TextField(
        "why the reported RAG differs",
        blank=True,
        help_text="Required when the overall RAG differs from the computed health.",
    )

    history = HistoricalRecords()
    objects = ProgramScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-report_date", "pk"]
        get_latest_by = "report_date"
        constraints = [
            models.UniqueConstraint(
                fields=["program", "report_date"],
                condition=Q(project__isnull=True),
                name="statusreport_one_per_program_date",
                violation_error_message="This program already has a status report for this date.",
            ),
            models.UniqueConstraint(
                fields=["project", "report_date"],
                condition=Q(project__isnull=False),
                name="statusreport_one_per_project_date",
                violation_error_message="This project already has a status report for this date.",
            ),
            between(
                "stakeholder_satisfaction",
                1,
                5,
                "statusreport_satisfaction_1_5",
                "Stakeholder satisfaction is 1–5.",
            ),
        ]
        indexes = [models.Index(fields=["program", "-report_date"])]

    def __str__(self) -> str:
        return f"{self.scope_label} status {self.report_date:%Y-%m-%d}"

    def keep_computed(self, health: Any) -> None:
        """Keep beside the report the health the data gives now (a ``tpmo.health.Health``)."""
        self.computed = health.rag.value
        self.computed_reasons = health.explanation

    @property
    def differs(self) -> bool:
        """The owner reported another RAG than the data gave (known only since it is kept)."""
        return bool(self.computed) and self.computed != self.overall


class Stakeholder(TimeStampedModel):
    """A person or a group with a stake in programs, placed on the influence/interest grid."""

    name = models.CharField(max_length=160)
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stakeholder_entries",
        help_text="Leave empty for a group (e.g. 'Finance leadership').",
    )
    is_group = models.BooleanField(default=False)
    organisation = models.CharField(max_length=160, blank=True)
    email = models.EmailField(blank=True, help_text="Where status updates go.")
    influence = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.MEDIUM)
    interest = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.MEDIUM)
    programs = models.ManyToManyField(
        Program, through="ProgramStakeholder", related_name="stakeholders", blank=True
    )

    history = HistoricalRecords()
    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            between(
                "influence", 1, 3, "stakeholder_influence_1_3", "Influence is low, medium or high."
            ),
            between(
                "interest", 1, 3, "stakeholder_interest_1_3", "Interest is low, medium or high."
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})" if self.organisation else self.name

    def clean(self) -> None:
        if self.is_group and self.person_id:
            raise ValidationError(
                {"person": "A group stakeholder is not one person: leave it empty."}
            )


class ProgramStakeholder(TimeStampedModel):
    """A stakeholder's RACI role on one program, and how often they want updates."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="stakeholder_roles")
    stakeholder = models.ForeignKey(
        Stakeholder, on_delete=models.PROTECT, related_name="program_roles"
    )
    raci = models.CharField("RACI role", max_length=1, choices=Raci.choices)
    update_cadence = models.CharField(
        max_length=12, choices=UpdateCadence.choices, default=UpdateCadence.WEEKLY
    )
    notes = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()
    objects = ProgramScopedQuerySet.as_manager()

    class Meta:
        ordering = ["program", "raci", "stakeholder__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "stakeholder"],
                name="programstakeholder_unique",
                violation_error_message="This stakeholder already has a role on this program.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stakeholder} – {self.get_raci_display()} on {self.program.code}"


class Retrospective(BelongsToProgram):
    """A retrospective of a program or project: what went well, what to improve, and actions."""

    held_on = models.DateField()
    title = models.CharField(max_length=200)
    went_well = models.TextField(blank=True)
    to_improve = models.TextField(blank=True)
    facilitator = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="facilitated_retros"
    )

    history = HistoricalRecords()
    objects = ProgramScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.scope_label} retro {self.held_on:%Y-%m-%d}: {self.title}"


class ActionItem(TimeStampedModel):
    """An action agreed in a retrospective, with an owner and a due date."""

    retrospective = models.ForeignKey(
        Retrospective, on_delete=models.PROTECT, related_name="action_items"
    )
    description = models.CharField(max_length=300)
    owner = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="action_items")
    due_date = models.DateField()
    done = models.BooleanField(default=False)
    done_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()
    objects = RetrospectiveActionQuerySet.as_manager()

    class Meta:
        ordering = ["done", "due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(done=True) & Q(done_on__isnull=False))
                | (Q(done=False) & Q(done_on__isnull=True)),
                name="actionitem_done_iff_done_on",
                violation_error_message="An action is done exactly when it has a done date.",
            ),
        ]

    def __str__(self) -> str:
        return self.description

    def clean(self) -> None:
        if self.done and self.done_on is None:
            raise ValidationError({"done_on": "Give the date the action was done."})
        if not self.done and self.done_on is not None:
            raise ValidationError({"done": "An action with a done date is done: tick Done."})
