"""Sign-in throttling, session lifetimes, signing out everywhere, no-store, security events."""

from __future__ import annotations

import datetime as dt
import logging
import time

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from programs import factories as pf
from tpmo.roles import Role

PASSWORD = "tpmo-test-password"
pytestmark = pytest.mark.django_db


def sign_in(client: Client, username: str, password: str = PASSWORD, ip: str = "10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


@pytest.fixture
def tpm(make_user):
    return make_user(Role.TPM, username="tpm")


def test_five_failures_lock_that_username_from_that_address_until_the_cool_off(
    client, tpm, settings, caplog
):
    caplog.set_level(logging.INFO, logger="tpmo.security")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "tpm", "wrong-password").status_code == 200
    assert sign_in(client, "tpm", "wrong-password").status_code == 429  # the fifth locks

    locked = sign_in(client, "tpm")  # even the right password

    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert sign_in(Client(), "tpm", ip="10.0.0.2").status_code == 302  # another address
    assert "locked out user=tpm ip=10.0.0.1" in caplog.text
    assert "sign-in failed user=tpm ip=10.0.0.1" in caplog.text
    assert "wrong-password" not in caplog.text

    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - dt.timedelta(minutes=1)
    )
    assert sign_in(client, "tpm").status_code == 302


def test_a_success_resets_the_count(client, tpm, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "tpm", "wrong-password")
    assert sign_in(client, "tpm").status_code == 302
    client.post(reverse("logout"))

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "tpm", "wrong-password")

    assert sign_in(client, "tpm").status_code == 302


@pytest.mark.parametrize(
    ("started_ago", "seen_ago", "expired"),
    [
        (60 * 60, 60, False),
        (60 * 60, 121 * 60, True),  # idle past 120 minutes
        (12 * 3600 + 60, 60, True),  # past the 12-hour lifetime, however busy
    ],
)
def test_sessions_end_when_idle_or_too_old(client, tpm, started_ago, seen_ago, expired):
    sign_in(client, "tpm")
    session = client.session
    now = time.time()
    session["tpmo_started"] = now - started_ago
    session["tpmo_seen"] = now - seen_ago
    session.save()

    response = client.get(reverse("program-list"))

    if expired:
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={reverse('program-list')}"
        assert client.get(reverse("home")).status_code == 302
    else:
        assert response.status_code == 200


def test_signing_out_ends_the_users_sessions_on_every_device(tpm):
    laptop, phone = Client(), Client()
    sign_in(laptop, "tpm")
    sign_in(phone, "tpm", ip="10.0.0.9")
    assert phone.get(reverse("home")).status_code == 200

    laptop.post(reverse("logout"))

    assert phone.get(reverse("home")).status_code == 302
    assert Session.objects.count() == 0


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(tpm):
    laptop, phone = Client(), Client()
    sign_in(laptop, "tpm")
    sign_in(phone, "tpm", ip="10.0.0.9")

    changed = laptop.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-passphrase-1",
            "new_password2": "a-new-long-passphrase-1",
        },
    )

    assert changed.status_code == 302
    assert laptop.get(reverse("home")).status_code == 200
    assert phone.get(reverse("home")).status_code == 302
    assert Session.objects.count() == 1


def test_pages_for_signed_in_users_are_never_stored(client, tpm):
    assert "no-store" not in client.get(reverse("healthz")).get("Cache-Control", "")
    sign_in(client, "tpm")

    cache_control = client.get(reverse("program-list"))["Cache-Control"]

    assert set(cache_control.replace(" ", "").split(",")) >= {"no-store", "private"}


def test_forbidden_pages_and_admin_changes_are_security_events(client, make_user, caplog):
    caplog.set_level(logging.INFO, logger="tpmo.security")
    sign_in(client, make_user(Role.TPM, username="tpm").username)

    assert client.get(reverse("portfolio-review")).status_code == 403
    admin = Client()
    admin.force_login(make_user(Role.ADMIN, username="boss"))
    period = pf.FiscalPeriodFactory(name="FY27 Q1")
    admin.post(reverse("admin:programs_fiscalperiod_delete", args=[period.pk]), {"post": "yes"})

    assert "403 user=tpm path=/portfolio/ ip=127.0.0.1" in caplog.text
    assert f"admin deleted user=boss object=fiscalperiod:{period.pk}" in caplog.text
    assert "signed in user=tpm" in caplog.text
