"""The data state moves with every committed write that keeps history, and with snapshots."""

from __future__ import annotations

import datetime as dt

import pytest

from programs.models import Milestone
from review.snapshots import take_snapshot
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


def test_a_result_is_computed_once_per_state(portfolio):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert remembered("k", compute) == remembered("k", compute) == 1
    Milestone.objects.get(pk=portfolio["milestone"].pk).save()
    assert remembered("k", compute) == 2
    assert remembered("other", compute) == 3
    forget()
    assert remembered("k", compute) == 4
