"""iCalendar (RFC 5545) feeds of milestones at secret per-user addresses.

An address carries a token signed with the site's secret key for (user, generation); rotating
the user's ``CalendarKey`` bumps the generation, so every older address stops working, and nothing
secret is stored. A feed shows what its user may see (``visible_to``). Each milestone is one
all-day event on its forecast date with a stable UID and its record version as SEQUENCE, so a
calendar moves the event when the forecast moves.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, timedelta
from typing import Any

from django.core import signing
from django.db.models import QuerySet
from icalendar import Calendar, Event

from programs.models import Milestone
from tpmo.models import CalendarKey

SALT = "tpmo.calendars"
PRODID = "-//TPMO//Program portfolio milestones//EN"


def key_of(user: Any) -> CalendarKey:
    key, _ = CalendarKey.objects.get_or_create(user=user)
    return key


def token_for(user: Any) -> str:
    """The same address every time for a generation (no timestamp in it)."""
    return signing.Signer(salt=SALT).sign_object([user.pk, key_of(user).generation], compress=True)


def user_of(token: str) -> Any | None:
    """The user a token was signed for, while its generation is current; None otherwise."""
    try:
        user_id, generation = signing.Signer(salt=SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    key = (
        CalendarKey.objects.select_related("user")
        .filter(user_id=user_id, generation=generation, user__is_active=True)
        .first()
    )
    return key.user if key else None


def rotate(user: Any) -> CalendarKey:
    key = key_of(user)
    key.generation += 1
    key.save()
    return key


def feed(title: str, milestones: QuerySet[Milestone], *, link: Any) -> bytes:
    """The calendar of ``milestones`` (one query), each event linking to ``link(milestone)``."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", title)
    for milestone in _rows(milestones):
        calendar.add_component(_event(milestone, link(milestone)))
    return calendar.to_ical()


def _rows(milestones: QuerySet[Milestone]) -> Iterable[Milestone]:
    return milestones.select_related("project__program", "owner").order_by("forecast_date", "pk")


def _event(milestone: Milestone, url: str) -> Event:
    event = Event()
    program = milestone.project.program
    event.add("uid", f"milestone-{milestone.pk}@tpmo")
    event.add("sequence", milestone.version)
    event.add("dtstamp", milestone.updated_at.astimezone(UTC))
    event.add("last-modified", milestone.updated_at.astimezone(UTC))
    event.add("dtstart", milestone.forecast_date)
    event.add("dtend", milestone.forecast_date + timedelta(days=1))
    key = " (key)" if milestone.is_key else ""
    event.add("summary", f"{program.code} · {milestone.name}{key}")
    slip = milestone.slip_days
    lines = [
        f"{milestone.project.code} {milestone.project.name} — {program.name}",
        f"Baseline {milestone.baseline_date:%d %b %Y}; forecast {milestone.forecast_date:%d %b %Y}"
        + (f" ({slip:+d} days)" if slip else ""),
        f"Status: {milestone.get_status_display()}",
    ]
    if milestone.owner:
        lines.append(f"Owner: {milestone.owner}")
    event.add("description", "\n".join(lines))
    event.add("url", url)
    event.add("status", "CANCELLED" if milestone.status == "cancelled" else "CONFIRMED")
    event.add("transp", "TRANSPARENT")
    return event
