"""iCalendar feeds at secret, rotatable addresses: valid RFC 5545, stable UIDs, SEQUENCE that
follows the record, the owner's scope, and old addresses dead after a rotation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from programs import factories as pf
from tests.conftest import grow_portfolio
from tpmo import calendars
from tpmo.roles import Role

pytestmark = pytest.mark.django_db


def events(response):
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["version"]) == "2.0"
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


@pytest.fixture
def tpm(user_for, portfolio):
    return user_for(Role.TPM)  # acts as PAY's TPM


def test_the_portfolio_feed_has_each_key_milestone_once_on_its_forecast(tpm, portfolio):
    milestone = portfolio["milestone"]
    url = reverse("calendar-portfolio", args=[calendars.token_for(tpm)])

    found = events(Client().get(url))  # no sign-in: the address is the key

    event = found[f"milestone-{milestone.pk}@tpmo"]
    assert event.decoded("dtstart") == milestone.forecast_date
    assert event.decoded("dtend") == milestone.forecast_date + dt.timedelta(days=1)
    assert str(event["summary"]) == "PAY · Beta (key)"
    assert int(event["sequence"]) == milestone.version
    assert str(event["url"]).endswith("/projects/PAY-01/")
    assert len(found) == 1


def test_a_moved_forecast_moves_the_event_with_a_higher_sequence(tpm, portfolio):
    milestone = portfolio["milestone"]
    url = reverse("calendar-program", args=[calendars.token_for(tpm), "PAY"])
    before = events(Client().get(url))[f"milestone-{milestone.pk}@tpmo"]

    milestone.forecast_date += dt.timedelta(days=9)
    milestone.save()
    after = events(Client().get(url))[f"milestone-{milestone.pk}@tpmo"]

    assert after.decoded("dtstart") == before.decoded("dtstart") + dt.timedelta(days=9)
    assert int(after["sequence"]) == int(before["sequence"]) + 1


def test_my_feed_has_the_milestones_i_own(tpm, portfolio):
    mine = pf.MilestoneFactory(project=portfolio["project"], owner=portfolio["person"], name="Mine")
    pf.MilestoneFactory(project=portfolio["project"], name="Not mine")

    found = events(Client().get(reverse("calendar-mine", args=[calendars.token_for(tpm)])))

    assert [str(event["summary"]) for event in found.values()] == ["PAY · Mine"]
    assert f"milestone-{mine.pk}@tpmo" in found


def test_rotating_kills_the_old_addresses(client, tpm):
    old = calendars.token_for(tpm)
    assert calendars.token_for(tpm) == old  # the same address until it is rotated
    client.force_login(tpm)

    page = client.get(reverse("calendar-settings"))
    assert old in page.content.decode()
    client.post(reverse("calendar-settings"))

    assert Client().get(reverse("calendar-portfolio", args=[old])).status_code == 404
    new = calendars.token_for(tpm)
    assert new != old
    assert Client().get(reverse("calendar-portfolio", args=[new])).status_code == 200


@pytest.mark.parametrize("token", ["", "nonsense", "W1sxLDFd:forged:signature", "a" * 500])
def test_a_bad_address_is_not_found(token, tpm):
    url = f"/calendar/{token}/portfolio.ics" if token else "/calendar//portfolio.ics"

    assert Client().get(url).status_code == 404


def test_a_program_outside_the_owners_view_is_not_found(make_user, portfolio):
    nobody = make_user(None, username="nobody")  # no role: sees no program

    response = Client().get(reverse("calendar-program", args=[calendars.token_for(nobody), "PAY"]))

    assert response.status_code == 404


def test_text_is_escaped_as_rfc_5545_asks(tpm, portfolio):
    milestone = portfolio["milestone"]
    milestone.name = "Beta, phase; one\nBEGIN:VEVENT"
    milestone.save()

    found = events(Client().get(reverse("calendar-portfolio", args=[calendars.token_for(tpm)])))

    assert len(found) == 1  # no injected event
    assert str(found[f"milestone-{milestone.pk}@tpmo"]["summary"]) == (
        "PAY · Beta, phase; one\nBEGIN:VEVENT (key)"
    )


@pytest.mark.parametrize(("name", "queries"), [("portfolio", 3), ("mine", 3), ("settings", 5)])
def test_calendar_queries_do_not_grow(
    client, tpm, portfolio, django_assert_num_queries, name, queries
):
    client.force_login(tpm)
    token = calendars.token_for(tpm)
    url = (
        reverse("calendar-settings")
        if name == "settings"
        else reverse(f"calendar-{name}", args=[token])
    )
    anyone = Client()
    fetch = client.get if name == "settings" else anyone.get
    grow_portfolio(1)
    with django_assert_num_queries(queries):
        assert fetch(url).status_code == 200
    grow_portfolio(9)
    with django_assert_num_queries(queries):
        assert fetch(url).status_code == 200
