"""``seed_demo --scale small``: deterministic, valid, acyclic, with a user for every role."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from programs.graph import find_cycle
from programs.models import Dependency, Milestone, Program, Project, StatusReport
from risks.choices import RiskStatus
from risks.models import Issue, Risk
from tpmo.demo.builder import SCALES, Core, DemoBuilder
from tpmo.roles import Role, role_of

AS_OF = "2026-06-01"


def _seed(*extra: str) -> str:
    out = StringIO()
    call_command(
        "seed_demo", "--scale", "small", "--seed", "7", "--as-of", AS_OF, *extra, stdout=out
    )
    return out.getvalue()


def _fingerprint() -> list[tuple]:
    return list(
        Milestone.objects.order_by("project__code", "name").values_list(
            "project__code", "name", "baseline_date", "forecast_date", "status"
        )
    )


@pytest.mark.django_db
def test_small_demo_has_the_promised_shape():
    _seed()

    assert Program.objects.count() == 8
    assert Project.objects.count() == 40
    assert Milestone.objects.count() == 240
    assert Risk.objects.count() == 120
    assert set(Program.objects.values_list("code", flat=True)) == {
        "PAY",
        "CHK",
        "EUX",
        "SOC2",
        "CLD",
        "DVX",
        "AIS",
        "CDP",
    }
    # Risks in every state, and every occurred risk became an issue that keeps the link.
    assert set(Risk.objects.values_list("status", flat=True)) == set(RiskStatus.values)
    assert (
        Issue.objects.filter(source_risk__isnull=False).count()
        == Risk.objects.filter(status=RiskStatus.OCCURRED).count()
    )
    # Milestones slip; dependencies cross programs; six months of weekly program status.
    assert Milestone.objects.filter(forecast_date__gt=models_f("baseline_date")).exists()
    assert Dependency.objects.exclude(
        predecessor_project__program=models_f("successor_project__program")
    ).exists()
    weekly = {
        code: StatusReport.objects.filter(project__isnull=True, program__code=code).count()
        for code in ("PAY", "CHK")
    }
    assert weekly == {"PAY": 26, "CHK": 26}
    assert (Dependency.objects.count(), StatusReport.objects.count(), Issue.objects.count()) == (
        32,
        675,
        10,
    )


def models_f(name: str):
    from django.db.models import F

    return F(name)


@pytest.mark.django_db
def test_every_seeded_record_passes_validation_and_the_graph_is_acyclic():
    _seed()

    for label in ("programs", "risks"):
        for model in apps.get_app_config(label).get_models():
            if model.__name__.startswith("Historical"):
                continue
            for obj in model.objects.all():
                obj.full_clean()
    edges = Dependency.objects.edges()
    assert all(
        find_cycle(edges[:i] + edges[i + 1 :], a, b) is None for i, (a, b) in enumerate(edges)
    )


@pytest.mark.django_db
def test_same_seed_same_portfolio():
    _seed()
    first = _fingerprint()
    for model in (Dependency, Issue):
        model.objects.all().delete()

    second_run = _seed("--if-empty")  # refuses to touch a populated database

    assert "nothing to seed" in second_run
    assert _fingerprint() == first


@pytest.mark.django_db
def test_seeding_a_populated_database_is_refused():
    _seed()

    with pytest.raises(CommandError, match="already holds programs"):
        _seed()


@pytest.mark.django_db
def test_demo_users_sign_in_with_their_roles(settings, rf):
    _seed()

    roles = {
        name: role_of(
            authenticate(
                rf.post("/accounts/login/"), username=name, password=settings.DEMO_PASSWORD
            )
        )
        for name in ("admin", "director", "tpm", "viewer")
    }

    assert roles == {
        "admin": Role.ADMIN,
        "director": Role.DIRECTOR,
        "tpm": Role.TPM,
        "viewer": Role.VIEWER,
    }
    tpm_programs = Program.objects.filter(tpm__user__username="tpm").count()
    assert tpm_programs >= 1
    assert Program.objects.filter(director__user__username="director").count() >= 1


@pytest.mark.django_db
def test_seeded_records_have_a_created_history_row():
    _seed()

    program = Program.objects.get(code="PAY")

    assert [(h.history_type, h.history_change_reason) for h in program.history.all()] == [
        ("+", "Demo data")
    ]


@pytest.mark.django_db
def test_a_stage_run_in_another_process_sees_the_same_core():
    """Larger scales build some stages in a second process from ``Core.load()``: it must hand a
    stage exactly what the in-memory core holds, in the same order, for the same result."""
    builder = DemoBuilder(SCALES["small"], seed=7, as_of=date(2026, 6, 1), history=False)
    built = builder.build_core()
    builder.build_stage("milestones", built)

    loaded = Core.load(milestones=True)

    assert [p.pk for p in loaded.programs] == [p.pk for p in built.programs]
    assert [(p.pk, p.program.tpm_id, p.lead_id) for p in loaded.projects] == [
        (p.pk, p.program.tpm_id, p.lead_id) for p in built.projects
    ]
    assert {k: [m.pk for m in v] for k, v in loaded.milestones.items()} == {
        k: [m.pk for m in v] for k, v in built.milestones.items()
    }
    assert [p.pk for p in loaded.periods] == [p.pk for p in built.periods]


@pytest.mark.django_db(transaction=True)
def test_large_batches_go_in_with_executemany_and_the_ids_given_there(monkeypatch):
    """At large (no history rows) the builder inserts big batches itself: every object gets the
    id it was stored under, auto dates are filled, and the next ordinary insert still gets a
    fresh id (PostgreSQL's sequence moved past them)."""
    from programs import factories as pf
    from tpmo.demo import builder as demo

    monkeypatch.setattr(demo, "INSERT_CHUNK", 3)
    project = pf.ProjectFactory()
    before = pf.MilestoneFactory(project=project, name="Before")
    objs = [
        Milestone(
            project=project,
            name=f"M{i}",
            baseline_date=date(2026, 7, i + 1),
            forecast_date=date(2026, 7, i + 2),
            status="planned",
        )
        for i in range(7)
    ]

    created = DemoBuilder(SCALES["small"], seed=7, as_of=date(2026, 6, 1), history=False)._insert(
        Milestone, objs
    )

    assert [m.pk for m in created] == list(range(before.pk + 1, before.pk + 8))
    stored = {m.pk: m for m in Milestone.objects.filter(project=project, name__startswith="M")}
    assert [(stored[m.pk].name, stored[m.pk].forecast_date) for m in created] == [
        (f"M{i}", date(2026, 7, i + 2)) for i in range(7)
    ]
    assert all(m.created_at is not None and not m._state.adding for m in stored.values())
    after = pf.MilestoneFactory(project=project, name="After")
    assert after.pk == before.pk + 8


@pytest.mark.django_db
def test_recorded_fields_are_written_back_by_id_in_chunks(monkeypatch):
    """The health stage writes the computed health of thousands of reports back with
    ``executemany``: only the named fields change, on the rows named, across chunks."""
    from programs import factories as pf
    from programs.models import StatusReport
    from tpmo.demo import builder as demo

    monkeypatch.setattr(demo, "INSERT_CHUNK", 2)
    reports = [
        pf.StatusReportFactory(overall="green", computed="", summary=f"Week {i}") for i in range(5)
    ]
    untouched = pf.StatusReportFactory(overall="green", computed="", summary="Other")
    for index, report in enumerate(reports):
        report.computed = "red" if index % 2 else "amber"
        report.computed_reasons = f"Reason {index}"
        report.summary = "not written"

    demo._update_rows(StatusReport, reports, ["computed", "computed_reasons"])

    stored = StatusReport.objects.in_bulk([report.pk for report in [*reports, untouched]])
    assert [
        (stored[r.pk].computed, stored[r.pk].computed_reasons, stored[r.pk].summary)
        for r in reports
    ] == [
        ("amber", "Reason 0", "Week 0"),
        ("red", "Reason 1", "Week 1"),
        ("amber", "Reason 2", "Week 2"),
        ("red", "Reason 3", "Week 3"),
        ("amber", "Reason 4", "Week 4"),
    ]
    assert (stored[untouched.pk].computed, stored[untouched.pk].computed_reasons) == ("", "")


def test_a_demo_tpms_reason_for_another_rag_speaks_of_the_datas_worst_reason():
    from tpmo.demo import catalog
    from tpmo.demo.builder import _variance_reasons
    from tpmo.health import Health, Rag, Reason

    mixed = Health(
        Rag.RED,
        (Reason(Rag.AMBER, "risk", "2 open high risks"), Reason(Rag.RED, "cost", "CPI 0.80")),
    )
    amber = Health(Rag.AMBER, (Reason(Rag.AMBER, "dependencies", "1 blocked"),))

    assert _variance_reasons(mixed) == catalog.VARIANCE_REASONS["cost"]
    assert _variance_reasons(amber) == catalog.VARIANCE_REASONS["dependencies"]
    assert _variance_reasons(Health(Rag.GREEN)) == catalog.VARIANCE_REASONS[""]


@pytest.mark.django_db
def test_demo_dependencies_make_a_plan_someone_would_keep():
    """Each predecessor delivers before its successor starts, or within two weeks of it (the
    critical path's floats stay within weeks, not years), and four in ten are still to come."""
    _seed()
    dependencies = Dependency.objects.select_related(
        "predecessor_project", "predecessor_milestone", "successor_project", "successor_milestone"
    )

    waits = []
    for dependency in dependencies:
        delivers = (
            dependency.predecessor_milestone.forecast_date
            if dependency.predecessor_milestone
            else dependency.predecessor_project.forecast_end
        )
        starts = (
            dependency.successor_milestone.forecast_date
            if dependency.successor_milestone
            else dependency.successor_project.forecast_start
        )
        waits.append((delivers - starts).days)
    delivered = dependencies.filter(status="delivered").count()

    assert len(waits) == 32
    assert max(waits) <= 14
    assert delivered <= 32 * 6 // 10
