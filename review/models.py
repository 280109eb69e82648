"""Weekly snapshots of every program's KPI counters and health, and of the whole portfolio.

A snapshot row holds *counters* (numerators and denominators: milestones done and done on time,
BAC, EV, AC, …) rather than ratios, so that any set of programs — an objective, a director's, a
TPM's — adds its rows up and divides afterwards, exactly as the live figures are computed. Trend
charts read these rows; they never recompute history. Rates over a window count what happened
in the ``window_days`` up to ``as_of``; risk and money figures are as they stood on ``as_of``.
"""

from __future__ import annotations

from django.db import models

from programs.choices import Rag
from programs.models import Program

MONEY = {"max_digits": 16, "decimal_places": 2, "default": 0}

#: The counters a snapshot keeps, in the order the KPI page reads them.
COUNTERS = (
    "programs",
    "computed_green",
    "computed_amber",
    "computed_red",
    "reported_green",
    "reported_amber",
    "reported_red",
    "reported_none",
    "watermelons",
    "projects_completed",
    "projects_successful",
    "milestones_done",
    "milestones_on_time",
    "late_done",
    "late_warned",
    "notice_days",
    "programs_budgeted",
    "programs_adherent",
    "open_risks",
    "high_risks",
    "risk_score",
    "satisfaction_sum",
    "satisfaction_count",
    "reports_expected",
    "reports_filed",
    "actions_due",
    "actions_on_time",
)
AMOUNTS = ("bac", "pv", "ev", "ac", "forecast", "risk_emv")


class Snapshot(models.Model):
    """The KPI counters and health of one program (or, with no program, of the whole portfolio)
    on one date. One row per program per date; taking the same date again replaces it."""

    as_of = models.DateField(db_index=True)
    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, null=True, blank=True, related_name="snapshots"
    )
    window_days = models.PositiveSmallIntegerField()
    computed = models.CharField(max_length=5, choices=Rag.choices, blank=True)
    reported = models.CharField(max_length=5, choices=Rag.choices, blank=True)
    reasons = models.TextField(blank=True, help_text="The health rules that fired, one per line.")
    taken_at = models.DateTimeField(auto_now=True)

    programs = models.PositiveIntegerField(default=0)
    computed_green = models.PositiveIntegerField(default=0)
    computed_amber = models.PositiveIntegerField(default=0)
    computed_red = models.PositiveIntegerField(default=0)
    reported_green = models.PositiveIntegerField(default=0)
    reported_amber = models.PositiveIntegerField(default=0)
    reported_red = models.PositiveIntegerField(default=0)
    reported_none = models.PositiveIntegerField(default=0)
    watermelons = models.PositiveIntegerField(default=0)
    projects_completed = models.PositiveIntegerField(default=0)
    projects_successful = models.PositiveIntegerField(default=0)
    milestones_done = models.PositiveIntegerField(default=0)
    milestones_on_time = models.PositiveIntegerField(default=0)
    late_done = models.PositiveIntegerField(default=0)
    late_warned = models.PositiveIntegerField(default=0)
    notice_days = models.IntegerField(default=0, help_text="Sum over late milestones.")
    programs_budgeted = models.PositiveIntegerField(default=0)
    programs_adherent = models.PositiveIntegerField(default=0)
    open_risks = models.PositiveIntegerField(default=0)
    high_risks = models.PositiveIntegerField(default=0, help_text="High or critical residual.")
    risk_score = models.PositiveIntegerField(default=0)
    satisfaction_sum = models.PositiveIntegerField(default=0)
    satisfaction_count = models.PositiveIntegerField(default=0)
    reports_expected = models.PositiveIntegerField(default=0)
    reports_filed = models.PositiveIntegerField(default=0)
    actions_due = models.PositiveIntegerField(default=0)
    actions_on_time = models.PositiveIntegerField(default=0)
    bac = models.DecimalField(**MONEY)
    pv = models.DecimalField(**MONEY)
    ev = models.DecimalField(**MONEY)
    ac = models.DecimalField(**MONEY)
    forecast = models.DecimalField(**MONEY)
    risk_emv = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["-as_of", "program"]
        get_latest_by = "as_of"
        constraints = [
            models.UniqueConstraint(
                fields=["as_of", "program"],
                name="snapshot_one_per_program_date",
                violation_error_message="This program already has a snapshot for this date.",
            ),
            models.UniqueConstraint(
                fields=["as_of"],
                condition=models.Q(program__isnull=True),
                name="snapshot_one_portfolio_row_per_date",
                violation_error_message="The portfolio already has a snapshot for this date.",
            ),
        ]
        indexes = [models.Index(fields=["program", "as_of"])]

    def __str__(self) -> str:
        return f"{self.program.code if self.program else 'Portfolio'} snapshot {self.as_of}"
