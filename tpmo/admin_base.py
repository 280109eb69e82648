"""What every TPMO admin page shares: history, facets, paging."""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from tpmo.security import log_admin_change

SEEN_VERSION = "seen_version"


class VersionCheckedForm(forms.ModelForm):
    """An admin form that carries the version the record had when it was opened, and refuses to
    save over a newer one (optimistic concurrency, as the site's own forms do)."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and hasattr(self.instance, "version"):
            self.initial.setdefault(SEEN_VERSION, self.instance.version)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        model = type(self.instance)
        if self.instance.pk and hasattr(self.instance, "version"):
            current = model._default_manager.filter(pk=self.instance.pk).values_list(
                "version", flat=True
            )
            now = current.first()
            if cleaned.get(SEEN_VERSION) != now:
                raise ValidationError(
                    f"Someone else saved this {model._meta.verbose_name} since you opened it "
                    f"(version {cleaned.get(SEEN_VERSION)} → {now}). Open it again to see their "
                    "change; your edits here were not saved."
                )
        return cleaned


class TpmoModelAdmin(SimpleHistoryAdmin):
    """A model admin whose records show their full change history (who, when, what changed) and
    whose change form refuses to overwrite a newer version."""

    form = VersionCheckedForm
    show_facets = admin.ShowFacets.ALWAYS
    list_per_page = 50
    save_on_top = True

    def get_fieldsets(self, request: HttpRequest, obj: Model | None = None) -> Any:
        fieldsets = list(super().get_fieldsets(request, obj))
        named = {name for _, options in fieldsets for name in _flat(options.get("fields", ()))}
        if SEEN_VERSION not in named:
            fieldsets.append((None, {"fields": [SEEN_VERSION], "classes": ["hidden"]}))
        return fieldsets

    # Every admin change is also a security event (tpmo.security), single or bulk.
    def log_addition(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        log_admin_change(request, "added", [obj])
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        log_admin_change(request, "changed", [obj])
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: QuerySet[Any]) -> Any:
        log_admin_change(request, "deleted", list(queryset))
        return super().log_deletions(request, queryset)


def _flat(fields: Any) -> list[str]:
    names: list[str] = []
    for entry in fields:
        names.extend(entry if isinstance(entry, list | tuple) else [entry])
    return names
