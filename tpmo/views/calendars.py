"""Milestone calendars: the secret addresses a user subscribes to, and the feeds themselves."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from programs.models import Milestone, Person, Program
from tpmo import calendars


def _link(request: HttpRequest) -> Callable[[Milestone], str]:
    return lambda milestone: request.build_absolute_uri(milestone.project.get_absolute_url())


def _answer(
    title: str, milestones: QuerySet[Milestone], request: HttpRequest, name: str
) -> HttpResponse:
    response = HttpResponse(
        calendars.feed(title, milestones, link=_link(request)),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'inline; filename="{name}.ics"'
    return response


def _user(token: str):
    user = calendars.user_of(token)
    if user is None:
        raise Http404("No calendar at this address (it may have been rotated).")
    return user


@login_not_required
@require_safe
def portfolio_feed(request: HttpRequest, token: str) -> HttpResponse:
    """Key milestones of every program the address's owner may see."""
    user = _user(token)
    milestones = Milestone.objects.filter(
        is_key=True, project__program__in=Program.objects.visible_to(user)
    )
    return _answer("TPMO — key milestones", milestones, request, "portfolio")


@login_not_required
@require_safe
def program_feed(request: HttpRequest, token: str, code: str) -> HttpResponse:
    user = _user(token)
    program = Program.objects.visible_to(user).filter(code=code).first()
    if program is None:
        raise Http404("No such program for this calendar.")
    milestones = Milestone.objects.filter(is_key=True, project__program=program)
    return _answer(f"TPMO — {program.code} key milestones", milestones, request, program.code)


@login_not_required
@require_safe
def my_feed(request: HttpRequest, token: str) -> HttpResponse:
    """Every milestone the address's owner owns (as the person their account acts as)."""
    user = _user(token)
    person = Person.objects.filter(user=user).first()
    milestones = Milestone.objects.filter(owner=person) if person else Milestone.objects.none()
    return _answer("TPMO — my milestones", milestones, request, "mine")


@require_http_methods(["GET", "POST"])
def calendar_settings(request: HttpRequest) -> HttpResponse:
    """The user's calendar addresses, and a button that replaces them all."""
    if request.method == "POST":
        calendars.rotate(request.user)
        messages.success(request, "New calendar addresses made; the old ones no longer work.")
        return redirect("calendar-settings")
    token = calendars.token_for(request.user)
    programs = Program.objects.visible_to(request.user).order_by("code")[:50]
    context = {
        "portfolio": request.build_absolute_uri(reverse("calendar-portfolio", args=[token])),
        "mine": request.build_absolute_uri(reverse("calendar-mine", args=[token])),
        "programs": [
            (
                program,
                request.build_absolute_uri(reverse("calendar-program", args=[token, program.code])),
            )
            for program in programs
        ],
    }
    return render(request, "tpmo/calendar_settings.html", context)
