"""What every TPMO admin page shares: history, facets, paging."""

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from tpmo.security import log_admin_change


class TpmoModelAdmin(SimpleHistoryAdmin):
    """A model admin whose records show their full change history (who, when, what changed)."""

    show_facets = admin.ShowFacets.ALWAYS
    list_per_page = 50
    save_on_top = True

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
