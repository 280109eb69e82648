"""The filters every director page shares (objective, director, TPM, program), and the period
and date choosers; all plain GET parameters, so a filtered review is a bookmark."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone

from programs.filters import objective_filter, tpm_filter
from programs.forms import DateInput
from programs.models import Person, Program
from tpmo.widgets import FastSelect

PERIODS = [(14, "2 weeks"), (28, "4 weeks"), (91, "13 weeks"), (182, "26 weeks"), (364, "52 weeks")]


class PortfolioFilter(django_filters.FilterSet):
    objective = objective_filter()
    director = django_filters.ModelChoiceFilter(
        widget=FastSelect,
        queryset=Person.objects.among("directed_programs"),
        empty_label="Any director",
    )
    tpm = tpm_filter()
    # A code typed in, not a list of every program (hundreds of options cost more to render
    # than the rest of the page); an unknown code is refused next to the field.
    program = django_filters.ModelChoiceFilter(
        method="one_program",
        queryset=Program.objects.all(),
        to_field_name="code",
        label="Program code",
        widget=forms.TextInput(attrs={"placeholder": "e.g. PAY", "size": 10}),
        error_messages={"invalid_choice": "There is no program with that code."},
    )

    class Meta:
        model = Program
        fields: list[str] = []

    def __init__(self, data: QueryDict | None = None, *args: Any, **kwargs: Any) -> None:
        if data is not None and data.get("program"):
            data = data.copy()
            data["program"] = data["program"].strip().upper()  # codes are upper case
        super().__init__(data, *args, **kwargs)

    def one_program(
        self, queryset: QuerySet[Program], name: str, value: Program
    ) -> QuerySet[Program]:
        return queryset.filter(pk=value.pk)

    def described(self) -> str:
        """The filters in force, in words (for the printed pack's header)."""
        if not self.is_bound or not self.is_valid():
            return "All programs"
        parts = [
            f"{self.filters[name].label or name.capitalize()}: {value}"
            for name, value in self.form.cleaned_data.items()
            if value not in (None, "")
        ]
        return "; ".join(parts) or "All programs"


class PeriodForm(forms.Form):
    period = forms.TypedChoiceField(choices=PERIODS, coerce=int, label="Period")

    def __init__(self, query: QueryDict, *, default: int) -> None:
        data = query.copy()
        if not data.get("period"):
            data["period"] = str(default)
        super().__init__(data)
        self.default = default

    def days(self) -> int:
        """The chosen period in days (the default when the choice is not one of the list)."""
        return int(self.cleaned_data["period"]) if self.is_valid() else self.default


class SinceForm(forms.Form):
    since = forms.DateField(
        required=False, widget=DateInput(), label="Changes since", help_text="The last review."
    )

    def clean_since(self) -> dt.date | None:
        since = self.cleaned_data["since"]
        if since is not None and since > timezone.localdate():
            raise forms.ValidationError("Pick a date in the past: changes since then are shown.")
        if since is not None and since.year < 2000:
            raise forms.ValidationError("Pick a date after 2000.")
        return since
