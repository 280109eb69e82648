"""The RAID log: risks, issues, decisions and assumptions, each attached to a program or project."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from programs.models import Milestone, Person
from programs.models.base import (
    MONEY,
    BelongsToProgram,
    between,
    check_order,
    dates_in_order,
    money_validators,
    non_negative,
    one_to_five,
)
from programs.querysets import ProgramScopedQuerySet
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
from risks.querysets import RiskQuerySet


class Risk(BelongsToProgram):
    """Something that may happen: cause → event → effect, scored before and after mitigation.

    Inherent score = inherent probability × impact; residual score = the same once the response
    works. EMV = likelihood × cost impact (see ``risks.scoring``). A risk whose next review date
    has passed is stale.
    """

    title = models.CharField(max_length=200)
    cause = models.TextField(help_text="Because of …")
    event = models.TextField(help_text="… this may happen …")
    effect = models.TextField(help_text="… which would lead to …")
    category = models.CharField(max_length=12, choices=RiskCategory.choices)
    inherent_probability = models.PositiveSmallIntegerField(validators=one_to_five)
    inherent_impact = models.PositiveSmallIntegerField(validators=one_to_five)
    residual_probability = models.PositiveSmallIntegerField(validators=one_to_five)
    residual_impact = models.PositiveSmallIntegerField(validators=one_to_five)
    cost_impact = models.DecimalField(
        **MONEY, default=Decimal(0), validators=money_validators, help_text="Cost if it happens."
    )
    schedule_impact_days = models.PositiveIntegerField(
        default=0, help_text="Delay in days if it happens."
    )
    owner = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="owned_risks"
    )
    response = models.CharField(max_length=10, choices=RiskResponse.choices, blank=True)
    mitigation_plan = models.TextField(blank=True)
    contingency_plan = models.TextField(blank=True, help_text="What we do if it happens anyway.")
    trigger = models.TextField(blank=True, help_text="The sign that it is happening.")
    proximity_date = models.DateField(
        null=True, blank=True, help_text="When it could happen, at the earliest."
    )
    identified_on = models.DateField()
    last_reviewed_on = models.DateField(null=True, blank=True)
    next_review_date = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=RiskStatus.choices, default=RiskStatus.IDENTIFIED
    )
    milestones = models.ManyToManyField(
        Milestone, blank=True, related_name="risks", help_text="Milestones this risk threatens."
    )
    source_assumption = models.ForeignKey(
        "risks.Assumption",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="raised_risks",
        help_text="The invalidated assumption that raised this risk.",
    )

    history = HistoricalRecords(m2m_fields=[milestones])
    objects = RiskQuerySet.as_manager()

    class Meta:
        ordering = ["-pk"]
        constraints = [
            between(f, 1, 5, f"risk_{f}_1_5", f"{f.replace('_', ' ').capitalize()} is 1–5.")
            for f in (
                "inherent_probability",
                "inherent_impact",
                "residual_probability",
                "residual_impact",
            )
        ] + [
            models.UniqueConstraint(
                fields=["program", "title"],
                name="risk_unique_title_per_program",
                violation_error_message="This program already has a risk with this title.",
            ),
            non_negative("cost_impact", "risk_cost_impact_non_negative"),
            dates_in_order(
                "identified_on",
                "closed_on",
                "risk_closed_after_identified",
                "A risk cannot be closed before it was identified.",
            ),
            dates_in_order(
                "identified_on",
                "next_review_date",
                "risk_review_after_identified",
                "The next review cannot be before the risk was identified.",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_review_date"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("risk-detail", kwargs={"pk": self.pk})

    @property
    def inherent_score(self) -> int:
        return scoring.score(self.inherent_probability, self.inherent_impact)

    @property
    def residual_score(self) -> int:
        return scoring.score(self.residual_probability, self.residual_impact)

    @property
    def inherent_band(self) -> scoring.Band:
        return scoring.band(self.inherent_probability, self.inherent_impact)

    @property
    def residual_band(self) -> scoring.Band:
        return scoring.band(self.residual_probability, self.residual_impact)

    @property
    def expected_monetary_value(self) -> Decimal:
        """Residual likelihood × cost impact."""
        return scoring.expected_monetary_value(self.residual_probability, self.cost_impact)

    @property
    def inherent_expected_monetary_value(self) -> Decimal:
        return scoring.expected_monetary_value(self.inherent_probability, self.cost_impact)

    @property
    def schedule_exposure_days(self) -> Decimal:
        """Residual likelihood × schedule impact in days."""
        return scoring.schedule_exposure_days(self.residual_probability, self.schedule_impact_days)

    @property
    def is_open(self) -> bool:
        return self.status not in RISK_ENDED

    def is_stale(self, today: date) -> bool:
        """Open and past its next review date."""
        return self.is_open and self.next_review_date is not None and self.next_review_date < today

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list[str]] = {}
        check_order(
            errors,
            self.identified_on,
            self.closed_on,
            "closed_on",
            "A risk cannot be closed before it was identified.",
        )
        check_order(
            errors,
            self.identified_on,
            self.next_review_date,
            "next_review_date",
            "The next review cannot be before the risk was identified.",
        )
        if self.status == RiskStatus.CLOSED and self.closed_on is None:
            errors.setdefault("closed_on", []).append("Give the date the risk was closed.")
        if errors:
            raise ValidationError(errors)


class Issue(BelongsToProgram):
    """A problem happening now; when it is a risk that occurred, the link to the risk is kept."""

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    status = models.CharField(max_length=12, choices=IssueStatus.choices, default=IssueStatus.OPEN)
    owner = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="owned_issues"
    )
    raised_on = models.DateField()
    due_date = models.DateField(null=True, blank=True)
    resolved_on = models.DateField(null=True, blank=True)
    resolution = models.TextField(blank=True)
    source_risk = models.OneToOneField(
        Risk,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resulting_issue",
        help_text="The risk that occurred and became this issue.",
    )

    history = HistoricalRecords()
    objects = ProgramScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-pk"]
        constraints = [
            dates_in_order(
                "raised_on",
                "resolved_on",
                "issue_resolved_after_raised",
                "An issue cannot be resolved before it was raised.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list[str]] = {}
        check_order(
            errors,
            self.raised_on,
            self.resolved_on,
            "resolved_on",
            "An issue cannot be resolved before it was raised.",
        )
        if (
            self.source_risk_id
            and self.program_id
            and self.source_risk.program_id != self.program_id
        ):
            errors.setdefault("source_risk", []).append("The risk belongs to another program.")
        if errors:
            raise ValidationError(errors)


class Decision(BelongsToProgram):
    """A decision taken (or proposed), with the options considered and who decided."""

    title = models.CharField(max_length=200)
    context = models.TextField(blank=True)
    options_considered = models.TextField(blank=True)
    outcome = models.TextField("decision", blank=True)
    rationale = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )
    decided_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=DecisionStatus.choices, default=DecisionStatus.PROPOSED
    )

    history = HistoricalRecords()
    objects = ProgramScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=DecisionStatus.DECIDED)
                | (Q(decided_on__isnull=False) & Q(decided_by__isnull=False)),
                name="decision_decided_has_who_and_when",
                violation_error_message="A decided decision needs who decided it and when.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        if self.status == DecisionStatus.DECIDED:
            errors = {}
            if self.decided_on is None:
                errors["decided_on"] = ["Give the date of the decision."]
            if self.decided_by_id is None:
                errors["decided_by"] = ["Say who decided."]
            if errors:
                raise ValidationError(errors)


class Assumption(BelongsToProgram):
    """Something taken as true for planning, to be validated by a date."""

    statement = models.CharField(max_length=300)
    rationale = models.TextField(blank=True)
    owner = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="owned_assumptions"
    )
    validate_by = models.DateField()
    status = models.CharField(
        max_length=12, choices=AssumptionStatus.choices, default=AssumptionStatus.UNVALIDATED
    )
    validated_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)

    history = HistoricalRecords()
    objects = ProgramScopedQuerySet.as_manager()

    class Meta:
        ordering = ["validate_by", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=AssumptionStatus.UNVALIDATED) | Q(validated_on__isnull=False),
                name="assumption_checked_has_date",
                violation_error_message="A validated or invalidated assumption needs its date.",
            ),
        ]

    def __str__(self) -> str:
        return self.statement

    def clean(self) -> None:
        super().clean()
        if self.status != AssumptionStatus.UNVALIDATED and self.validated_on is None:
            raise ValidationError({"validated_on": "Give the date it was checked."})
