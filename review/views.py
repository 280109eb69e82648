"""The director's pages (directors and TPMO admins; other roles get 403): the portfolio review,
KPIs, changes since the last review, people's load and objective alignment."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from programs.models import Program
from review import selectors
from review.filters import PeriodForm, PortfolioFilter, SinceForm
from review.snapshots import window_days
from tpmo.datastate import remembered
from tpmo.health import Thresholds
from tpmo.permissions import portfolio_reader_required

PEOPLE_PAGE = 50


def _scope(request: HttpRequest) -> tuple[PortfolioFilter, QuerySet[Program]]:
    filters = PortfolioFilter(
        request.GET or None, queryset=Program.objects.visible_to(request.user)
    )
    return filters, filters.qs


def _ids(programs: QuerySet[Program]) -> tuple[int, ...]:
    """The filtered programs, as part of a remembered result's key."""
    return tuple(programs.order_by("pk").values_list("pk", flat=True))


def _context(request: HttpRequest, filters: PortfolioFilter, **extra: Any) -> dict[str, Any]:
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "filters": filters,
        "described": filters.described(),
        "query": query.urlencode(),
    } | extra


@require_safe
@portfolio_reader_required
def review(request: HttpRequest) -> HttpResponse:
    filters, programs = _scope(request)
    period = PeriodForm(request.GET, default=14)
    today = timezone.localdate()
    page = remembered(
        ("review", _ids(programs), today, period.days()),
        lambda: selectors.portfolio_review(programs, today=today, days=period.days()),
    )
    context = _context(request, filters, review=page, period=period, today=today)
    return render(request, "review/review.html", context)


@require_safe
@portfolio_reader_required
def kpis(request: HttpRequest) -> HttpResponse:
    filters, programs = _scope(request)
    period = PeriodForm(request.GET, default=91)
    today = timezone.localdate()
    page = remembered(
        ("kpis", _ids(programs), today, period.days()),
        lambda: selectors.kpi_page(programs, today=today, days=period.days()),
    )
    context = _context(
        request, filters, page=page, period=period, today=today, window_days=window_days()
    )
    return render(request, "review/kpis.html", context)


@require_safe
@portfolio_reader_required
def changes(request: HttpRequest) -> HttpResponse:
    filters, programs = _scope(request)
    chooser = SinceForm(request.GET or None)
    today = timezone.localdate()
    since = today - dt.timedelta(days=7)
    if chooser.is_bound and chooser.is_valid() and chooser.cleaned_data["since"]:
        since = chooser.cleaned_data["since"]
    page = remembered(
        ("changes", _ids(programs), since, today),
        lambda: selectors.changes_since(programs, since=since, today=today),
    )
    context = _context(request, filters, changes=page, chooser=chooser, today=today)
    return render(request, "review/changes.html", context)


@require_safe
@portfolio_reader_required
def people(request: HttpRequest) -> HttpResponse:
    filters, programs = _scope(request)
    today = timezone.localdate()
    limit = Thresholds.from_settings().allocation_amber_percent
    over_only = request.GET.get("over") == "1"
    teams = selectors.team_names()
    team = request.GET.get("team", "")
    team = team if team in teams else ""  # an unknown team (or a crafted value) filters nothing
    weeks = selectors.grid_weeks(today)
    over = limit if over_only else None
    tpms, loads = remembered(
        ("people", _ids(programs), today, tuple(weeks), team, over),
        lambda: (
            selectors.tpm_load(programs, today=today),
            selectors.people_load(programs, weeks=weeks, team=team, over=over),
        ),
    )
    context = _context(
        request,
        filters,
        tpms=tpms,
        weeks=weeks,
        this_week=weeks[4],
        page=Paginator(loads, PEOPLE_PAGE).get_page(request.GET.get("page")),
        limit=limit,
        over_only=over_only,
        team=team,
        teams=teams,
        today=today,
    )
    return render(request, "review/people.html", context)


@require_safe
@portfolio_reader_required
def objectives(request: HttpRequest) -> HttpResponse:
    filters, programs = _scope(request)
    today = timezone.localdate()
    alignment = remembered(
        ("objectives", _ids(programs), today),
        lambda: selectors.objective_alignment(programs, today=today),
    )
    context = _context(request, filters, alignment=alignment, today=today)
    return render(request, "review/objectives.html", context)
