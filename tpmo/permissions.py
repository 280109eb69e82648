"""Object-level checks for views: 404 for what a user may not see, and for the edit pages of
records outside the programs an editor may change; 403 when the role changes nothing at all. The
rules themselves live in the querysets (``visible_to`` / ``editable_by``)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from tpmo.roles import Role, is_portfolio_reader, role_of


def visible_or_404(queryset: QuerySet[Any], user: Any, **lookup: Any) -> Any:
    return get_object_or_404(queryset.visible_to(user), **lookup)


EDITING_ROLES = {Role.ADMIN, Role.DIRECTOR, Role.TPM}


def require_editable(obj: Model, user: Any) -> None:
    """Refuse a change to ``obj`` unless the user may change its program: a role that changes
    nothing gets 403; a TPM or director of other programs gets 404, as if the edit page of a
    program that is not theirs did not exist."""
    if role_of(user) not in EDITING_ROLES:
        raise PermissionDenied("Your role does not let you change records.")
    if not type(obj)._default_manager.editable_by(user).filter(pk=obj.pk).exists():
        raise Http404("No such record among the programs you may change.")


def portfolio_reader_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Director and admin pages: other roles get 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_portfolio_reader(request.user):
            raise PermissionDenied("The portfolio pages are for directors and TPMO admins.")
        return view(request, *args, **kwargs)

    return wrapped
