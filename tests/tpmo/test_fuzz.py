"""Property-based fuzzing: whatever a user types into a list's query string or a form, no page
answers 500, nothing outside the user's scope appears, and a refused form changes nothing.
Oversized and over-many-field requests get a clear 400."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programs.models import StatusReport
from risks.models import Risk
from tpmo.roles import Role

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Text a person (or a script) might type: any unicode but the surrogates no browser can send.
TYPED = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40
) | st.sampled_from(["", "0", "-1", "99999999999999999999", "true", "2026-02-30", "PAY", "../"])

LISTS = {
    "program-list": [
        "q",
        "status",
        "health",
        "objective",
        "director",
        "tpm",
        "priority",
        "sort",
        "page",
    ],
    "milestone-list": ["q", "window", "late", "key", "program", "owner", "status", "sort", "page"],
    "risk-list": ["q", "program", "category", "owner", "status", "band", "stale", "sort", "page"],
    "portfolio-kpis": ["objective", "director", "tpm", "program", "period"],
    "portfolio-changes": ["program", "since"],
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(LISTS))
def test_list_query_strings_never_fail_and_never_leave_the_scope(client, user_for, portfolio, name):
    role = Role.DIRECTOR if name.startswith("portfolio") else Role.TPM
    client.force_login(user_for(role))
    visible = {"PAY"} if role is Role.TPM else {"PAY", "CHK"}

    @FUZZ
    @given(st.dictionaries(st.sampled_from(LISTS[name]), TYPED, max_size=4))
    def fuzz(query):
        response = client.get(reverse(name), query)
        assert response.status_code in (200, 400), (query, response.status_code)
        page = response.context.get("page") if response.context else None
        for row in getattr(page, "object_list", []) or []:
            program = getattr(row, "program", None) or getattr(
                getattr(row, "project", None), "program", None
            )
            if program is not None:
                assert program.code in visible, (query, program.code)

    fuzz()


@pytest.mark.django_db
def test_the_status_form_refuses_anything_invalid_and_changes_nothing(client, user_for, portfolio):
    client.force_login(user_for(Role.TPM))
    url = reverse("program-status-new", args=["PAY"])
    fields = [
        "report_date",
        "overall",
        "schedule",
        "budget",
        "scope",
        "summary",
        "stakeholder_satisfaction",
        "variance_reason",
    ]

    @FUZZ
    @given(st.fixed_dictionaries(dict.fromkeys(fields, TYPED)))
    def fuzz(data):
        before = StatusReport.objects.count()
        response = client.post(url, data)
        assert response.status_code in (200, 302, 400)
        if response.status_code == 302:
            assert StatusReport.objects.count() == before + 1
            StatusReport.objects.filter(summary=data["summary"]).delete()
        else:
            assert StatusReport.objects.count() == before

    fuzz()


@pytest.mark.django_db
def test_the_milestone_and_risk_forms_never_fail(client, user_for, portfolio):
    client.force_login(user_for(Role.TPM))
    edit = reverse("milestone-edit", args=[portfolio["milestone"].pk])
    risk_new = reverse("risk-new", args=["PAY"])
    risk_fields = [
        "title",
        "cause",
        "event",
        "effect",
        "category",
        "inherent_probability",
        "inherent_impact",
        "residual_probability",
        "residual_impact",
        "cost_impact",
        "identified_on",
        "program",  # a crafted extra field: the risk stays in PAY whatever it says
    ]

    @FUZZ
    @given(
        st.fixed_dictionaries(
            {"forecast_date": TYPED, "actual_date": TYPED, "status": TYPED, "version": TYPED}
        ),
        st.dictionaries(st.sampled_from(risk_fields), TYPED),
    )
    def fuzz(milestone_data, risk_data):
        assert client.post(edit, milestone_data).status_code in (200, 302, 409)
        before = Risk.objects.count()
        response = client.post(risk_new, risk_data)
        assert response.status_code in (200, 302)
        assert Risk.objects.count() == before + (response.status_code == 302)
        assert set(Risk.objects.values_list("program__code", flat=True)) == {"PAY"}

    fuzz()


@pytest.mark.django_db
def test_oversized_bodies_and_too_many_fields_get_a_clear_400(
    client, user_for, portfolio, settings
):
    client.force_login(user_for(Role.TPM))
    url = reverse("program-status-new", args=["PAY"])
    before = StatusReport.objects.count()

    many = client.post(url, {f"field{number}": "x" for number in range(1001)})
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    large = client.post(url, {"summary": "x" * 20_000})

    for response in (many, large):
        assert response.status_code == 400
        assert "That request could not be read" in response.content.decode()
    assert StatusReport.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text",
    ["\u202etxet", "\u0000", "😀" * 50, "e\u0301" * 30, "\ufeffPAY", "Ǆ" * 10, "\u2028\u2029"],
)
def test_unicode_edge_cases_in_search_are_answered(client, user_for, portfolio, text):
    client.force_login(user_for(Role.TPM))

    assert client.get(reverse("program-list"), {"q": text}).status_code in (200, 400)
