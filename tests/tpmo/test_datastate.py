"""The data state moves with every committed write that keeps history, and with snapshots."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

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
    request = RequestFactory().get("/")
    first = handler(request)
    assert handler(request) == first
    assert calls == [1]
    program = Program.objects.get(pk=portfolio["program"].pk)
    program.name = "Renamed"
    program.save()
    assert "Renamed" in handler(request)
    assert calls == [1, 1]


def test_a_reading_request_reads_the_state_once_a_writing_one_each_time(portfolio):
    """A GET writes nothing, so one reading of the state serves all its lookups; a POST may
    write between two lookups, so each reads the state afresh."""
    from tpmo.datastate import track_reads

    def view(request):
        remembered("one", lambda: Program.objects.count())
        Milestone.objects.get(pk=portfolio["milestone"].pk).save()  # as a POST would
        remembered("two", lambda: Milestone.objects.count())
        return remembered("one", lambda: "computed again")

    handler = track_reads(view)
    programs = Program.objects.count()
    with CaptureQueriesContext(connection) as reading:
        assert handler(RequestFactory().get("/")) == programs
    forget()
    with CaptureQueriesContext(connection) as writing:
        assert handler(RequestFactory().post("/")) == programs
    state_reads = [
        len([q for q in run if q["sql"].startswith("SELECT (SELECT MAX(")])
        for run in (reading, writing)
    ]
    assert state_reads == [1, 3]


def test_nested_results_that_read_nothing_yet_each_keep_their_own_record(portfolio):
    """In a GET the state is read once, so a result looked up inside another may start with the
    same (empty) record as the one around it: each still closes its own, and the outer one
    records what it reads afterwards."""
    from tpmo.datastate import track_reads

    calls = []

    def view(request):
        def outer():
            calls.append("outer")
            remembered("inner", lambda: "nothing read")
            return Program.objects.count()

        return remembered("outer", outer)

    handler = track_reads(view)
    request = RequestFactory().get("/")
    programs = Program.objects.count()
    assert handler(request) == handler(request) == programs
    assert calls == ["outer"]
    Program.objects.get(pk=portfolio["program"].pk).save()
    assert handler(request) == programs
    assert calls == ["outer", "outer"]
