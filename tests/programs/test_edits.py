"""The TPM's weekly edits through the UI: allowed only on their programs, kept in history, and
never silently overwriting someone else's change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from programs import factories as pf
from programs import services
from programs.models import ActionItem, Dependency, Retrospective, StatusReport
from tpmo.roles import Role

HTMX = {"HX-Request": "true"}


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def tpm_user(client, user_for):
    user = user_for(Role.TPM)  # owns PAY
    client.force_login(user)
    return user


def milestone_post(milestone, **changes):
    data = {
        "forecast_date": milestone.forecast_date.isoformat(),
        "actual_date": "",
        "status": milestone.status,
        "version": milestone.version,
    }
    data.update(changes)
    return data


# -- milestones in place --------------------------------------------------------------------------


@pytest.mark.django_db
def test_editing_a_milestone_in_place_swaps_the_row_and_refreshes_the_counters(
    client, tpm_user, portfolio
):
    milestone = portfolio["milestone"]
    url = reverse("milestone-edit", args=[milestone.pk])

    form = client.get(url, headers=HTMX)
    saved = client.post(url, milestone_post(milestone, forecast_date="2026-04-20"), headers=HTMX)

    assert (
        form.content.decode()
        .lstrip()
        .startswith(f'<tr id="milestone-{milestone.pk}" class="editing">')
    )
    assert saved.status_code == 200
    assert saved.content.decode().lstrip().startswith(f'<tr id="milestone-{milestone.pk}"')
    assert "<html" not in saved.content.decode()
    assert saved["HX-Trigger"] == '{"milestones-changed": {}}'
    milestone.refresh_from_db()
    assert milestone.forecast_date == dt.date(2026, 4, 20)
    assert milestone.history.latest().history_user == tpm_user
    counters = client.get(reverse("project-counters", args=["PAY-01"]), headers=HTMX)
    assert (
        counters.context["counters"].worst_slip
        == (dt.date(2026, 4, 20) - milestone.baseline_date).days
    )


@pytest.mark.django_db
def test_without_javascript_the_edit_is_a_page_that_redirects(client, tpm_user, portfolio, today):
    milestone = portfolio["milestone"]
    url = reverse("milestone-edit", args=[milestone.pk])

    page = client.get(url)
    saved = client.post(
        url, milestone_post(milestone, status="done", actual_date=today.isoformat())
    )

    assert "<html" in page.content.decode()
    assert saved.status_code == 302
    assert saved["Location"] == reverse("project-detail", args=["PAY-01"])
    milestone.refresh_from_db()
    assert (milestone.status, milestone.actual_date) == ("done", today)


@pytest.mark.django_db
def test_an_invalid_milestone_edit_explains_itself_and_changes_nothing(client, tpm_user, portfolio):
    milestone = portfolio["milestone"]
    before = (milestone.status, milestone.actual_date, milestone.version)

    response = client.post(
        reverse("milestone-edit", args=[milestone.pk]),
        milestone_post(milestone, status="done"),
        headers=HTMX,
    )

    assert response.status_code == 200
    assert "Give the date the milestone was reached to mark it done." in response.content.decode()
    milestone.refresh_from_db()
    assert (milestone.status, milestone.actual_date, milestone.version) == before


@pytest.mark.django_db
def test_a_stale_milestone_form_is_refused_and_both_edits_survive(
    client, tpm_user, portfolio, make_user
):
    milestone = portfolio["milestone"]
    opened = milestone_post(milestone, forecast_date="2026-05-05")  # the form as first opened
    other = make_user(Role.ADMIN, username="colleague")
    services.milestone_update(
        milestone=milestone,
        by=other,
        expected_version=milestone.version,
        forecast_date=dt.date(2026, 6, 30),
        actual_date=None,
        status="in_progress",
    )

    response = client.post(reverse("milestone-edit", args=[milestone.pk]), opened)

    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else changed this record since you opened it." in body
    assert "Saved now: forecast 30 Jun 2026" in body  # theirs, shown
    assert 'value="2026-05-05"' in body  # mine, still in the form
    milestone.refresh_from_db()
    assert (milestone.forecast_date, milestone.status) == (dt.date(2026, 6, 30), "in_progress")


@pytest.mark.django_db
def test_a_milestone_of_someone_elses_program_cannot_be_changed(client, user_for, portfolio):
    client.force_login(user_for(Role.DIRECTOR))  # directs CHK, not PAY
    milestone = portfolio["milestone"]

    response = client.post(
        reverse("milestone-edit", args=[milestone.pk]),
        milestone_post(milestone, forecast_date="2027-01-01"),
    )

    assert response.status_code == 404  # outside the programs they may change
    milestone.refresh_from_db()
    assert milestone.forecast_date != dt.date(2027, 1, 1)
    assert milestone.history.count() == 1


# -- status reports -------------------------------------------------------------------------------


def status_post(**overrides):
    data = {
        "report_date": "2026-06-01",
        "overall": "amber",
        "schedule": "amber",
        "budget": "green",
        "scope": "green",
        "summary": "Beta slips a week.",
        "accomplishments": "",
        "next_steps": "",
        "blockers": "",
        "stakeholder_satisfaction": "4",
        "variance_reason": "Recovery plan agreed with the partner team.",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_a_reported_rag_other_than_the_computed_one_needs_a_reason(client, tpm_user, portfolio):
    url = reverse("program-status-new", args=["PAY"])
    computed = client.get(url).context["computed"]
    other = next(rag for rag in ("green", "amber", "red") if rag != computed.rag)
    before = StatusReport.objects.count()

    refused = client.post(url, status_post(overall=other, variance_reason="  "))

    assert refused.status_code == 200
    assert refused.context["form"].errors["variance_reason"] == [
        f"You report {other.capitalize()} but the data gives {computed.label}: say why they differ."
    ]
    assert StatusReport.objects.count() == before

    client.post(url, status_post(overall=other, variance_reason="Vendor confirmed the fix."))
    kept = StatusReport.objects.get(program=portfolio["program"], report_date=dt.date(2026, 6, 1))
    assert (kept.overall, kept.computed, kept.variance_reason) == (
        other,
        computed.rag.value,
        "Vendor confirmed the fix.",
    )
    assert kept.computed_reasons == "\n".join(str(reason) for reason in computed.reasons)
    assert kept.differs
    page = client.get(reverse("program-detail", args=["PAY"])).content.decode()
    assert "why it differs:</strong> Vendor confirmed the fix." in page


@pytest.mark.django_db
def test_reporting_the_computed_rag_needs_no_reason(client, tpm_user, portfolio):
    url = reverse("program-status-new", args=["PAY"])
    computed = client.get(url).context["computed"]

    response = client.post(url, status_post(overall=computed.rag.value, variance_reason=""))

    assert response.status_code == 302
    kept = StatusReport.objects.get(program=portfolio["program"], report_date=dt.date(2026, 6, 1))
    assert (kept.computed, kept.differs) == (computed.rag.value, False)


@pytest.mark.django_db
def test_the_status_form_is_prefilled_from_the_last_report(client, tpm_user, portfolio, today):
    pf.StatusReportFactory(
        program=portfolio["program"],
        report_date=today - dt.timedelta(days=7),
        summary="Last week's words",
        overall="red",
    )

    form = client.get(reverse("program-status-new", args=["PAY"])).context["form"]

    assert form.initial["summary"] == "Last week's words"
    assert form.initial["overall"] == "red"
    assert form.initial["report_date"] == today


@pytest.mark.django_db
def test_publishing_a_status_emails_the_stakeholders_who_want_updates(
    client, tpm_user, portfolio, django_capture_on_commit_callbacks
):
    program = portfolio["program"]
    wants = pf.ProgramStakeholderFactory(program=program, update_cadence="weekly").stakeholder
    pf.ProgramStakeholderFactory(program=program, update_cadence="none")
    pf.ProgramStakeholderFactory(program=program, stakeholder=pf.StakeholderFactory(email=""))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("program-status-new", args=["PAY"]), status_post())

    assert response.status_code == 302
    report = StatusReport.objects.get(program=program, report_date=dt.date(2026, 6, 1))
    assert (report.overall, report.author, report.project) == ("amber", program.tpm, None)
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([wants.email, portfolio["stakeholder"].email])
    assert mail.outbox[0].subject == "[TPMO] PAY status 2026-06-01: Amber"
    assert "Beta slips a week." in mail.outbox[0].body
    page = client.get(reverse("program-detail", args=["PAY"]))
    assert page.context["page"].reports[0] == report


@pytest.mark.django_db
def test_a_second_report_for_the_same_date_is_refused_next_to_the_field(
    client, tpm_user, portfolio
):
    pf.StatusReportFactory(program=portfolio["program"], report_date=dt.date(2026, 6, 1))
    before = StatusReport.objects.count()

    response = client.post(reverse("program-status-new", args=["PAY"]), status_post())

    assert response.status_code == 200
    assert "This program already has a status report for this date." in response.content.decode()
    assert StatusReport.objects.count() == before
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_project_status_report(client, tpm_user, portfolio):
    response = client.post(
        reverse("project-status-new", args=["PAY-01"]), status_post(overall="red")
    )

    assert response["Location"] == reverse("project-detail", args=["PAY-01"])
    assert StatusReport.objects.get(project=portfolio["project"]).overall == "red"


@pytest.mark.django_db
def test_a_viewer_cannot_publish_status(client, make_user, portfolio):
    client.force_login(make_user(Role.VIEWER))
    before = StatusReport.objects.count()

    response = client.post(reverse("program-status-new", args=["PAY"]), status_post())

    assert response.status_code == 403
    assert StatusReport.objects.count() == before


# -- retrospectives -------------------------------------------------------------------------------


def retro_post(program, actions):
    data = {
        "title": "Beta retro",
        "held_on": "2026-06-01",
        "project": "",
        "went_well": "Pairing across teams",
        "to_improve": "Late API contracts",
        "actions-TOTAL_FORMS": "3",
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "1000",
    }
    for index, (description, owner, due) in enumerate(actions):
        data[f"actions-{index}-description"] = description
        data[f"actions-{index}-owner"] = owner.pk if owner else ""
        data[f"actions-{index}-due_date"] = due
    return data


@pytest.mark.django_db
def test_a_retrospective_with_actions_puts_them_on_their_owners_home(
    client, tpm_user, portfolio, make_user
):
    program = portfolio["program"]
    lead = portfolio["project"].lead
    lead_user = make_user(Role.VIEWER, username="lead", person=lead)

    response = client.post(
        reverse("retrospective-new", args=["PAY"]),
        retro_post(
            program,
            [
                ("Agree API contracts first", lead, "2026-06-15"),
                ("Book pen test", program.tpm, "2026-06-20"),
            ],
        ),
    )

    assert response.status_code == 302
    retro = Retrospective.objects.get(title="Beta retro")
    assert sorted(retro.action_items.values_list("description", flat=True)) == [
        "Agree API contracts first",
        "Book pen test",
    ]
    client.force_login(lead_user)
    home = client.get(reverse("home"))
    assert [a.description for a in home.context["panels"]["actions"].rows] == [
        "Agree API contracts first"
    ]


@pytest.mark.django_db
def test_a_retrospective_with_a_bad_action_saves_nothing(client, tpm_user, portfolio):
    before = (Retrospective.objects.count(), ActionItem.objects.count())

    response = client.post(
        reverse("retrospective-new", args=["PAY"]),
        retro_post(portfolio["program"], [("Missing a due date", portfolio["program"].tpm, "")]),
    )

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert (Retrospective.objects.count(), ActionItem.objects.count()) == before


# -- dependencies ---------------------------------------------------------------------------------


def dependency_post(**overrides):
    data = {
        "predecessor": "CHK-01",
        "predecessor_milestone": "",
        "successor": "PAY-01",
        "successor_milestone": "",
        "type": "FS",
        "lag_days": "0",
        "needed_by": "2026-07-01",
        "committed_date": "",
        "status": "requested",
        "description": "",
        "version": "",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_adding_a_dependency(client, tpm_user, portfolio):
    pf.MilestoneFactory(project=portfolio["other_project"], name="API ready")

    response = client.post(
        reverse("dependency-new"), dependency_post(predecessor_milestone="api ready", lag_days="-3")
    )

    assert response.status_code == 302
    created = Dependency.objects.exclude(pk=portfolio["dependency"].pk).get()
    assert (created.predecessor_label, created.successor_label, created.lag_days) == (
        "CHK-01 / API ready",
        "PAY-01",
        -3,
    )
    assert created.history.latest().history_user == tpm_user


@pytest.mark.django_db
def test_a_dependency_closing_a_cycle_is_refused_with_the_cycle_named(client, tpm_user, portfolio):
    # PAY-01 / Beta → CHK-01 exists; CHK-01 → PAY-01 / Beta would close the loop
    before = Dependency.objects.count()

    response = client.post(reverse("dependency-new"), dependency_post(successor_milestone="Beta"))

    assert response.status_code == 200
    assert (
        "This dependency would close a cycle: CHK-01 → PAY-01 / Beta → CHK-01."
        in response.content.decode()
    )
    assert Dependency.objects.count() == before


@pytest.mark.django_db
def test_unknown_codes_are_named_next_to_their_field(client, tpm_user, portfolio):
    response = client.post(
        reverse("dependency-new"),
        dependency_post(predecessor="NOPE-1", successor_milestone="Gamma"),
    )

    body = response.content.decode()
    assert "There is no project with the code &#x27;NOPE-1&#x27;." in body
    assert "Project PAY-01 has no milestone named &#x27;Gamma&#x27;." in body


@pytest.mark.django_db
def test_a_dependency_between_programs_i_do_not_own_is_refused(client, tpm_user, portfolio):
    third = pf.ProjectFactory(code="OPS-01")
    before = Dependency.objects.count()

    response = client.post(reverse("dependency-new"), dependency_post(successor="OPS-01"))

    assert (
        "You can only record dependencies that involve one of your programs."
        in response.content.decode()
    )
    assert Dependency.objects.count() == before
    assert third.inbound_dependencies.count() == 0


@pytest.mark.django_db
def test_a_stale_dependency_edit_shows_the_current_values(client, tpm_user, portfolio, make_user):
    dependency = portfolio["dependency"]
    url = reverse("dependency-edit", args=[dependency.pk])
    opened = client.get(url).context["form"].initial
    services.dependency_save(
        dependency=dependency,
        by=make_user(Role.ADMIN, username="other"),
        expected_version=dependency.version,
        status="blocked",
    )

    data = dependency_post(
        predecessor="PAY-01",
        predecessor_milestone="Beta",
        successor="CHK-01",
        status="at_risk",
        version=opened["version"],
    )
    response = client.post(url, data)

    assert response.status_code == 409
    assert "status blocked" in response.content.decode()
    dependency.refresh_from_db()
    assert dependency.status == "blocked"


@pytest.mark.django_db
def test_a_mail_server_that_is_down_does_not_turn_a_published_report_into_an_error(
    client, tpm_user, portfolio, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def down(*args, **kwargs):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr("programs.services.send_mass_mail", down)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("program-status-new", args=["PAY"]), status_post())

    assert response.status_code == 302
    assert StatusReport.objects.filter(report_date=dt.date(2026, 6, 1)).count() == 1
    assert "Status email of PAY status 2026-06-01 not sent" in caplog.text


@pytest.mark.django_db
def test_the_project_page_shows_who_changed_what_and_when(client, tpm_user, portfolio):
    milestone = portfolio["milestone"]
    old = milestone.forecast_date
    client.post(
        reverse("milestone-edit", args=[milestone.pk]),
        milestone_post(milestone, forecast_date="2026-12-24"),
    )

    page = client.get(reverse("project-detail", args=["PAY-01"]))

    version, changes = page.context["page"].history[0]
    assert (version.name, version.history_user) == ("Beta", tpm_user)
    assert [(c.label, str(c.old), str(c.new)) for c in changes] == [
        ("Forecast date", str(old), "2026-12-24")
    ]
    assert "<strong>Forecast date</strong>" in page.content.decode()
