"""Object-level checks for views: 404 for what a user may not see, 403 for what they may not
change. The rules themselves live in the querysets (``visible_to`` / ``editable_by``)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from tpmo.roles import is_portfolio_reader


def visible_or_404(queryset: QuerySet[Any], user: Any, **lookup: Any) -> Any:
    return get_object_or_404(queryset.visible_to(user), **lookup)


def require_editable(obj: Model, user: Any) -> None:
    """Refuse (403) a change to ``obj`` unless the user's role allows it on its program."""
    if not type(obj)._default_manager.editable_by(user).filter(pk=obj.pk).exists():
        raise PermissionDenied("Your role does not let you change this program's records.")


def portfolio_reader_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Director and admin pages: other roles get 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_portfolio_reader(request.user):
            raise PermissionDenied("The portfolio pages are for directors and TPMO admins.")
        return view(request, *args, **kwargs)

    return wrapped
