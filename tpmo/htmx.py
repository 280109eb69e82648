"""htmx helpers: answer a fragment only to a real partial request, and say the answer varies."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def wants_fragment(request: HttpRequest) -> bool:
    """An htmx request that swaps part of the page: not boosted navigation, not a history restore
    (both need the whole page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render_page_or_fragment(
    request: HttpRequest,
    template: str,
    fragment: str,
    context: dict[str, Any],
    status: int = 200,
    *,
    fragment_html: str | None = None,
) -> HttpResponse:
    """The page, or only its ``fragment`` partial (named after the element it replaces) — or
    ``fragment_html``, when the view already holds that partial written."""
    if fragment_html is not None and wants_fragment(request):
        response = HttpResponse(fragment_html, status=status)
    else:
        name = f"{template}#{fragment}" if wants_fragment(request) else template
        response = render(request, name, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response
