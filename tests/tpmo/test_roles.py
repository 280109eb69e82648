"""Role groups, their permissions, and the one place that scopes edits (``editable_by``)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from programs import factories as pf
from programs.models import Dependency, Milestone, Objective, Program, Project
from risks import factories as rf
from risks.models import Risk
from tpmo.roles import Role, role_of


def _codenames(role: Role) -> set[str]:
    group = Group.objects.get(name=role.value)
    return set(group.permissions.values_list("content_type__app_label", "codename"))


@pytest.mark.django_db
def test_the_migration_creates_the_four_role_groups():
    assert set(Group.objects.values_list("name", flat=True)) == {
        "TPMO admin",
        "Director",
        "TPM",
        "Viewer",
    }


@pytest.mark.django_db
def test_viewers_only_view():
    perms = _codenames(Role.VIEWER)

    assert ("programs", "view_program") in perms
    assert ("risks", "view_risk") in perms
    assert {codename for _, codename in perms if not codename.startswith("view_")} == set()


@pytest.mark.django_db
def test_tpms_and_directors_change_program_work_but_not_reference_data():
    for role in (Role.TPM, Role.DIRECTOR):
        perms = _codenames(role)
        assert ("programs", "change_program") in perms
        assert ("programs", "add_program") not in perms
        assert ("programs", "add_milestone") in perms
        assert ("risks", "change_risk") in perms
        assert ("programs", "change_objective") not in perms
        assert ("programs", "change_person") not in perms
        assert ("programs", "delete_program") not in perms
        assert ("auth", "change_user") not in perms


@pytest.mark.django_db
def test_tpmo_admins_hold_every_domain_and_account_permission():
    perms = _codenames(Role.ADMIN)

    for codename in ("add_program", "delete_program", "change_objective", "delete_risk"):
        assert any(c == codename for _, c in perms)
    assert ("auth", "change_user") in perms


@pytest.mark.django_db
def test_role_of_picks_the_strongest_role_and_none_without_a_group(make_user):
    viewer = make_user(Role.VIEWER)
    both = make_user(Role.VIEWER, username="both")
    both.groups.add(Group.objects.get(name=Role.DIRECTOR.value))
    nobody = make_user(None)

    assert role_of(viewer) is Role.VIEWER
    assert role_of(both) is Role.DIRECTOR
    assert role_of(nobody) is None
    assert role_of(pf.UserFactory(username="root", is_superuser=True)) is Role.ADMIN


@pytest.mark.django_db
def test_editable_by_scopes_each_role_to_its_programs(make_user, portfolio):
    program, other = portfolio["program"], portfolio["other_program"]
    tpm = make_user(Role.TPM, person=program.tpm)
    director = make_user(Role.DIRECTOR, person=other.director)
    viewer = make_user(Role.VIEWER)
    admin = make_user(Role.ADMIN)

    assert list(Program.objects.editable_by(tpm)) == [program]
    assert list(Program.objects.editable_by(director)) == [other]
    assert list(Program.objects.editable_by(viewer)) == []
    assert set(Program.objects.editable_by(admin)) == {program, other}

    assert list(Project.objects.editable_by(tpm)) == [portfolio["project"]]
    assert list(Milestone.objects.editable_by(tpm)) == [portfolio["milestone"]]
    assert list(Risk.objects.editable_by(tpm)) == [portfolio["risk"]]
    assert list(Risk.objects.editable_by(director)) == []
    assert list(Objective.objects.editable_by(tpm)) == []
    assert list(Objective.objects.editable_by(admin)) == [portfolio["objective"]]


@pytest.mark.django_db
def test_a_dependency_is_editable_from_either_of_its_programs(make_user, portfolio):
    dependency = portfolio["dependency"]  # from PAY (program) to CHK (other program)
    owner_of_successor = make_user(Role.TPM, person=portfolio["other_program"].tpm)
    owner_of_neither = make_user(Role.TPM, username="tpm2", person=pf.ProgramFactory().tpm)

    assert list(Dependency.objects.editable_by(owner_of_successor)) == [dependency]
    assert list(Dependency.objects.editable_by(owner_of_neither)) == []


@pytest.mark.django_db
def test_everyone_with_a_role_reads_everything_and_no_one_else(make_user, portfolio):
    viewer = make_user(Role.VIEWER)
    nobody = make_user(None)
    rf.RiskFactory(program=portfolio["other_program"])

    assert Program.objects.visible_to(viewer).count() == 2
    assert Risk.objects.visible_to(viewer).count() == 2
    assert Program.objects.visible_to(nobody).count() == 0
