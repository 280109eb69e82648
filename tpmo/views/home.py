"""The home page: what needs the signed-in user's attention, panel by panel."""

from collections.abc import Iterable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from tpmo import selectors
from tpmo.datastate import remembered
from tpmo.roles import is_portfolio_reader, role_of


def _context(request: HttpRequest, names: Iterable[str]) -> dict[str, Any]:
    today = timezone.localdate()
    user, wanted = request.user, tuple(names)
    panels = remembered(
        ("home", user.pk, role_of(user), wanted, today),
        lambda: {name: selectors.PANELS[name](user, today) for name in wanted},
    )
    return {
        "panels": panels,
        "today": today,
        "portfolio_reader": is_portfolio_reader(request.user),
    }


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "tpmo/home.html", _context(request, selectors.PANELS))


@require_safe
def home_panel(request: HttpRequest, name: str) -> HttpResponse:
    """One panel alone, for its Refresh button (htmx swaps it in place)."""
    if name not in selectors.PANELS:
        raise Http404("No such panel.")
    return render_panel(request, name)


def render_panel(request: HttpRequest, name: str) -> HttpResponse:
    response = render(request, f"tpmo/home.html#panel-{name}", _context(request, [name]))
    patch_vary_headers(response, ["HX-Request"])
    return response
