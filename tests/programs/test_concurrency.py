"""Two users add the two halves of a cycle at the same moment: at most one succeeds."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from programs import factories as pf
from programs import services
from programs.models import Dependency


@pytest.mark.django_db(transaction=True)
def test_two_halves_of_a_cycle_added_at_once_cannot_both_succeed(make_user):
    if connection.vendor != "postgresql":
        pytest.skip(
            "On SQLite every write transaction begins IMMEDIATE, so writers are serialised by "
            "the database itself (tests/tpmo/test_settings.py checks the mode); this test "
            "exercises the PostgreSQL advisory lock and runs in CI's PostgreSQL pass."
        )
    user = make_user(None, username="someone")
    one, two = pf.ProjectFactory(), pf.ProjectFactory()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def add(predecessor, successor):
        try:
            barrier.wait(timeout=10)
            services.dependency_create(
                by=user, predecessor_project=predecessor, successor_project=successor
            )
            outcomes.append("saved")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=add, args=(one, two)),
        threading.Thread(target=add, args=(two, one)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes)[1] == "saved"
    assert sorted(outcomes)[0].startswith("This dependency would close a cycle:")
    assert Dependency.objects.count() == 1
