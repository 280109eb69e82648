"""Every URL of the site, by role; the sign-in flow; the home page's queries stay flat."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tpmo.roles import Role

ROLES = [Role.ADMIN, Role.DIRECTOR, Role.TPM, Role.VIEWER, None]  # None: signed in, no role
ANON = "anonymous"
A, D, T, V, N = ROLES


def everyone(status: int, anonymous: int = 302, no_role: int | None = None) -> dict:
    """The same answer for every role (anonymous users are sent to sign in)."""
    return {ANON: anonymous, **dict.fromkeys(ROLES, status), None: no_role or status}


def pay_editors(status: int = 200) -> dict:
    """An edit page of PAY: its TPM and admins in; for the director of other programs it does not
    exist (404); viewers, whose role changes nothing, are refused (403); a user without a role does
    not even see PAY."""
    return {ANON: 302, A: status, D: 404, T: status, V: 403, N: 404}


def api() -> dict:
    """The API with a browser session: every role reads; no token and no session is 401, a user
    without a role 403."""
    return {ANON: 401, **dict.fromkeys(ROLES, 200), None: 403}


# url name → (how to build the URL from the portfolio fixture, {role: expected status}).
# The TPM owns PAY; the director directs CHK. The admin has its own tests (test_admin.py).
MATRIX = {
    "home": (lambda p: reverse("home"), everyone(200)),
    "home-panel": (lambda p: reverse("home-panel", args=["due"]), everyone(200)),
    "program-list": (lambda p: reverse("program-list"), everyone(200)),
    "program-detail": (
        lambda p: reverse("program-detail", args=["PAY"]),
        everyone(200, no_role=404),
    ),
    "program-status-new": (lambda p: reverse("program-status-new", args=["PAY"]), pay_editors()),
    "retrospective-new": (lambda p: reverse("retrospective-new", args=["PAY"]), pay_editors()),
    "project-detail": (
        lambda p: reverse("project-detail", args=["PAY-01"]),
        everyone(200, no_role=404),
    ),
    "project-status-new": (
        lambda p: reverse("project-status-new", args=["PAY-01"]),
        pay_editors(),
    ),
    "project-counters": (
        lambda p: reverse("project-counters", args=["PAY-01"]),
        everyone(200, no_role=404),
    ),
    "milestone-list": (lambda p: reverse("milestone-list"), everyone(200)),
    "milestone-edit": (
        lambda p: reverse("milestone-edit", args=[p["milestone"].pk]),
        pay_editors(),
    ),
    "milestone-row": (
        lambda p: reverse("milestone-row", args=[p["milestone"].pk]),
        everyone(200, no_role=404),
    ),
    "dependency-new": (
        lambda p: reverse("dependency-new"),
        {ANON: 302, A: 200, D: 200, T: 200, V: 403, N: 403},
    ),
    "dependency-edit": (  # PAY-01 → CHK-01: both the PAY TPM and the CHK director may edit it
        lambda p: reverse("dependency-edit", args=[p["dependency"].pk]),
        {ANON: 302, A: 200, D: 200, T: 200, V: 403, N: 404},
    ),
    "action-done": (  # POST only
        lambda p: reverse("action-done", args=[p["action_item"].pk]),
        everyone(405),
    ),
    "risk-list": (lambda p: reverse("risk-list"), everyone(200)),
    "risk-detail": (
        lambda p: reverse("risk-detail", args=[p["risk"].pk]),
        everyone(200, no_role=404),
    ),
    "risk-edit": (lambda p: reverse("risk-edit", args=[p["risk"].pk]), pay_editors()),
    "risk-new": (lambda p: reverse("risk-new", args=["PAY"]), pay_editors()),
    "risk-review": (lambda p: reverse("risk-review", args=[p["risk"].pk]), everyone(405)),
    "risk-escalate": (lambda p: reverse("risk-escalate", args=[p["risk"].pk]), everyone(405)),
    "risk-close": (lambda p: reverse("risk-close", args=[p["risk"].pk]), everyone(405)),
    "risk-convert": (lambda p: reverse("risk-convert", args=[p["risk"].pk]), everyone(405)),
    "issue-list": (lambda p: reverse("issue-list"), everyone(200)),
    "issue-detail": (
        lambda p: reverse("issue-detail", args=[p["issue"].pk]),
        everyone(200, no_role=404),
    ),
    "decision-list": (lambda p: reverse("decision-list"), everyone(200)),
    "decision-detail": (
        lambda p: reverse("decision-detail", args=[p["decision"].pk]),
        everyone(200, no_role=404),
    ),
    "assumption-list": (lambda p: reverse("assumption-list"), everyone(200)),
    "assumption-detail": (
        lambda p: reverse("assumption-detail", args=[p["assumption"].pk]),
        everyone(200, no_role=404),
    ),
    "assumption-check": (
        lambda p: reverse("assumption-check", args=[p["assumption"].pk]),
        everyone(405),
    ),
    "project-actuals": (lambda p: reverse("project-actuals", args=["PAY-01"]), pay_editors()),
    "portfolio-finance": (
        lambda p: reverse("portfolio-finance"),
        {ANON: 302, A: 200, D: 200, T: 403, V: 403, N: 403},
    ),
    **{
        name: (
            lambda p, name=name: reverse(name),
            {ANON: 302, A: 200, D: 200, T: 403, V: 403, N: 403},
        )
        for name in (
            "portfolio-review",
            "portfolio-kpis",
            "portfolio-changes",
            "portfolio-people",
            "portfolio-objectives",
        )
    },
    "calendar-settings": (lambda p: reverse("calendar-settings"), everyone(200)),
    # Feeds answer whoever holds the address (a calendar app signs in to nothing); this one
    # belongs to a user with no role, who sees no program.
    "calendar-portfolio": (
        lambda p: reverse("calendar-portfolio", args=[_calendar_token()]),
        everyone(200, anonymous=200),
    ),
    "calendar-mine": (
        lambda p: reverse("calendar-mine", args=[_calendar_token()]),
        everyone(200, anonymous=200),
    ),
    "calendar-program": (
        lambda p: reverse("calendar-program", args=[_calendar_token(), "PAY"]),
        everyone(404, anonymous=404),
    ),
    "import-start": (
        lambda p: reverse("import-start"),
        {ANON: 302, A: 200, D: 200, T: 200, V: 403, N: 403},
    ),
    # Someone else's upload: hidden from every importer, refused to the others.
    "import-batch": (
        lambda p: reverse("import-batch", args=[_import_batch().pk]),
        {ANON: 302, A: 404, D: 404, T: 404, V: 403, N: 403},
    ),
    "import-template": (lambda p: reverse("import-template", args=["milestones"]), everyone(200)),
    "export-data": (
        lambda p: reverse("export-data") + "?kind=milestones&program=PAY",
        everyone(200, no_role=404),
    ),
    "api-tokens": (lambda p: reverse("api-tokens"), everyone(200)),
    "api-token-revoke": (lambda p: reverse("api-token-revoke", args=[1]), everyone(405)),
    "api:schema": (lambda p: reverse("api:schema"), everyone(200, anonymous=200)),
    "api:docs": (lambda p: reverse("api:docs"), everyone(200, anonymous=200)),
    **{
        f"api:{name}": (lambda p, name=name, args=args: reverse(f"api:{name}", args=args(p)), api())
        for name, args in [
            ("program-list", lambda p: []),
            ("program-detail", lambda p: ["PAY"]),
            ("project-list", lambda p: []),
            ("project-detail", lambda p: ["PAY-01"]),
            ("milestone-list", lambda p: []),
            ("milestone-detail", lambda p: [p["milestone"].pk]),
            ("dependency-list", lambda p: []),
            ("dependency-detail", lambda p: [p["dependency"].pk]),
            ("risk-list", lambda p: []),
            ("risk-detail", lambda p: [p["risk"].pk]),
            ("status-report-list", lambda p: []),
            ("status-report-detail", lambda p: [p["status_report"].pk]),
            ("budget-line-list", lambda p: []),
            ("budget-line-detail", lambda p: [p["budget_line"].pk]),
        ]
    },
    "impact": (
        lambda p: reverse("impact") + "?project=PAY-01&milestone=Beta&days=5",
        everyone(200),
    ),
    "program-timeline": (
        lambda p: reverse("program-timeline", args=["PAY"]),
        everyone(200, no_role=404),
    ),
    "program-dependencies": (
        lambda p: reverse("program-dependencies", args=["PAY"]),
        everyone(200, no_role=404),
    ),
    "portfolio-timeline": (lambda p: reverse("portfolio-timeline"), everyone(200)),
    "portfolio-dependencies": (lambda p: reverse("portfolio-dependencies"), everyone(200)),
    "login": (lambda p: reverse("login"), everyone(200, anonymous=200)),
    "logout": (lambda p: reverse("logout"), everyone(405)),
    "password_change": (lambda p: reverse("password_change"), everyone(200)),
    "password_change_done": (lambda p: reverse("password_change_done"), everyone(200)),
    "healthz": (lambda p: reverse("healthz"), everyone(200, anonymous=200)),
    "favicon": (lambda p: reverse("favicon"), everyone(301, anonymous=301)),
}


def _import_batch():
    from integrations.models import ImportBatch
    from programs.factories import UserFactory

    owner = UserFactory(username="uploader")
    return ImportBatch.objects.create(user=owner, kind="milestones", filename="a.csv", content=b"x")


def _calendar_token():
    from programs.factories import UserFactory
    from tpmo import calendars

    return calendars.token_for(UserFactory(username="calendar-owner"))


def _named_urls(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _named_urls(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def test_every_url_of_the_site_is_in_the_matrix():
    assert set(_named_urls(get_resolver().url_patterns)) == set(MATRIX)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(MATRIX))
@pytest.mark.parametrize("role", [ANON, *ROLES], ids=lambda r: getattr(r, "name", str(r)))
def test_url_role_matrix(client, user_for, portfolio, name, role):
    build, expected = MATRIX[name]
    if role != ANON:
        client.force_login(user_for(role))

    response = client.get(build(portfolio))

    assert response.status_code == expected[role]


@pytest.mark.django_db
def test_signing_in_and_out(client, make_user):
    make_user(Role.TPM, username="tpm")

    response = client.post(
        reverse("login"), {"username": "tpm", "password": "tpmo-test-password"}, follow=True
    )
    assert response.redirect_chain == [(reverse("home"), 302)]
    assert response.context["user_role"] is Role.TPM

    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_a_wrong_password_says_so_and_signs_nobody_in(client, make_user):
    make_user(Role.TPM, username="tpm")

    response = client.post(reverse("login"), {"username": "tpm", "password": "nope"})

    assert response.status_code == 200
    assert "Please enter a correct username and password." in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_every_url_sends_the_strict_headers(client, user_for, portfolio, name):
    build, _ = MATRIX[name]
    client.force_login(user_for(A))

    response = client.get(build(portfolio))

    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy  # with a nonce where the page has a script tag
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "no-store" in response["Cache-Control"]
