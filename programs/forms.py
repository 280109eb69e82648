"""Forms of the TPM's weekly work. Each edit form carries the record's version, so a save made
from a stale form is refused instead of overwriting someone else's change."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q

from programs.choices import BudgetCategory, DependencyStatus, DependencyType
from programs.models import (
    ActionItem,
    FiscalPeriod,
    Milestone,
    Person,
    Program,
    Project,
    Retrospective,
    StatusReport,
)
from tpmo.health import Health, Rag


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class VersionedForm(forms.Form):
    """Adds the hidden ``version`` the record had when the form was opened."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class StatusReportForm(forms.ModelForm):
    class Meta:
        model = StatusReport
        fields = [
            "report_date",
            "overall",
            "schedule",
            "budget",
            "scope",
            "summary",
            "accomplishments",
            "next_steps",
            "blockers",
            "stakeholder_satisfaction",
            "variance_reason",
        ]
        widgets = {
            "report_date": DateInput(),
            "variance_reason": forms.Textarea(attrs={"rows": 2}),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "accomplishments": forms.Textarea(attrs={"rows": 3}),
            "next_steps": forms.Textarea(attrs={"rows": 3}),
            "blockers": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, computed: Health | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.computed = computed

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        overall, why = cleaned.get("overall"), cleaned.get("variance_reason", "").strip()
        if self.computed is not None and overall and overall != self.computed.rag and not why:
            reported = Rag(overall).label
            self.add_error(
                "variance_reason",
                f"You report {reported} but the data gives {self.computed.label}: "
                "say why they differ.",
            )
        return cleaned


class RetrospectiveForm(forms.ModelForm):
    class Meta:
        model = Retrospective
        fields = ["project", "held_on", "title", "went_well", "to_improve"]
        widgets = {
            "held_on": DateInput(),
            "went_well": forms.Textarea(attrs={"rows": 4}),
            "to_improve": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = program.projects.order_by("code")
        self.fields["project"].empty_label = "The program as a whole"


def people_of(program: Program) -> Any:
    """Who may own an action of this program: its TPM and director, project leads, allocated
    people."""
    return (
        Person.objects.filter(
            Q(owned_programs=program)
            | Q(directed_programs=program)
            | Q(led_projects__program=program)
            | Q(allocations__project__program=program)
        )
        .distinct()
        .order_by("name")
    )


class ActionItemForm(forms.ModelForm):
    class Meta:
        model = ActionItem
        fields = ["description", "owner", "due_date"]
        widgets = {"due_date": DateInput()}


ActionItemFormSet = forms.inlineformset_factory(
    Retrospective, ActionItem, form=ActionItemForm, extra=3, can_delete=False
)


class MilestoneForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Milestone
        fields = ["forecast_date", "actual_date", "status"]
        widgets = {"forecast_date": DateInput(), "actual_date": DateInput()}


WHOLE_PROJECT = "Leave empty for the whole project."


def find_item(
    form: forms.Form, code_field: str, milestone_field: str
) -> tuple[Project | None, Milestone | None]:
    """The project (by code) and optionally its milestone (by name) a form names; each unknown
    one is an error on its field."""
    code = form.cleaned_data.get(code_field, "").strip().upper()
    name = form.cleaned_data.get(milestone_field, "").strip()
    project = Project.objects.filter(code=code).first()
    if project is None:
        form.add_error(code_field, f"There is no project with the code {code!r}.")
        return None, None
    if not name:
        return project, None
    milestone = project.milestones.filter(name__iexact=name).first()
    if milestone is None:
        form.add_error(milestone_field, f"Project {code} has no milestone named {name!r}.")
    return project, milestone


class ImpactForm(forms.Form):
    """What if this item slips by so many days?"""

    project = forms.CharField(label="Project code", max_length=24)
    milestone = forms.CharField(
        label="… its milestone", max_length=200, required=False, help_text=WHOLE_PROJECT
    )
    days = forms.IntegerField(
        label="Slips by (days)",
        min_value=-365,
        max_value=365,
        initial=10,
        help_text="Negative: it comes in early.",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if "project" in cleaned:
            cleaned["project_obj"], cleaned["milestone_obj"] = find_item(
                self, "project", "milestone"
            )
        if cleaned.get("days") == 0:
            self.add_error("days", "A slip of 0 days moves nothing.")
        return cleaned


class DependencyForm(VersionedForm):
    """A dependency between two items named by project code (and optionally a milestone name)."""

    predecessor = forms.CharField(
        label="Depends on project", max_length=24, help_text="Project code, e.g. PAY-01."
    )
    predecessor_milestone = forms.CharField(
        label="… its milestone",
        max_length=200,
        required=False,
        help_text="Leave empty for the project.",
    )
    successor = forms.CharField(label="Waiting project", max_length=24, help_text="Project code.")
    successor_milestone = forms.CharField(
        label="… its milestone",
        max_length=200,
        required=False,
        help_text="Leave empty for the project.",
    )
    type = forms.ChoiceField(choices=DependencyType.choices, initial=DependencyType.FINISH_TO_START)
    lag_days = forms.IntegerField(initial=0, help_text="Negative for a lead.")
    needed_by = forms.DateField(required=False, widget=DateInput())
    committed_date = forms.DateField(
        required=False,
        widget=DateInput(),
        help_text="Empty while the other team has not committed.",
    )
    status = forms.ChoiceField(choices=DependencyStatus.choices, initial=DependencyStatus.REQUESTED)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def _end(self, end: str) -> tuple[Project | None, Milestone | None]:
        return find_item(self, end, f"{end}_milestone")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for end in ("predecessor", "successor"):
            if end in cleaned:
                cleaned[f"{end}_project"], cleaned[f"{end}_milestone_obj"] = self._end(end)
        return cleaned

    def dependency_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "predecessor_project": data["predecessor_project"],
            "predecessor_milestone": data["predecessor_milestone_obj"],
            "successor_project": data["successor_project"],
            "successor_milestone": data["successor_milestone_obj"],
            "type": data["type"],
            "lag_days": data["lag_days"],
            "needed_by": data["needed_by"],
            "committed_date": data["committed_date"],
            "status": data["status"],
            "description": data["description"],
        }


class ActualsForm(forms.Form):
    """One category's actual and forecast in the actuals grid."""

    category = forms.ChoiceField(choices=BudgetCategory.choices, required=False)
    actual = forms.DecimalField(min_value=0, max_digits=15, decimal_places=2, required=False)
    forecast = forms.DecimalField(min_value=0, max_digits=15, decimal_places=2, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        filled = cleaned.get("actual") is not None or cleaned.get("forecast") is not None
        if filled and not cleaned.get("category"):
            self.add_error("category", "Choose the category of this line.")
        return cleaned


class BaseActualsFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[str] = set()
        for form in self.forms:
            category = form.cleaned_data.get("category")
            if category and category in seen:
                form.add_error("category", "This category is already in the grid.")
            seen.add(category)


ActualsFormSet = forms.formset_factory(ActualsForm, formset=BaseActualsFormSet, extra=1)


class PeriodChoiceForm(forms.Form):
    period = forms.ModelChoiceField(
        queryset=FiscalPeriod.objects.order_by("start_date"), empty_label="Today", required=False
    )
