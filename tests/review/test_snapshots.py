"""Snapshots: idempotent per date, the portfolio row is the sum of the program rows, and trends
read the stored rows (they never recompute history)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from programs.models import ActionItem
from review.models import COUNTERS, Snapshot
from review.snapshots import take_snapshot, trend, weekly_dates
from tests.review.conftest import AS_OF, WINDOW

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def window(settings):
    settings.TPMO_KPI = {"window_days": WINDOW}


def test_a_snapshot_has_a_row_per_program_and_one_for_the_portfolio(worked):
    taken = take_snapshot(AS_OF)

    rows = {row.program.code if row.program else None: row for row in Snapshot.objects.all()}
    assert (taken.programs, taken.replaced, sorted(rows, key=str)) == (2, 0, [None, "OLD", "PAY"])
    pay, portfolio = rows["PAY"], rows[None]
    assert (pay.computed, pay.reported, pay.window_days) == ("red", "green", WINDOW)
    assert pay.reasons.splitlines()[0].startswith("Red: CPI 0.89")
    for name in COUNTERS:
        assert getattr(portfolio, name) == getattr(pay, name) + getattr(rows["OLD"], name), name
    assert portfolio.milestones_done == 5
    assert (portfolio.computed, portfolio.program) == ("", None)


def test_taking_the_same_date_again_replaces_it(worked):
    def kept_actions():
        return dict(Snapshot.objects.values_list("program__code", "actions_on_time"))

    take_snapshot(AS_OF)
    assert kept_actions() == {"PAY": 1, "OLD": 0, None: 1}
    ActionItem.objects.filter(due_date=dt.date(2026, 6, 28)).update(
        done=True, done_on=dt.date(2026, 6, 27)
    )

    again = take_snapshot(AS_OF)

    assert (again.replaced, Snapshot.objects.count()) == (3, 3)
    assert kept_actions() == {"PAY": 2, "OLD": 0, None: 2}


@pytest.mark.django_db(transaction=True)
def test_the_write_lock_is_held_for_the_write_only(worked, monkeypatch):
    """The figures are worked out outside the write transaction (on SQLite a transaction holds
    the lock of the whole file from its start), and the delete and insert are one transaction."""
    from django.db import connection

    from review import snapshots

    seen = []
    figures = snapshots.program_figures

    def watched(*args, **kwargs):
        seen.append(("figures", connection.in_atomic_block))
        return figures(*args, **kwargs)

    bulk_create = Snapshot.objects.bulk_create

    def insert(rows, **kwargs):
        seen.append(("insert", connection.in_atomic_block))
        return bulk_create(rows, **kwargs)

    monkeypatch.setattr(snapshots, "program_figures", watched)
    monkeypatch.setattr(Snapshot.objects, "bulk_create", insert)
    take_snapshot(AS_OF)
    assert seen == [("figures", False), ("insert", True)]
    assert Snapshot.objects.filter(as_of=AS_OF).count() == 3


def test_trends_read_the_snapshots_not_the_live_data(worked):
    take_snapshot(AS_OF - dt.timedelta(days=7))
    take_snapshot(AS_OF)
    ActionItem.objects.update(done=True, done_on=dt.date(2026, 6, 1))  # history is not rewritten

    points = trend(
        type(worked["pay"]).objects.filter(code="PAY").values("pk"),
        AS_OF - dt.timedelta(days=30),
        AS_OF,
    )

    assert [
        (day, counters["actions_on_time"], counters["actions_due"]) for day, counters in points
    ] == [
        (dt.date(2026, 6, 23), 1, 2),  # due 10 and 20 June in 24 May – 23 June; one kept
        (dt.date(2026, 6, 30), 1, 3),
    ]


def test_the_command_takes_weekly_dates_and_says_what_it_did(worked):
    out = StringIO()

    call_command("snapshot_portfolio", "--as-of", "2026-06-30", "--weeks", "2", stdout=out)
    call_command("snapshot_portfolio", "--as-of", "2026-06-30", stdout=out)

    assert out.getvalue().splitlines() == [
        "Took the snapshot of 2026-06-23: 2 programs.",
        "Took the snapshot of 2026-06-30: 2 programs.",
        "Replaced the snapshot of 2026-06-30: 2 programs.",
    ]
    assert sorted(set(Snapshot.objects.values_list("as_of", flat=True))) == weekly_dates(AS_OF, 2)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "30/06/2026"], "--as-of must be a date like 2026-11-23, not '30/06/2026'."),
        (["--weeks", "0"], "--weeks is 1–520."),
    ],
)
def test_the_command_refuses_bad_arguments(db, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("snapshot_portfolio", *args)
    assert not Snapshot.objects.exists()
