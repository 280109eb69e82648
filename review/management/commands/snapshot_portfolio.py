"""python manage.py snapshot_portfolio [--as-of DATE] [--weeks N]: store the portfolio's KPIs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from review.snapshots import take_snapshot, weekly_dates


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"--as-of must be a date like 2026-11-23, not {text!r}.") from error


class Command(BaseCommand):
    help = (
        "Store one row per program (and one for the portfolio) of every KPI counter and health "
        "value as of a date (default today). Taking a date again replaces it. Meant for a "
        "weekly cron; --weeks N also takes the N−1 weeks before (a backfill)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", type=_date, default=None, help="YYYY-MM-DD (default today)")
        parser.add_argument("--weeks", type=int, default=1, help="weekly dates ending at --as-of")

    def handle(self, *args: Any, as_of: dt.date | None, weeks: int, **options: Any) -> None:
        if weeks < 1 or weeks > 520:
            raise CommandError("--weeks is 1–520.")
        for day in weekly_dates(as_of or timezone.localdate(), weeks):
            taken = take_snapshot(day)
            verb = "Replaced" if taken.replaced else "Took"
            self.stdout.write(f"{verb} the snapshot of {day:%Y-%m-%d}: {taken.programs} programs.")
