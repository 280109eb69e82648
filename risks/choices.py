"""Enumerations of the RAID log."""

from django.db import models


class RiskCategory(models.TextChoices):
    TECHNICAL = "technical", "Technical"
    SCHEDULE = "schedule", "Schedule"
    BUDGET = "budget", "Budget"
    RESOURCE = "resource", "Resource"
    VENDOR = "vendor", "Vendor"
    SECURITY = "security", "Security"
    COMPLIANCE = "compliance", "Compliance / regulatory"
    ETHICAL_AI = "ethical_ai", "Ethical / AI"


class RiskResponse(models.TextChoices):
    AVOID = "avoid", "Avoid"
    MITIGATE = "mitigate", "Mitigate"
    TRANSFER = "transfer", "Transfer"
    ACCEPT = "accept", "Accept"


class RiskStatus(models.TextChoices):
    IDENTIFIED = "identified", "Identified"
    ASSESSED = "assessed", "Assessed"
    MITIGATING = "mitigating", "Mitigating"
    MONITORING = "monitoring", "Monitoring"
    CLOSED = "closed", "Closed"
    OCCURRED = "occurred", "Occurred"


#: Statuses of a risk that no longer threatens (excluded from exposure).
RISK_ENDED = (RiskStatus.CLOSED, RiskStatus.OCCURRED)


class Severity(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


class IssueStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


class DecisionStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    DECIDED = "decided", "Decided"
    SUPERSEDED = "superseded", "Superseded"


class AssumptionStatus(models.TextChoices):
    UNVALIDATED = "unvalidated", "To validate"
    VALIDATED = "validated", "Validated"
    INVALIDATED = "invalidated", "Invalidated"
