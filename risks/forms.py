"""Forms of the RAID log. Edit forms carry the record's version (lost updates are refused)."""

from __future__ import annotations

from typing import Any

from django import forms

from programs.forms import DateInput, people_of
from programs.models import Milestone, Program
from risks.choices import RISK_ENDED, RiskStatus
from risks.models import Risk

LEVELS = [(level, str(level)) for level in range(1, 6)]


class RiskForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Risk
        fields = [
            "project",
            "title",
            "category",
            "status",
            "owner",
            "cause",
            "event",
            "effect",
            "inherent_probability",
            "inherent_impact",
            "residual_probability",
            "residual_impact",
            "cost_impact",
            "schedule_impact_days",
            "response",
            "mitigation_plan",
            "contingency_plan",
            "trigger",
            "milestones",
            "identified_on",
            "proximity_date",
            "next_review_date",
        ]
        widgets = {
            "identified_on": DateInput(),
            "proximity_date": DateInput(),
            "next_review_date": DateInput(),
            "cause": forms.Textarea(attrs={"rows": 2}),
            "event": forms.Textarea(attrs={"rows": 2}),
            "effect": forms.Textarea(attrs={"rows": 2}),
            "mitigation_plan": forms.Textarea(attrs={"rows": 3}),
            "contingency_plan": forms.Textarea(attrs={"rows": 3}),
            "trigger": forms.Textarea(attrs={"rows": 2}),
            "inherent_probability": forms.Select(choices=LEVELS),
            "inherent_impact": forms.Select(choices=LEVELS),
            "residual_probability": forms.Select(choices=LEVELS),
            "residual_impact": forms.Select(choices=LEVELS),
        }

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = program.projects.order_by("code")
        self.fields["project"].empty_label = "The program as a whole"
        self.fields["owner"].queryset = people_of(program)
        self.fields["milestones"].queryset = (
            Milestone.objects.filter(project__program=program)
            .select_related("project")
            .order_by("project__code", "forecast_date")
        )
        self.fields["milestones"].label_from_instance = lambda m: f"{m.project.code} · {m.name}"
        self.fields["status"].choices = [
            (value, label) for value, label in RiskStatus.choices if value not in RISK_ENDED
        ]


class ReviewForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reviewed_on = forms.DateField(widget=DateInput())
    next_review_date = forms.DateField(widget=DateInput())
    residual_probability = forms.TypedChoiceField(
        choices=[("", "Unchanged"), *LEVELS], coerce=int, required=False, empty_value=None
    )
    residual_impact = forms.TypedChoiceField(
        choices=[("", "Unchanged"), *LEVELS], coerce=int, required=False, empty_value=None
    )
    status = forms.ChoiceField(
        choices=[("", "Unchanged")]
        + [(v, label) for v, label in RiskStatus.choices if v not in RISK_ENDED],
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        reviewed, following = cleaned.get("reviewed_on"), cleaned.get("next_review_date")
        if reviewed and following and following <= reviewed:
            self.add_error("next_review_date", "The next review comes after this one.")
        return cleaned


class AssumptionCheckForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    outcome = forms.ChoiceField(
        choices=[("valid", "It held: validated"), ("invalid", "It did not hold: invalidated")],
        widget=forms.RadioSelect,
    )
    checked_on = forms.DateField(widget=DateInput())
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    raise_risk_titled = forms.CharField(
        label="Raise a risk titled",
        max_length=200,
        required=False,
        help_text="Only for an invalidated assumption: leave empty to raise none.",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("outcome") == "valid" and cleaned.get("raise_risk_titled"):
            self.add_error("raise_risk_titled", "A validated assumption raises no risk.")
        return cleaned
