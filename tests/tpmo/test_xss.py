"""Stored-XSS sweep: every free-text field of every record holds a hostile payload, and no page,
fragment or export of the site turns it into markup."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

from tests.tpmo.test_pages import MATRIX
from tpmo.roles import Role

PAYLOAD = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
MARKUP = ("<script>alert(1)", "<img src=x onerror")
# Every URL answering HTML (the calendar feeds are text/calendar: tested in test_calendars; the API
# answers JSON and the import-format exports CSV, both checked below).
NOT_HTML = ("calendar-", "api:", "export-data", "import-template")
HTML_URLS = sorted(
    name for name in MATRIX if not name.startswith(NOT_HTML) or name == "calendar-settings"
)
FORMULA = '=HYPERLINK("http://evil.example","x")'


def _text_fields(model: type[models.Model]) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not isinstance(field, models.EmailField)
        and not field.choices
        and not field.unique
        and field.name not in {"code", "version", "history_change_reason"}
    ]


def fill(value: str) -> None:
    """Set every free-text field of every portfolio and RAID record to ``value``."""
    for app in ("programs", "risks"):
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical"):
                continue
            fields = _text_fields(model)
            if fields:
                model._default_manager.update(
                    **{field.name: value[: field.max_length or None] for field in fields}
                )


@pytest.fixture
def hostile(portfolio):
    fill(PAYLOAD)
    return portfolio


@pytest.mark.django_db
@pytest.mark.parametrize("name", HTML_URLS)
@pytest.mark.parametrize("role", [Role.ADMIN, Role.TPM])
def test_no_page_turns_stored_text_into_markup(client, user_for, hostile, name, role):
    build, _ = MATRIX[name]
    client.force_login(user_for(role))

    response = client.get(build(hostile))

    body = response.content.decode(errors="replace")
    assert not [markup for markup in MARKUP if markup in body], name


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "program-list",
        "milestone-list",
        "risk-list",
        "issue-list",
        "decision-list",
        "assumption-list",
        "portfolio-finance",
    ],
)
def test_exports_neutralise_formulas(client, user_for, portfolio, url):
    client.force_login(user_for(Role.ADMIN))
    fill(FORMULA)

    response = client.get(reverse(url), {"export": "csv"})

    body = b"".join(response.streaming_content if response.streaming else [response.content])
    text = body.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert "=HYPERLINK" in text  # the name is there …
    assert "\n=HYPERLINK" not in text  # … but never where a spreadsheet would run it
    assert ",=HYPERLINK" not in text
    assert '"=HYPERLINK' not in text


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(name for name in MATRIX if name.startswith("api:")))
def test_the_api_answers_json_that_no_browser_sniffs_as_html(client, user_for, hostile, name):
    build, _ = MATRIX[name]
    client.force_login(user_for(Role.ADMIN))

    response = client.get(build(hostile))

    assert response["Content-Type"].split(";")[0] in (
        "application/json",
        "application/vnd.oai.openapi",
        "text/html",
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    if response["Content-Type"].startswith("text/html"):  # the docs page: no stored text
        assert not [markup for markup in MARKUP if markup in response.content.decode()]


@pytest.mark.django_db
def test_import_format_exports_neutralise_formulas(client, user_for, portfolio):
    fill(FORMULA)
    client.force_login(user_for(Role.ADMIN))

    response = client.get(reverse("export-data") + "?kind=milestones")

    body = b"".join(response.streaming_content).decode()
    assert f"'{FORMULA}".replace('"', '""') in body
    assert f",{FORMULA}" not in body
