"""The home page: what needs the signed-in user's attention, panel by panel."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from tpmo import selectors
from tpmo.roles import is_portfolio_reader


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    panels = {name: panel(request.user, today) for name, panel in selectors.PANELS.items()}
    context = {
        "panels": panels,
        "today": today,
        "portfolio_reader": is_portfolio_reader(request.user),
    }
    return render(request, "tpmo/home.html", context)


@require_safe
def home_panel(request: HttpRequest, name: str) -> HttpResponse:
    """One panel alone, for its Refresh button (htmx swaps it in place)."""
    if name not in selectors.PANELS:
        raise Http404("No such panel.")
    return render_panel(request, name)


def render_panel(request: HttpRequest, name: str) -> HttpResponse:
    today = timezone.localdate()
    context = {
        "panels": {name: selectors.PANELS[name](request.user, today)},
        "today": today,
        "portfolio_reader": is_portfolio_reader(request.user),
    }
    response = render(request, f"tpmo/home.html#panel-{name}", context)
    patch_vary_headers(response, ["HX-Request"])
    return response
