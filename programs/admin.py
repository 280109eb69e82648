"""Admin data entry for the programs domain (TPMO admins only; see ``tpmo.admin_site``)."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from programs import services
from programs.models import (
    ActionItem,
    Allocation,
    BudgetLine,
    Dependency,
    FiscalPeriod,
    Milestone,
    Objective,
    Person,
    Program,
    ProgramStakeholder,
    Project,
    Retrospective,
    Stakeholder,
    StatusReport,
)
from tpmo.admin_base import TpmoModelAdmin


@admin.register(Person)
class PersonAdmin(TpmoModelAdmin):
    list_display = ["name", "email", "role_title", "career_level", "team", "user", "is_active"]
    list_filter = ["career_level", "team", "is_active"]
    search_fields = ["name", "email", "team", "role_title"]
    autocomplete_fields = ["user"]


@admin.register(Objective)
class ObjectiveAdmin(TpmoModelAdmin):
    list_display = ["code", "title", "measure", "target_value", "unit", "target_date", "owner"]
    list_filter = ["target_date"]
    search_fields = ["code", "title", "measure"]
    autocomplete_fields = ["owner"]
    date_hierarchy = "target_date"


@admin.register(FiscalPeriod)
class FiscalPeriodAdmin(TpmoModelAdmin):
    list_display = ["name", "start_date", "end_date"]
    search_fields = ["name"]
    date_hierarchy = "start_date"


class ProjectInline(admin.TabularInline):
    model = Project
    extra = 0
    fields = [
        "code",
        "name",
        "lead",
        "status",
        "baseline_start",
        "baseline_end",
        "forecast_start",
        "forecast_end",
        "percent_complete",
    ]
    autocomplete_fields = ["lead"]
    show_change_link = True


class ProgramStakeholderInline(admin.TabularInline):
    model = ProgramStakeholder
    extra = 0
    autocomplete_fields = ["stakeholder"]


@admin.register(Program)
class ProgramAdmin(TpmoModelAdmin):
    list_display = [
        "code",
        "name",
        "status",
        "priority",
        "tpm",
        "director",
        "start_date",
        "end_date",
    ]
    list_filter = ["status", "priority", "objectives", "director"]
    search_fields = ["code", "name", "description"]
    autocomplete_fields = ["director", "tpm", "objectives"]
    list_select_related = ["tpm", "director"]
    date_hierarchy = "end_date"
    inlines = [ProjectInline, ProgramStakeholderInline]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ["name", "is_key", "owner", "baseline_date", "forecast_date", "actual_date", "status"]
    autocomplete_fields = ["owner"]


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0
    fields = ["period", "category", "planned", "actual", "forecast", "notes"]
    autocomplete_fields = ["period"]


class AllocationInline(admin.TabularInline):
    model = Allocation
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Project)
class ProjectAdmin(TpmoModelAdmin):
    list_display = [
        "code",
        "name",
        "program",
        "lead",
        "status",
        "baseline_end",
        "forecast_end",
        "percent_complete",
        "methodology",
    ]
    list_filter = ["status", "methodology", "technology_readiness_level", "program"]
    search_fields = ["code", "name", "program__code", "program__name"]
    autocomplete_fields = ["program", "lead"]
    list_select_related = ["program", "lead"]
    date_hierarchy = "forecast_end"
    inlines = [MilestoneInline, BudgetLineInline, AllocationInline]


@admin.register(Milestone)
class MilestoneAdmin(TpmoModelAdmin):
    list_display = [
        "name",
        "project",
        "is_key",
        "baseline_date",
        "forecast_date",
        "slip",
        "actual_date",
        "status",
        "owner",
    ]
    list_filter = ["status", "is_key", "project__program"]
    search_fields = ["name", "project__code", "project__name"]
    autocomplete_fields = ["project", "owner"]
    list_select_related = ["project", "owner"]
    date_hierarchy = "forecast_date"
    actions = ["mark_done"]

    @admin.display(description="Slip (days)")
    def slip(self, milestone: Milestone) -> int:
        return milestone.slip_days

    @admin.action(description="Mark selected milestones done today")
    def mark_done(self, request: HttpRequest, queryset: QuerySet[Milestone]) -> None:
        changed = services.milestones_mark_done(
            milestones=queryset, on=timezone.localdate(), by=request.user
        )
        self.message_user(request, f"{changed} milestone(s) marked done.", messages.SUCCESS)


@admin.register(Dependency)
class DependencyAdmin(TpmoModelAdmin):
    list_display = [
        "__str__",
        "type",
        "lag_days",
        "needed_by",
        "committed_date",
        "status",
        "owner",
    ]
    list_filter = ["status", "type", "successor_project__program", "predecessor_project__program"]
    search_fields = [
        "predecessor_project__code",
        "successor_project__code",
        "predecessor_milestone__name",
        "successor_milestone__name",
        "description",
    ]
    autocomplete_fields = [
        "predecessor_project",
        "predecessor_milestone",
        "successor_project",
        "successor_milestone",
        "owner",
    ]
    list_select_related = [
        "predecessor_project",
        "predecessor_milestone",
        "successor_project",
        "successor_milestone",
        "owner",
    ]
    date_hierarchy = "needed_by"


@admin.register(BudgetLine)
class BudgetLineAdmin(TpmoModelAdmin):
    list_display = ["project", "period", "category", "planned", "actual", "forecast"]
    list_filter = ["category", "period", "project__program"]
    search_fields = ["project__code", "project__name", "notes"]
    autocomplete_fields = ["project", "period"]
    list_select_related = ["project", "period"]


@admin.register(Allocation)
class AllocationAdmin(TpmoModelAdmin):
    list_display = ["person", "project", "role", "percent", "start_date", "end_date"]
    list_filter = ["project__program"]
    search_fields = ["person__name", "project__code", "role"]
    autocomplete_fields = ["person", "project"]
    list_select_related = ["person", "project"]
    date_hierarchy = "start_date"


@admin.register(StatusReport)
class StatusReportAdmin(TpmoModelAdmin):
    list_display = [
        "report_date",
        "program",
        "project",
        "overall",
        "schedule",
        "budget",
        "scope",
        "stakeholder_satisfaction",
        "author",
    ]
    list_filter = ["overall", "schedule", "budget", "scope", "program"]
    search_fields = ["program__code", "project__code", "summary"]
    autocomplete_fields = ["program", "project", "author"]
    list_select_related = ["program", "project", "author"]
    date_hierarchy = "report_date"


@admin.register(Stakeholder)
class StakeholderAdmin(TpmoModelAdmin):
    list_display = ["name", "organisation", "is_group", "influence", "interest", "email"]
    list_filter = ["is_group", "influence", "interest", "organisation"]
    search_fields = ["name", "organisation", "email"]
    autocomplete_fields = ["person"]


@admin.register(ProgramStakeholder)
class ProgramStakeholderAdmin(TpmoModelAdmin):
    list_display = ["stakeholder", "program", "raci", "update_cadence"]
    list_filter = ["raci", "update_cadence", "program"]
    search_fields = ["stakeholder__name", "program__code"]
    autocomplete_fields = ["program", "stakeholder"]
    list_select_related = ["stakeholder", "program"]


class ActionItemInline(admin.TabularInline):
    model = ActionItem
    extra = 0
    autocomplete_fields = ["owner"]


@admin.register(Retrospective)
class RetrospectiveAdmin(TpmoModelAdmin):
    list_display = ["title", "program", "project", "held_on", "facilitator"]
    list_filter = ["program"]
    search_fields = ["title", "program__code", "project__code", "went_well", "to_improve"]
    autocomplete_fields = ["program", "project", "facilitator"]
    list_select_related = ["program", "project", "facilitator"]
    date_hierarchy = "held_on"
    inlines = [ActionItemInline]


@admin.register(ActionItem)
class ActionItemAdmin(TpmoModelAdmin):
    list_display = ["description", "retrospective", "owner", "due_date", "done", "done_on"]
    list_filter = ["done", "retrospective__program"]
    search_fields = ["description", "owner__name"]
    autocomplete_fields = ["retrospective", "owner"]
    list_select_related = ["retrospective__program", "retrospective__project", "owner"]
    date_hierarchy = "due_date"
    actions = ["mark_done"]

    @admin.action(description="Mark selected actions done today")
    def mark_done(self, request: HttpRequest, queryset: QuerySet[ActionItem]) -> None:
        changed = services.action_items_mark_done(
            items=queryset, on=timezone.localdate(), by=request.user
        )
        self.message_user(request, f"{changed} action(s) marked done.", messages.SUCCESS)
