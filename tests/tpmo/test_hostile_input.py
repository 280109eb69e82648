"""Whatever a user types into a URL, no page answers 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from integrations.tables import FileRefused, read_table
from tpmo.roles import Role

NASTY = [
    "-1",
    "99999999999999999999",
    "9-9",
    "'; DROP TABLE programs_program; --",
    "\u202e\u0000\ud7ff",
    "a" * 3000,
]
COMMON = ["page", "sort", "export", "q"]
LISTS = {
    "program-list": ["status", "health", "objective", "director", "tpm", "priority"],
    "milestone-list": ["window", "late", "key", "program", "owner", "status"],
    "risk-list": [
        "program",
        "project",
        "category",
        "owner",
        "status",
        "band",
        "response",
        "stale",
        "proximity",
        "inherent",
        "residual",
    ],
    "issue-list": ["program", "severity", "status", "from_risk"],
    "decision-list": ["program", "status"],
    "assumption-list": ["program", "status"],
    "portfolio-review": ["objective", "director", "tpm", "program", "period"],
    "portfolio-kpis": ["objective", "director", "tpm", "program", "period"],
    "portfolio-changes": ["objective", "director", "tpm", "program", "since"],
    "portfolio-people": ["objective", "director", "tpm", "program", "team", "over"],
    "portfolio-objectives": ["objective", "director", "tpm", "program"],
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(LISTS))
def test_lists_survive_any_parameter_value(client, user_for, portfolio, name):
    client.force_login(user_for(Role.ADMIN))

    statuses = {
        (param, value[:20]): client.get(reverse(name), {param: value}).status_code
        for param in COMMON + LISTS[name]
        for value in NASTY
    }

    assert {key: status for key, status in statuses.items() if status >= 500} == {}


@pytest.mark.django_db
def test_the_finance_page_survives_any_period(client, user_for, portfolio):
    client.force_login(user_for(Role.DIRECTOR))

    statuses = {
        value[:20]: client.get(
            reverse("portfolio-finance"), {"period": value, "page": value}
        ).status_code
        for value in NASTY
    }

    assert set(statuses.values()) == {200}


def test_binary_garbage_is_refused_as_a_file_not_an_error():
    with pytest.raises(FileRefused, match="NUL bytes"):
        read_table(b"project,period\x00,category\n\x00\x00\x00")
