"""Dependencies: no self-dependency, no cycle (the cycle named), milestone/project coherence."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from programs import factories as pf
from programs import services
from programs.graph import find_cycle
from programs.models import Dependency

A, B, C, D = (1, None), (2, None), (3, None), (4, 40)


def test_find_cycle_returns_none_when_the_edge_keeps_the_graph_acyclic():
    assert find_cycle([(A, B), (B, C)], source=A, target=C) is None


def test_find_cycle_names_the_shortest_cycle_from_source_back_to_source():
    edges = [(B, C), (C, D), (D, A), (B, A)]

    assert find_cycle(edges, source=A, target=B) == [A, B, A]
    assert find_cycle([(B, C), (C, D), (D, A)], source=A, target=B) == [A, B, C, D, A]


def test_find_cycle_of_an_edge_onto_itself():
    assert find_cycle([], source=A, target=A) == [A, A]


@pytest.mark.django_db
def test_a_dependency_closing_a_cycle_is_refused_with_the_cycle_named(make_user):
    admin = make_user(None, username="someone")
    one, two, three = (pf.ProjectFactory(code=f"P-{n}") for n in (1, 2, 3))
    milestone = pf.MilestoneFactory(project=three, name="GA")
    services.dependency_create(by=admin, predecessor_project=one, successor_project=two)
    services.dependency_create(
        by=admin, predecessor_project=two, successor_project=three, successor_milestone=milestone
    )

    with pytest.raises(ValidationError) as raised:
        services.dependency_create(
            by=admin,
            predecessor_project=three,
            predecessor_milestone=milestone,
            successor_project=one,
        )

    assert raised.value.messages == [
        "This dependency would close a cycle: P-3 / GA → P-1 → P-2 → P-3 / GA."
    ]
    assert Dependency.objects.count() == 2


@pytest.mark.django_db
def test_a_cancelled_dependency_does_not_count_towards_a_cycle(make_user):
    user = make_user(None, username="someone")
    one, two = pf.ProjectFactory(), pf.ProjectFactory()
    pf.DependencyFactory(predecessor_project=one, successor_project=two, status="cancelled")

    dependency = services.dependency_create(by=user, predecessor_project=two, successor_project=one)

    assert Dependency.objects.filter(pk=dependency.pk).exists()


@pytest.mark.django_db
def test_self_dependency_is_refused_in_validation_and_in_the_database():
    project = pf.ProjectFactory()
    dependency = Dependency(predecessor_project=project, successor_project=project)

    with pytest.raises(ValidationError) as raised:
        dependency.full_clean()

    assert "An item cannot depend on itself." in raised.value.messages
    with pytest.raises(Exception, match=r"CHECK|check"):
        dependency.save()


@pytest.mark.django_db
def test_a_milestone_end_must_belong_to_its_project_and_fills_it_in_when_missing():
    milestone = pf.MilestoneFactory(name="Beta")
    other = pf.ProjectFactory()
    wrong = Dependency(
        predecessor_project=other,
        predecessor_milestone=milestone,
        successor_project=pf.ProjectFactory(),
    )

    with pytest.raises(ValidationError) as raised:
        wrong.full_clean()
    assert raised.value.message_dict["predecessor_milestone"] == [
        f"Milestone 'Beta' belongs to project {milestone.project.code}, not to the project chosen."
    ]

    implied = Dependency(predecessor_milestone=milestone, successor_project=other)
    implied.full_clean()
    implied.save()
    assert implied.predecessor_project_id == milestone.project_id


@pytest.mark.django_db
def test_a_duplicate_dependency_is_refused():
    dependency = pf.DependencyFactory()
    again = Dependency(
        predecessor_project=dependency.predecessor_project,
        successor_project=dependency.successor_project,
    )

    with pytest.raises(ValidationError) as raised:
        again.full_clean()

    assert raised.value.messages == ["This dependency is already recorded."]


@pytest.mark.parametrize(
    ("needed", "committed", "late"),
    [
        ("2027-03-01", "2027-03-02", True),
        ("2027-03-01", "2027-03-01", False),
        (None, "2027-03-02", False),
        ("2027-03-01", None, False),  # uncommitted: in trouble for another reason
    ],
)
def test_a_dependency_is_committed_late_only_after_a_date_needed(needed, committed, late):
    import datetime as dt

    def day(text):
        return None if text is None else dt.date.fromisoformat(text)

    dependency = Dependency(needed_by=day(needed), committed_date=day(committed))

    assert dependency.committed_late is late


@pytest.mark.django_db
def test_the_home_and_program_tables_mark_a_late_commitment(client, make_user):
    import datetime as dt

    from django.urls import reverse

    from tpmo.roles import Role

    user = make_user(Role.DIRECTOR)
    theirs = pf.ProjectFactory(code="CHK-01")
    ours = pf.ProjectFactory(code="PAY-01", program=pf.ProgramFactory(code="PAY"))
    pf.DependencyFactory(
        predecessor_project=theirs,
        successor_project=ours,
        needed_by=dt.date(2027, 3, 1),
        committed_date=dt.date(2027, 3, 9),
        status="committed",
    )
    client.force_login(user)

    for url in (reverse("home"), reverse("program-detail", args=["PAY"])):
        assert client.get(url).content.decode().count('<td class="date late">') == 1, url
