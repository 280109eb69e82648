"""Faults: a full disk (SQLite's max_page_count) fails the whole operation, shows an error page,
and writes resume afterwards."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from programs.models import StatusReport
from tpmo.roles import Role, sync_role_groups

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's max_page_count")


def status(day: str) -> dict[str, str]:
    return {
        "report_date": day,
        "overall": "amber",
        "schedule": "amber",
        "budget": "green",
        "scope": "green",
        "summary": "x" * 20_000,  # needs new pages
        "stakeholder_satisfaction": "4",
        "variance_reason": "Known issue.",
    }


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_a_full_disk_rolls_the_write_back_whole_and_writes_resume(client, make_user, portfolio):
    sync_role_groups(apps)  # an earlier transactional test may have emptied the tables
    client.force_login(make_user(Role.TPM, person=portfolio["program"].tpm))
    client.raise_request_exception = False
    url = reverse("program-status-new", args=["PAY"])
    before = StatusReport.objects.count()
    history_before = StatusReport.history.count()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM")  # no free pages left: a new row needs a new page
        cursor.execute("PRAGMA page_count")
        pages = cursor.fetchone()[0]
        cursor.execute("PRAGMA max_page_count")
        limit = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count = {pages}")

    try:
        full = client.post(url, status("2026-06-01"))
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA max_page_count = {limit}")

    assert full.status_code == 500
    assert "Something went wrong on our side" in full.content.decode()
    assert StatusReport.objects.count() == before  # no half-written report …
    assert StatusReport.history.count() == history_before  # … and no orphan history row
    resumed = client.post(url, status("2026-06-01"))
    assert resumed.status_code == 302
    assert StatusReport.objects.count() == before + 1
