"""Risk and assumption actions through the UI: permissions, validation, history, lost updates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from programs import factories as pf
from risks import factories as rf
from risks import services
from risks.models import Issue, Risk
from tpmo.roles import Role


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def tpm(client, user_for):
    user = user_for(Role.TPM)  # owns PAY
    client.force_login(user)
    return user


def risk_post(program, **overrides):
    data = {
        "project": "",
        "title": "Vendor API limits",
        "category": "technical",
        "status": "assessed",
        "owner": program.tpm.pk,
        "cause": "Because the API is new,",
        "event": "limits may be low,",
        "effect": "so checkout fails at peak.",
        "inherent_probability": "4",
        "inherent_impact": "5",
        "residual_probability": "2",
        "residual_impact": "5",
        "cost_impact": "80000",
        "schedule_impact_days": "10",
        "response": "mitigate",
        "mitigation_plan": "Load test",
        "contingency_plan": "",
        "trigger": "",
        "identified_on": "2026-05-01",
        "proximity_date": "",
        "next_review_date": "2026-05-15",
        "version": "",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_creating_a_risk(client, tpm, portfolio):
    program = portfolio["program"]

    response = client.post(
        reverse("risk-new", args=["PAY"]),
        risk_post(program, milestones=[portfolio["milestone"].pk]),
    )

    risk = Risk.objects.get(title="Vendor API limits")
    assert response["Location"] == reverse("risk-detail", args=[risk.pk])
    assert (risk.inherent_score, risk.residual_score, str(risk.expected_monetary_value)) == (
        20,
        10,
        "24000.00",
    )
    assert list(risk.milestones.all()) == [portfolio["milestone"]]
    assert risk.history.latest().history_user == tpm


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "inherent_probability",
            "0",
            "Choose a level from 1 (lowest) to 5 (highest).",
        ),
        ("residual_impact", "6", "Choose a level from 1 (lowest) to 5 (highest)."),
        ("cost_impact", "-1", "Ensure this value is greater than or equal to 0."),
        (
            "next_review_date",
            "2026-04-01",
            "The next review cannot be before the risk was identified.",
        ),
    ],
)
def test_bad_input_is_refused_next_to_the_field(client, tpm, portfolio, field, value, message):
    before = Risk.objects.count()

    response = client.post(
        reverse("risk-new", args=["PAY"]), risk_post(portfolio["program"], **{field: value})
    )

    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert Risk.objects.count() == before


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "fields",
    [
        {"inherent_probability": 0},
        {"residual_impact": 6},
        {"cost_impact": -1},
        {"identified_on": dt.date(2026, 5, 1), "next_review_date": dt.date(2026, 4, 1)},
    ],
)
def test_the_database_refuses_the_same(fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        rf.RiskFactory(**fields)
    assert Risk.objects.count() == 0


@pytest.mark.django_db
def test_a_stale_risk_edit_is_refused_and_shows_what_is_saved(client, tpm, portfolio, make_user):
    risk = portfolio["risk"]
    opened = risk.version
    risk.title = "Changed by someone else"
    services.risk_save(risk=risk, by=make_user(Role.ADMIN), expected_version=opened)

    response = client.post(
        reverse("risk-edit", args=[risk.pk]),
        risk_post(portfolio["program"], title="My title", version=opened, project=risk.project_id),
    )

    assert response.status_code == 409
    assert 'Saved now: "Changed by someone else"' in response.content.decode()
    risk.refresh_from_db()
    assert risk.title == "Changed by someone else"


@pytest.mark.django_db
def test_a_review_rescores_and_the_score_history_shows_it(client, tpm, portfolio, today):
    risk = portfolio["risk"]  # residual 2 × 3

    client.post(
        reverse("risk-review", args=[risk.pk]),
        {
            "version": risk.version,
            "reviewed_on": today.isoformat(),
            "next_review_date": (today + dt.timedelta(days=14)).isoformat(),
            "residual_probability": "4",
            "residual_impact": "",
            "status": "mitigating",
        },
    )

    risk.refresh_from_db()
    assert (risk.residual_score, risk.last_reviewed_on, risk.status) == (12, today, "mitigating")
    page = client.get(reverse("risk-detail", args=[risk.pk]))
    assert [(p.inherent, p.residual, p.status) for p in page.context["scores"]] == [
        (12, 6, "Assessed"),
        (12, 12, "Mitigating"),
    ]


@pytest.mark.django_db
def test_a_review_whose_next_date_is_not_later_is_refused(client, tpm, portfolio, today):
    risk = portfolio["risk"]
    before = risk.version

    response = client.post(
        reverse("risk-review", args=[risk.pk]),
        {
            "version": risk.version,
            "reviewed_on": today.isoformat(),
            "next_review_date": today.isoformat(),
        },
    )

    assert "The next review comes after this one." in response.content.decode()
    risk.refresh_from_db()
    assert risk.version == before


@pytest.mark.django_db
def test_escalate_close_and_convert(client, tpm, portfolio, today):
    risk = portfolio["risk"]
    other = rf.RiskFactory(program=portfolio["program"], title="Other")

    client.post(reverse("risk-escalate", args=[risk.pk]), {"version": risk.version})
    risk.refresh_from_db()
    assert risk.project_id is None

    client.post(reverse("risk-convert", args=[risk.pk]), {"version": risk.version})
    risk.refresh_from_db()
    issue = Issue.objects.get(source_risk=risk)
    assert (risk.status, issue.title, issue.raised_on, issue.severity) == (
        "occurred",
        risk.title,
        today,
        "high",
    )
    assert issue.history.latest().history_change_reason == "From an occurred risk"
    again = client.post(reverse("risk-convert", args=[risk.pk]), follow=True)
    assert Issue.objects.filter(source_risk=risk).count() == 1
    assert "already become an issue" in again.content.decode() or risk.is_open is False

    client.post(reverse("risk-close", args=[other.pk]))
    other.refresh_from_db()
    assert (other.status, other.closed_on) == ("closed", today)


@pytest.mark.django_db
def test_risk_actions_are_refused_to_a_viewer(client, make_user, portfolio):
    client.force_login(make_user(Role.VIEWER))
    risk = portfolio["risk"]

    responses = [
        client.post(reverse(name, args=[risk.pk]), {"version": risk.version})
        for name in ("risk-escalate", "risk-close", "risk-convert", "risk-review")
    ]

    assert [r.status_code for r in responses] == [403, 403, 403, 403]
    risk.refresh_from_db()
    assert (risk.status, risk.project_id, risk.history.count()) == (
        "assessed",
        portfolio["project"].pk,
        1,
    )


@pytest.mark.django_db
def test_an_invalidated_assumption_raises_a_linked_risk(client, tpm, portfolio, today):
    assumption = portfolio["assumption"]

    client.post(
        reverse("assumption-check", args=[assumption.pk]),
        {
            "version": assumption.version,
            "outcome": "invalid",
            "checked_on": today.isoformat(),
            "notes": "Platform team booked",
            "raise_risk_titled": "Migration slot lost",
        },
    )

    assumption.refresh_from_db()
    raised = Risk.objects.get(title="Migration slot lost")
    assert (assumption.status, assumption.validated_on) == ("invalidated", today)
    assert raised.source_assumption == assumption
    assert raised.program == assumption.program


@pytest.mark.django_db
def test_a_validated_assumption_raises_nothing(client, tpm, portfolio, today):
    assumption = portfolio["assumption"]

    response = client.post(
        reverse("assumption-check", args=[assumption.pk]),
        {
            "version": assumption.version,
            "outcome": "valid",
            "checked_on": today.isoformat(),
            "raise_risk_titled": "X",
        },
    )

    assert "A validated assumption raises no risk." in response.content.decode()
    assumption.refresh_from_db()
    assert assumption.status == "unvalidated"
    assert pf.ProgramFactory._meta.model.objects.count() == 2


@pytest.mark.django_db
def test_a_risk_page_writes_its_money_as_every_money_figure_is_written(client, tpm, portfolio):
    risk = portfolio["risk"]
    risk.cost_impact = Decimal("490000.00")
    risk.residual_probability = 1
    risk.save()

    body = client.get(reverse("risk-detail", args=[risk.pk])).content.decode()

    assert "<dd>490,000</dd>" in body  # as the register and finance write it: no cents
    assert "49,000</td>" in body  # EMV: 10 % of it
