"""Admin data entry for the RAID log."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from risks import services
from risks.models import Assumption, Decision, Issue, Risk
from tpmo.admin_base import TpmoModelAdmin

SCOPE_FIELDS = ["program", "project"]


@admin.register(Risk)
class RiskAdmin(TpmoModelAdmin):
    list_display = [
        "title",
        "program",
        "project",
        "category",
        "inherent",
        "residual",
        "cost_impact",
        "owner",
        "response",
        "status",
        "next_review_date",
    ]
    list_filter = ["status", "category", "response", "program"]
    search_fields = ["title", "cause", "event", "effect", "program__code", "project__code"]
    autocomplete_fields = [*SCOPE_FIELDS, "owner", "milestones", "source_assumption"]
    list_select_related = ["program", "project", "owner"]
    date_hierarchy = "identified_on"
    actions = ["close"]
    fieldsets = [
        (None, {"fields": [*SCOPE_FIELDS, "title", "category", "status", "owner"]}),
        ("Cause → event → effect", {"fields": ["cause", "event", "effect"]}),
        (
            "Assessment",
            {
                "fields": [
                    ("inherent_probability", "inherent_impact"),
                    ("residual_probability", "residual_impact"),
                    ("cost_impact", "schedule_impact_days"),
                ]
            },
        ),
        (
            "Response",
            {
                "fields": [
                    "response",
                    "mitigation_plan",
                    "contingency_plan",
                    "trigger",
                    "milestones",
                    "source_assumption",
                ]
            },
        ),
        (
            "Dates",
            {
                "fields": [
                    "identified_on",
                    "proximity_date",
                    "last_reviewed_on",
                    "next_review_date",
                    "closed_on",
                ]
            },
        ),
    ]

    @admin.display(description="Inherent")
    def inherent(self, risk: Risk) -> str:
        return f"{risk.inherent_score} {risk.inherent_band.label}"

    @admin.display(description="Residual")
    def residual(self, risk: Risk) -> str:
        return f"{risk.residual_score} {risk.residual_band.label}"

    @admin.action(description="Close selected risks today")
    def close(self, request: HttpRequest, queryset: QuerySet[Risk]) -> None:
        changed = services.risks_close(risks=queryset, on=timezone.localdate(), by=request.user)
        self.message_user(request, f"{changed} risk(s) closed.", messages.SUCCESS)


@admin.register(Issue)
class IssueAdmin(TpmoModelAdmin):
    list_display = [
        "title",
        "program",
        "project",
        "severity",
        "status",
        "owner",
        "raised_on",
        "due_date",
    ]
    list_filter = ["status", "severity", "program"]
    search_fields = ["title", "description", "program__code", "project__code"]
    autocomplete_fields = [*SCOPE_FIELDS, "owner", "source_risk"]
    list_select_related = ["program", "project", "owner"]
    date_hierarchy = "raised_on"


@admin.register(Decision)
class DecisionAdmin(TpmoModelAdmin):
    list_display = ["title", "program", "project", "status", "decided_by", "decided_on"]
    list_filter = ["status", "program"]
    search_fields = ["title", "context", "outcome", "program__code"]
    autocomplete_fields = [*SCOPE_FIELDS, "decided_by"]
    list_select_related = ["program", "project", "decided_by"]
    date_hierarchy = "decided_on"


@admin.register(Assumption)
class AssumptionAdmin(TpmoModelAdmin):
    list_display = ["statement", "program", "project", "status", "validate_by", "owner"]
    list_filter = ["status", "program"]
    search_fields = ["statement", "rationale", "program__code"]
    autocomplete_fields = [*SCOPE_FIELDS, "owner"]
    list_select_related = ["program", "project", "owner"]
    date_hierarchy = "validate_by"
