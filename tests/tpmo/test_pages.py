"""Every URL of the site, by role; the sign-in flow; the home page's queries stay flat."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from programs import factories as pf
from tests.conftest import add_programs
from tpmo.roles import Role

ROLES = [Role.ADMIN, Role.DIRECTOR, Role.TPM, Role.VIEWER, None]  # None: signed in, no role
ANON = "anonymous"

# url name → (how to build the URL, {role: expected status}); a 302 for anonymous is the login
# redirect. The admin has its own tests (tests/tpmo/test_admin.py).
MATRIX = {
    "home": (lambda p: reverse("home"), {ANON: 302, **dict.fromkeys(ROLES, 200)}),
    "login": (lambda p: reverse("login"), {ANON: 200, **dict.fromkeys(ROLES, 200)}),
    "logout": (lambda p: reverse("logout"), {ANON: 302, **dict.fromkeys(ROLES, 405)}),
    "password_change": (
        lambda p: reverse("password_change"),
        {ANON: 302, **dict.fromkeys(ROLES, 200)},
    ),
    "password_change_done": (
        lambda p: reverse("password_change_done"),
        {ANON: 302, **dict.fromkeys(ROLES, 200)},
    ),
    "healthz": (lambda p: reverse("healthz"), {ANON: 200, **dict.fromkeys(ROLES, 200)}),
    "favicon": (lambda p: reverse("favicon"), {ANON: 301, **dict.fromkeys(ROLES, 301)}),
}


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
def test_url_role_matrix(client, make_user, portfolio, name, role):
    build, expected = MATRIX[name]
    if role != ANON:
        client.force_login(make_user(role))

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
def test_home_lists_the_tpms_own_programs(client, make_user, portfolio):
    client.force_login(make_user(Role.TPM, person=portfolio["program"].tpm))

    response = client.get(reverse("home"))

    assert [p.code for p in response.context["programs"]] == ["PAY"]
    assert response.context["size"].programs == 2
    assert "My programs" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.TPM, Role.DIRECTOR, Role.VIEWER])
def test_home_issues_the_same_number_of_queries_whatever_the_size(
    client, make_user, django_assert_num_queries, role
):
    person = pf.PersonFactory()
    client.force_login(make_user(role, person=person))
    add_programs(2, tpm=person, director=person)

    # session, user, groups (role), programs, three counts
    with django_assert_num_queries(7):
        small = client.get(reverse("home"))
    add_programs(12, tpm=person, director=person)
    with django_assert_num_queries(7):
        large = client.get(reverse("home"))

    assert (len(small.context["programs"]), len(large.context["programs"])) == (2, 14)
