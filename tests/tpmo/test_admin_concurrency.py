"""Every editable model refuses, in the admin, a save over a version someone else saved after the
form was opened — inlines and many-to-many fields included — and saves once it is reopened."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.db import models
from django.urls import reverse

from tpmo.roles import Role

VERSIONED = sorted(
    (
        model
        for model in admin.site._registry
        if model._meta.app_label in {"programs", "risks"}
        and any(field.name == "version" for field in model._meta.fields)
    ),
    key=lambda model: model.__name__,
)


def _posted(value):
    if isinstance(value, bool):
        return "on" if value else None
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return value


def _form_data(response) -> dict:
    """What the browser would send back for the change page as it was opened."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms += [formset.management_form, *formset.forms]
    for form in forms:
        for name in form.fields:
            value = _posted(form[name].value())
            if value is not None:
                data[form.add_prefix(name)] = value
    return data


def _text_field(model) -> str | None:
    for field in model._meta.concrete_fields:
        if (
            isinstance(field, models.TextField | models.CharField)
            and field.editable
            and not field.choices
            and not field.unique
            and not isinstance(field, models.EmailField)
            and field.name != "key"
        ):
            return field.name
    return None


def test_every_versioned_model_is_here():
    assert len(VERSIONED) == 18


@pytest.mark.django_db
@pytest.mark.parametrize("model", VERSIONED, ids=lambda model: model.__name__)
def test_an_admin_save_over_someone_elses_is_refused_then_succeeds_reopened(
    client, make_user, portfolio, model
):
    client.force_login(make_user(Role.ADMIN))
    record = model.objects.order_by("pk").first()
    url = reverse(
        f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[record.pk]
    )
    data = _form_data(client.get(url))
    text = _text_field(model)
    if text is not None:
        data[text] = "Mine."
    theirs = model.objects.get(pk=record.pk)  # someone else saves first
    theirs.save()

    refused = client.post(url, data)

    assert refused.status_code == 200
    assert "Someone else saved this" in refused.content.decode()
    record.refresh_from_db()
    assert record.version == theirs.version
    data["seen_version"] = record.version  # opened again
    saved = client.post(url, data)
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    record.refresh_from_db()
    assert record.version == theirs.version + 1
    if text is not None:
        assert getattr(record, text) == "Mine."
