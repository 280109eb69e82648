"""The admin: only TPMO admins get in; every page answers with data present; changes are kept."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from programs.models import Milestone
from risks.models import Risk
from tpmo.roles import Role

DOMAIN_MODELS = [
    model for model in admin.site._registry if model._meta.app_label in {"programs", "risks"}
]
PAGES = ["changelist", "add", "change", "history"]


def _url(model, page, obj=None):
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}"
    return reverse(name, args=[obj.pk]) if obj is not None else reverse(name)


def test_every_domain_model_is_registered():
    from django.apps import apps

    models = {
        model
        for label in ("programs", "risks")
        for model in apps.get_app_config(label).get_models()
        if not model.__name__.startswith("Historical")
    }
    assert models == set(DOMAIN_MODELS)


@pytest.mark.django_db
@pytest.mark.parametrize("model", DOMAIN_MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("page", PAGES)
def test_admin_pages_answer_200_with_data_present(client, make_user, portfolio, model, page):
    client.force_login(make_user(Role.ADMIN))
    obj = model.objects.first()
    assert obj is not None, f"the portfolio fixture has no {model.__name__}"

    response = client.get(_url(model, page, obj if page in {"change", "history"} else None))

    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.TPM, Role.VIEWER, None])
def test_only_tpmo_admins_enter_the_admin_even_with_staff_status(client, make_user, role):
    user = make_user(role)
    user.is_staff = True  # a mistaken staff flag does not open the admin
    user.save()
    client.force_login(user)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.django_db
def test_an_admin_change_is_kept_with_who_when_and_what(client, make_user, portfolio):
    admin_user = make_user(Role.ADMIN)
    client.force_login(admin_user)
    milestone = portfolio["milestone"]
    url = _url(Milestone, "change", milestone)
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if name in form.fields and value is not None
    }
    data.update(forecast_date="2026-04-15", owner=milestone.owner_id or "", actual_date="")

    response = client.post(url, data)

    assert response.status_code == 302
    latest = milestone.history.latest()
    assert latest.history_user == admin_user
    assert latest.history_type == "~"
    assert str(latest.forecast_date) == "2026-04-15"
    delta = latest.diff_against(latest.prev_record)
    assert [change.field for change in delta.changes] == ["forecast_date"]


@pytest.mark.django_db
def test_admin_actions_mark_milestones_done_and_close_risks_with_history(
    client, make_user, portfolio
):
    admin_user = make_user(Role.ADMIN)
    client.force_login(admin_user)
    milestone, risk = portfolio["milestone"], portfolio["risk"]

    client.post(
        _url(Milestone, "changelist"),
        {"action": "mark_done", "_selected_action": [milestone.pk]},
    )
    client.post(_url(Risk, "changelist"), {"action": "close", "_selected_action": [risk.pk]})

    milestone.refresh_from_db()
    risk.refresh_from_db()
    assert milestone.status == "done"
    assert milestone.actual_date is not None
    assert milestone.history.latest().history_change_reason == "Marked done"
    assert risk.status == "closed"
    assert risk.history.latest().history_user == admin_user


@pytest.mark.django_db
def test_deleting_a_program_with_projects_is_refused(client, make_user, portfolio):
    client.force_login(make_user(Role.ADMIN))
    program = portfolio["program"]

    response = client.post(
        reverse("admin:programs_program_delete", args=[program.pk]), {"post": "yes"}
    )

    assert response.status_code == 200
    assert b"would require deleting the following protected related objects" in response.content
    assert type(program).objects.filter(pk=program.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["milestone", "risk"])  # the risk admin has fieldsets
def test_an_admin_edit_opened_before_someone_elses_save_is_refused(
    client, make_user, portfolio, name
):
    client.force_login(make_user(Role.ADMIN))
    record = portfolio[name]
    model = type(record)
    url = _url(model, "change", record)
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if name in form.fields and value is not None and not isinstance(value, list)
    }
    text = "description" if name == "milestone" else "mitigation_plan"
    data[text] = "Mine."
    data.update({key: [item.pk for item in value.all()] for key, value in _many(record).items()})
    other = model.objects.get(pk=record.pk)  # someone else saves first
    setattr(other, text, "Theirs.")
    other.save()

    refused = client.post(url, data)

    assert refused.status_code == 200
    assert "Someone else saved this" in refused.content.decode()
    record.refresh_from_db()
    assert getattr(record, text) == "Theirs."
    data["seen_version"] = record.version  # opened again: now it saves
    assert client.post(url, data).status_code == 302
    record.refresh_from_db()
    assert getattr(record, text) == "Mine."


def _many(record):
    return {field.name: getattr(record, field.name) for field in record._meta.many_to_many}


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["program", "project", "person"])
def test_deleting_a_record_with_children_is_refused_with_a_message(
    client, make_user, portfolio, name
):
    client.force_login(make_user(Role.ADMIN))
    record = portfolio[name]
    url = _url(type(record), "delete", record)

    page = client.get(url)
    refused = client.post(url, {"post": "yes"})

    assert page.status_code == 200
    assert "would require deleting the following protected related objects" in (
        page.content.decode()
    )
    assert refused.status_code == 200
    assert type(record).objects.filter(pk=record.pk).exists()
