"""The data state moves with every committed write that keeps history, and with snapshots."""

from __future__ import annotations

import datetime as dt

import pytest

from programs.models import Milestone, Program
from review.snapshots import take_snapshot
from risks.models import Risk
from tpmo.datastate import data_state, forget, remembered

pytestmark = pytest.mark.django_db


def test_a_save_a_delete_and_a_snapshot_each_move_the_state(portfolio):
    start = data_state()
    milestone = portfolio["milestone"]
    milestone.forecast_date += dt.timedelta(days=1)
    milestone.save()
    saved = data_state()
    portfolio["allocation"].delete()
    deleted = data_state()
    take_snapshot(dt.date(2026, 6, 1))
    snapped = data_state()

    assert len({start, saved, deleted, snapped}) == 4
    assert data_state() == snapped  # reading changes nothing


def test_a_result_is_computed_once_per_state_of_what_it_read(portfolio):
    calls = []

    def compute():
        calls.append(Milestone.objects.count())
        return len(calls)

    assert remembered("k", compute) == remembered("k", compute) == 1
    Milestone.objects.get(pk=portfolio["milestone"].pk).save()
    assert remembered("k", compute) == 2
    assert remembered("other", compute) == 3
    forget()
    assert remembered("k", compute) == 4


def test_a_write_to_a_table_the_result_never_read_keeps_it(portfolio):
    calls = []

    def risks_only():
        calls.append(Risk.objects.count())
        return len(calls)

    assert remembered("risks", risks_only) == 1
    Milestone.objects.get(pk=portfolio["milestone"].pk).save()  # milestones: not read
    assert remembered("risks", risks_only) == 1
    Risk.objects.get(pk=portfolio["risk"].pk).save()
    assert remembered("risks", risks_only) == 2


def test_a_reused_result_counts_as_read_by_the_result_around_it(portfolio):
    """The outer result never queries milestones itself: it reuses an inner result that did."""
    calls = []

    def inner():
        calls.append("inner")
        return Milestone.objects.count()

    def outer():
        calls.append("outer")
        return remembered("inner", inner)

    remembered("inner", inner)
    assert remembered("outer", outer) == remembered("outer", outer)
    assert calls == ["inner", "outer"]
    Milestone.objects.get(pk=portfolio["milestone"].pk).save()
    remembered("outer", outer)
    assert calls == ["inner", "outer", "outer", "inner"]


def test_what_the_request_read_before_counts_as_read(portfolio):
    """A view may hand the computation objects it loaded itself: the request's earlier reads
    are the result's inputs too."""
    from tpmo.datastate import track_reads

    calls = []

    def view(request):
        programs = list(Program.objects.order_by("pk"))  # read here, outside the computation
        return remembered("names", lambda: calls.append(1) or [p.name for p in programs])

    handler = track_reads(view)
    first = handler(None)
    assert handler(None) == first
    assert calls == [1]
    program = Program.objects.get(pk=portfolio["program"].pk)
    program.name = "Renamed"
    program.save()
    assert "Renamed" in handler(None)
    assert calls == [1, 1]
