"""The few records of the project itself rather than of the portfolio."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class UserSession(models.Model):
    """A session a user holds, so that signing out can end all of them (tpmo.security)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="held_sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)
    signed_in_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} since {self.signed_in_at:%Y-%m-%d %H:%M}"


class CalendarKey(models.Model):
    """The generation of a user's secret calendar addresses: rotating bumps it, and every
    address signed for an older generation stops working (tpmo.calendars)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_key"
    )
    generation = models.PositiveIntegerField(default=1)
    rotated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user} calendar key #{self.generation}"
