"""Enumerations of the programs domain (stored values are short, stable slugs)."""

from django.db import models


class CareerLevel(models.TextChoices):
    TPM = "tpm", "TPM"
    SENIOR = "senior", "Senior TPM"
    STAFF = "staff", "Staff TPM"
    PRINCIPAL = "principal", "Principal TPM"
    DIRECTOR = "director", "Director"


class ProgramStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACTIVE = "active", "Active"
    ON_HOLD = "on_hold", "On hold"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class Priority(models.IntegerChoices):
    P1 = 1, "P1 – critical"
    P2 = 2, "P2 – high"
    P3 = 3, "P3 – medium"
    P4 = 4, "P4 – low"


class ProjectStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    ON_HOLD = "on_hold", "On hold"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class Methodology(models.TextChoices):
    AGILE = "agile", "Agile"
    WATERFALL = "waterfall", "Waterfall"
    HYBRID = "hybrid", "Hybrid"


class MilestoneStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


#: A milestone in one of these is no longer open (nothing more will happen to it).
MILESTONE_CLOSED = frozenset({MilestoneStatus.DONE, MilestoneStatus.CANCELLED})


class DependencyType(models.TextChoices):
    """How the successor's dates hang on the predecessor's (CPM notation)."""

    FINISH_TO_START = "FS", "Finish-to-start"
    START_TO_START = "SS", "Start-to-start"
    FINISH_TO_FINISH = "FF", "Finish-to-finish"
    START_TO_FINISH = "SF", "Start-to-finish"


class DependencyStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"  # asked for, not yet committed to by its owner
    COMMITTED = "committed", "Committed"
    AT_RISK = "at_risk", "At risk"
    BLOCKED = "blocked", "Blocked"
    DELIVERED = "delivered", "Delivered"
    CANCELLED = "cancelled", "Cancelled"


class BudgetCategory(models.TextChoices):
    LABOUR = "labour", "Labour"
    CLOUD = "cloud", "Cloud"
    VENDOR = "vendor", "Vendor"
    LICENCES = "licences", "Licences"
    CAPEX = "capex", "Capex"
    TRAVEL = "travel", "Travel"
    OTHER = "other", "Other"


class Rag(models.TextChoices):
    """Red / Amber / Green health."""

    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"


class Raci(models.TextChoices):
    RESPONSIBLE = "R", "Responsible"
    ACCOUNTABLE = "A", "Accountable"
    CONSULTED = "C", "Consulted"
    INFORMED = "I", "Informed"


class Level(models.IntegerChoices):
    """Influence or interest of a stakeholder (power/interest grid)."""

    LOW = 1, "Low"
    MEDIUM = 2, "Medium"
    HIGH = 3, "High"


class UpdateCadence(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    FORTNIGHTLY = "fortnightly", "Every two weeks"
    MONTHLY = "monthly", "Monthly"
    MILESTONES = "milestones", "At key milestones"
    NONE = "none", "No updates"
