"""Taking snapshots (``manage.py snapshot_portfolio``) and reading them back as trends."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet, Sum

from programs.choices import ProgramStatus
from programs.models import Program
from review.figures import Counters, program_figures, total
from review.models import AMOUNTS, COUNTERS, Snapshot


def window_days() -> int:
    """The window of the rates a snapshot keeps (settings.TPMO_KPI["window_days"], 91)."""
    return int(getattr(settings, "TPMO_KPI", {}).get("window_days", 91))


@dataclass(frozen=True)
class Taken:
    as_of: date
    programs: int
    replaced: int


def snapshot_programs(as_of: date) -> QuerySet[Program]:
    """The programs a snapshot covers: started by then, and not cancelled."""
    return (
        Program.objects.filter(start_date__lte=as_of)
        .exclude(status=ProgramStatus.CANCELLED)
        .order_by("pk")
    )


def take_snapshot(as_of: date) -> Taken:
    """One row per program and one for the portfolio, as of ``as_of``; taking a date again
    replaces its rows (idempotent). The figures are worked out before the write transaction
    opens, so that the database's write lock (SQLite has one for the whole file) is held for the
    delete and insert only, not for the seconds the figures of a large portfolio take."""
    days = window_days()
    figures = program_figures(list(snapshot_programs(as_of)), as_of=as_of, window_days=days)
    rows = [
        Snapshot(
            as_of=as_of,
            program=item.program,
            window_days=days,
            computed=item.health.rag.value if item.health else "",
            reported=item.reported.value if item.reported else "",
            reasons=item.health.explanation if item.health else "",
            **item.counters,
        )
        for item in figures
    ]
    rows.append(
        Snapshot(
            as_of=as_of,
            program=None,
            window_days=days,
            **total(item.counters for item in figures),
        )
    )
    with transaction.atomic():
        replaced, _ = Snapshot.objects.filter(as_of=as_of).delete()
        Snapshot.objects.bulk_create(rows, batch_size=500)
    return Taken(as_of=as_of, programs=len(figures), replaced=replaced)


def weekly_dates(until: date, weeks: int) -> list[date]:
    """``weeks`` dates a week apart, the last one ``until``, oldest first."""
    return [until - timedelta(days=7 * back) for back in range(weeks - 1, -1, -1)]


def trend(program_ids: QuerySet[Any], since: date, until: date) -> list[tuple[date, Counters]]:
    """The summed counters of ``program_ids`` at each snapshot date in [since, until]: one
    GROUP BY over the snapshot rows."""
    rows = (
        Snapshot.objects.filter(program_id__in=program_ids, as_of__range=(since, until))
        .order_by()
        .values("as_of")
        .annotate(**{name: Sum(name) for name in (*COUNTERS, *AMOUNTS)})
        .order_by("as_of")
    )
    return [(row.pop("as_of"), total([row])) for row in rows]
