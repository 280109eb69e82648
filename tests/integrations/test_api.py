"""The JSON API: tokens, roles and object scope, the pages' filters, writes with history and the
version check, and flat query counts."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from integrations.models import ApiToken
from programs.models import Milestone, Project, StatusReport
from tests.conftest import grow_portfolio
from tpmo.roles import Role

pytestmark = pytest.mark.django_db


def bearer(user):
    _, secret = ApiToken.issue(user, "test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def send(client, method, url, auth, body=None):
    return getattr(client, method)(
        url, data=json.dumps(body or {}), content_type="application/json", **auth
    )


def test_tokens_are_stored_as_digests_and_shown_once(client, user_for):
    user = user_for(Role.TPM)
    client.force_login(user)

    page = client.post(reverse("api-tokens"), {"name": "Power BI"})

    secret = page.context["secret"]
    assert secret.startswith("tpmo_")
    assert len(secret) == 48
    token = ApiToken.objects.get(user=user)
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:11]
    assert secret not in "".join(str(v) for v in ApiToken.objects.values_list())
    assert client.get(reverse("api-tokens")).context["secret"] == ""


def test_without_a_token_or_with_a_bad_one_the_api_answers_401(client, portfolio, user_for):
    url = reverse("api:program-list")

    assert client.get(url).status_code == 401
    assert client.get(url, HTTP_AUTHORIZATION="Bearer tpmo_nope").status_code == 401
    assert client.get(url, HTTP_AUTHORIZATION="Bearer something-else").status_code == 401
    assert client.get(url).headers["WWW-Authenticate"] == "Bearer"


def test_a_revoked_token_stops_working(client, portfolio, user_for):
    user = user_for(Role.TPM)
    auth = bearer(user)
    url = reverse("api:program-list")
    assert client.get(url, **auth).status_code == 200
    client.force_login(user)

    client.post(reverse("api-token-revoke", args=[ApiToken.objects.get().pk]))

    client.logout()
    assert client.get(url, **auth).status_code == 401


def test_token_changes_are_security_events_without_the_secret(client, user_for, caplog):
    client.force_login(user_for(Role.TPM))

    with caplog.at_level(logging.INFO, logger="tpmo.security"):
        response = client.post(reverse("api-tokens"), {"name": "CI"})

    secret = response.context["secret"]
    assert [
        r.getMessage().split(" ip=")[0] for r in caplog.records if "api token" in r.getMessage()
    ] == [f"api token created user=tpm token=CI ({secret[:11]}…)"]
    assert secret not in caplog.text


@pytest.mark.parametrize(
    ("role", "read", "write"),
    [
        (Role.ADMIN, 200, 200),
        (Role.DIRECTOR, 200, 404),
        (Role.TPM, 200, 200),
        (Role.VIEWER, 200, 403),
        (None, 403, 403),
    ],
)
def test_roles_read_and_write_as_on_the_pages(client, portfolio, user_for, role, read, write):
    auth = bearer(user_for(role))
    milestone = portfolio["milestone"]  # in PAY: the TPM's; the director directs CHK
    url = reverse("api:milestone-detail", args=[milestone.pk])

    assert client.get(url, **auth).status_code == read
    response = send(
        client, "patch", url, auth, {"forecast_date": "2026-12-01", "version": milestone.version}
    )
    assert response.status_code == write


def test_a_write_is_validated_saved_with_history_and_version_checked(client, portfolio, user_for):
    user = user_for(Role.TPM)
    auth = bearer(user)
    milestone = portfolio["milestone"]
    url = reverse("api:milestone-detail", args=[milestone.pk])

    first = send(client, "patch", url, auth, {"forecast_date": "2026-12-01", "version": 1})
    stale = send(client, "patch", url, auth, {"forecast_date": "2027-01-01", "version": 1})
    missing = send(client, "patch", url, auth, {"forecast_date": "2027-01-01"})
    invalid = send(client, "patch", url, auth, {"status": "done", "version": 2})

    assert first.status_code == 200
    assert first.json()["version"] == 2
    assert stale.status_code == 409
    assert stale.json()["current"]["forecast_date"] == "2026-12-01"
    assert stale.json()["detail"].startswith(
        "This record changed since you read it: it is at version 2"
    )
    assert missing.status_code == 400
    assert missing.json() == {
        "version": ["Give the version you read (it guards against lost updates)."]
    }
    assert invalid.status_code == 400
    assert invalid.json() == {
        "actual_date": ["Give the date the milestone was reached to mark it done."]
    }
    milestone.refresh_from_db()
    assert (milestone.forecast_date, milestone.version) == (dt.date(2026, 12, 1), 2)
    latest = milestone.history.first()
    assert (latest.history_user, latest.history_change_reason) == (user, "API")


def test_a_tpm_cannot_create_in_or_move_into_another_program(client, portfolio, user_for):
    auth = bearer(user_for(Role.TPM))
    lead = portfolio["project"].lead.email
    project = {
        "code": "CHK-77", "program": "CHK", "name": "Sneaky", "lead": lead,
        "baseline_start": "2026-01-01", "baseline_end": "2026-03-01",
        "forecast_start": "2026-01-01", "forecast_end": "2026-03-01",
    }  # fmt: skip

    created = send(client, "post", reverse("api:project-list"), auth, project)
    moved = send(
        client, "patch", reverse("api:project-detail", args=["PAY-01"]), auth,
        {"program": "CHK", "version": portfolio["project"].version},
    )  # fmt: skip
    foreign = send(
        client, "patch", reverse("api:project-detail", args=["CHK-01"]), auth,
        {"name": "Mine now", "version": 1},
    )  # fmt: skip

    assert created.status_code == 400
    assert created.json() == {"detail": "You may not add or move records into program CHK."}
    assert moved.status_code == 400
    assert foreign.status_code == 404  # outside the programs the TPM may change
    assert not Project.objects.filter(code="CHK-77").exists()
    assert Project.objects.get(code="PAY-01").program.code == "PAY"
    assert Project.objects.get(code="CHK-01").name != "Mine now"


def test_a_tpm_creates_a_project_in_their_program(client, portfolio, user_for):
    auth = bearer(user_for(Role.TPM))
    body = {
        "code": "PAY-02", "program": "PAY", "name": "Card vault",
        "lead": portfolio["project"].lead.email,
        "baseline_start": "2026-01-01", "baseline_end": "2026-03-01",
        "forecast_start": "2026-01-01", "forecast_end": "2026-02-01",
    }  # fmt: skip

    response = send(client, "post", reverse("api:project-list"), auth, body)

    assert response.status_code == 201
    assert response.json()["code"] == "PAY-02"
    assert Project.objects.get(code="PAY-02").history.get().history_change_reason == "API"


def test_a_status_report_keeps_the_computed_health_and_asks_why_it_differs(
    client, portfolio, user_for
):
    user = user_for(Role.TPM)
    auth = bearer(user)
    body = {
        "program": "PAY", "report_date": "2026-11-20", "overall": "green", "schedule": "green",
        "budget": "green", "scope": "green", "summary": "All good",
        "author": portfolio["program"].tpm.email,
    }  # fmt: skip
    url = reverse("api:status-report-list")

    unexplained = send(client, "post", url, auth, body)
    explained = send(client, "post", url, auth, {**body, "variance_reason": "Recovery agreed"})

    assert unexplained.status_code == 400
    assert unexplained.json() == {
        "variance_reason": ["You report green but the data gives red: say why they differ."]
    }
    assert explained.status_code == 201
    report = StatusReport.objects.get(report_date=dt.date(2026, 11, 20), project__isnull=True)
    assert (report.overall, report.computed, report.variance_reason) == (
        "green",
        "red",
        "Recovery agreed",
    )
    assert report.computed_reasons.startswith("Red: key milestone 'Beta' is ")
    assert explained.json()["computed"] == "red"
    assert report.history.get().history_user == user


def test_lists_take_the_pages_filters(client, portfolio, user_for):
    auth = bearer(user_for(Role.VIEWER))
    late_key = Milestone.objects.filter(is_key=True).count()

    programs = client.get(reverse("api:program-list") + "?q=pay", **auth).json()
    keys = client.get(reverse("api:milestone-list") + "?key=true", **auth).json()
    deps = client.get(
        reverse("api:dependency-list") + f"?program={portfolio['other_program'].pk}", **auth
    ).json()
    bad = client.get(reverse("api:milestone-list") + "?window=forever", **auth)

    assert [p["code"] for p in programs["results"]] == ["PAY"]
    assert keys["count"] == late_key == 1
    assert deps["count"] == 1
    assert bad.status_code == 400


def test_the_schema_and_docs_are_served(client):
    schema = client.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    docs = client.get(reverse("api:docs"))

    assert schema.status_code == 200
    spec = json.loads(schema.content)
    assert spec["openapi"].startswith("3.")
    assert "/api/milestones/{id}/" in spec["paths"]
    assert spec["components"]["securitySchemes"]["personalToken"]["scheme"] == "bearer"
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()


# The token with its user, the role, the count and the page; programs prefetch objectives.
LISTS = [
    ("api:program-list", 5), ("api:project-list", 4), ("api:milestone-list", 4),
    ("api:dependency-list", 4), ("api:risk-list", 4), ("api:status-report-list", 4),
    ("api:budget-line-list", 4),
]  # fmt: skip


@pytest.mark.parametrize(("name", "expected"), LISTS)
def test_list_queries_do_not_grow_with_the_data(client, portfolio, user_for, name, expected):
    auth = bearer(user_for(Role.TPM))
    url = reverse(name) + "?page_size=500"
    client.get(url, **auth)  # the token's first use is written down once

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, **auth)
        assert response.status_code == 200
        return len(queries), response.json()["count"]

    small, rows = count()
    grow_portfolio(3)
    large, more = count()
    assert (small, large) == (expected, expected)
    assert more > rows


def test_the_token_page_issues_the_same_queries_at_10x(
    client, portfolio, user_for, django_assert_num_queries
):
    user = user_for(Role.TPM)
    client.force_login(user)
    ApiToken.issue(user, "one")

    with django_assert_num_queries(4):  # session, user, role, the tokens
        client.get(reverse("api-tokens"))
    grow_portfolio(9)
    ApiToken.issue(user, "two")
    with django_assert_num_queries(4):
        client.get(reverse("api-tokens"))
