"""Critical path and slip propagation against textbook networks with known answers."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from programs.schedule import (
    Activity,
    Link,
    critical_nodes,
    critical_path,
    propagate_slip,
    topological_order,
)

DAY0 = date(2026, 1, 1)


def day(n: int) -> date:
    return DAY0 + timedelta(days=n)


def node(n: int, milestone: int | None = None):
    return (n, milestone)


A, B, C, D, E = (node(n) for n in range(1, 6))


def test_the_textbook_network():
    """A(3) → B(4) → D(5); A → C(2) → D. Critical path A–B–D, C has 2 days of float."""
    activities = [Activity(n, DAY0, d) for n, d in ((A, 3), (B, 4), (C, 2), (D, 5))]
    links = [Link(A, B), Link(A, C), Link(B, D), Link(C, D)]

    timing = critical_path(activities, links)

    assert {n: (t.es, t.ef, t.ls, t.lf) for n, t in timing.items()} == {
        A: (day(0), day(3), day(0), day(3)),
        B: (day(3), day(7), day(3), day(7)),
        C: (day(3), day(5), day(5), day(7)),
        D: (day(7), day(12), day(7), day(12)),
    }
    assert {n: (t.total_float, t.free_float) for n, t in timing.items()} == {
        A: (0, 0),
        B: (0, 0),
        C: (2, 2),
        D: (0, 0),
    }
    assert critical_nodes(timing) == {A, B, D}


@pytest.mark.parametrize(
    ("link_type", "lag", "expected_start"),
    [
        ("FS", 0, day(10)),  # after X finishes
        ("FS", -3, day(7)),  # a lead of 3 days
        ("SS", 2, day(2)),  # 2 days after X starts
        ("FF", 1, day(6)),  # finishes 1 day after X (day 11), so starts day 11 − 5
        ("SF", 4, day(0)),  # must finish by X's start + 4 = day 4: day −1, so its own start wins
    ],
)
def test_each_dependency_type_and_lag(link_type, lag, expected_start):
    x, y = node(1), node(2)
    activities = [Activity(x, DAY0, 10), Activity(y, DAY0, 5)]

    timing = critical_path(activities, [Link(x, y, link_type, lag)])

    assert timing[y].es == expected_start


def test_ff_and_sf_backward_pass():
    x, y = node(1), node(2)
    activities = [Activity(x, DAY0, 10), Activity(y, day(20), 5)]

    ff = critical_path(activities, [Link(x, y, "FF", 0)])
    sf = critical_path(activities, [Link(x, y, "SF", 0)])

    # Y finishes day 25 (its own start); X may finish as late as Y's finish.
    assert (ff[x].lf, ff[x].total_float) == (day(25), 15)
    # SF: X's start drives Y's finish; X may finish no later than the network's end (day 25).
    assert sf[x].lf == day(25)


def test_a_deadline_already_impossible_gives_negative_float():
    activities = [Activity(A, DAY0, 10), Activity(B, DAY0, 5, deadline=day(12))]

    timing = critical_path(activities, [Link(A, B)])

    assert (timing[B].ef, timing[B].total_float) == (day(15), -3)
    assert timing[A].total_float == -3
    assert critical_nodes(timing) == {A, B}


def test_a_network_spanning_three_programs():
    """Project 1 (program P) → milestone of project 2 (program Q) → project 3 (program R)."""
    p1, m2, p3 = node(1), node(2, 20), node(3)
    activities = [
        Activity(p1, DAY0, 30),
        Activity(m2, day(20), 0, deadline=day(25)),
        Activity(p3, day(10), 40, deadline=day(80)),
    ]
    links = [Link(p1, m2, "FS", 2), Link(m2, p3, "FS", 0)]

    timing = critical_path(activities, links)

    assert (timing[m2].es, timing[m2].total_float) == (day(32), -7)
    assert (timing[p3].es, timing[p3].ef, timing[p3].total_float) == (day(32), day(72), 0)
    assert (timing[p1].ef, timing[p1].lf, timing[p1].total_float) == (day(30), day(23), -7)


def test_slip_propagation_reports_what_must_move_and_stops_where_slack_absorbs_it():
    activities = [
        Activity(A, DAY0, 3),
        Activity(B, day(3), 4, deadline=day(8)),
        Activity(C, day(10), 2),  # 5 days of slack after A
        Activity(D, day(7), 5),
    ]
    links = [Link(A, B), Link(A, C), Link(B, D)]

    moves = {move.node: move for move in propagate_slip(activities, links, A, 4)}

    assert set(moves) == {B, D}  # C's slack absorbs 4 days
    assert (moves[B].new_start, moves[B].new_finish, moves[B].days) == (day(7), day(11), 4)
    assert moves[B].breaches_deadline is True
    assert (moves[D].new_start, moves[D].via) == (day(11), B)


def test_a_cycle_is_reported():
    with pytest.raises(ValueError, match="cycle"):
        topological_order([A, B], [Link(A, B), Link(B, A)])


def test_the_passes_refuse_a_cycle():
    activities = [Activity(n, DAY0, 1) for n in (A, B, C)]
    with pytest.raises(ValueError, match="cycle"):
        critical_path(activities, [Link(A, B), Link(B, C), Link(C, B)])


def test_an_empty_network_has_no_timings():
    timings = critical_path([], [])
    assert len(timings) == 0
    assert critical_nodes(timings) == set()


def _reference_passes(activities, links):
    """CPM the slow, obvious way: relax every link until nothing moves, both ways."""
    by_node = {a.node: a for a in activities}
    es = {n: a.start for n, a in by_node.items()}

    def anchor(node, finish):
        return es[node] + timedelta(days=by_node[node].duration) if finish else es[node]

    moved = True
    while moved:
        moved = False
        for link in links:
            to_finish = link.type in ("FF", "SF")
            earliest = anchor(link.predecessor, link.type in ("FS", "FF")) + timedelta(
                days=link.lag - (by_node[link.successor].duration if to_finish else 0)
            )
            if earliest > es[link.successor]:
                es[link.successor] = earliest
                moved = True
    ef = {n: es[n] + timedelta(days=a.duration) for n, a in by_node.items()}
    finish = max(ef.values())
    lf = {n: min(finish, a.deadline) if a.deadline else finish for n, a in by_node.items()}
    moved = True
    while moved:
        moved = False
        for link in links:
            p, q = link.predecessor, link.successor
            from_finish = link.type in ("FS", "FF")
            bound = (
                lf[q] if link.type in ("FF", "SF") else lf[q] - timedelta(days=by_node[q].duration)
            ) - timedelta(days=link.lag)
            latest = bound if from_finish else bound + timedelta(days=by_node[p].duration)
            if latest < lf[p]:
                lf[p] = latest
                moved = True
    free = {n: (finish - ef[n]).days for n in by_node}
    for p in by_node:
        gaps = [
            (
                (ef if link.type in ("FF", "SF") else es)[link.successor]
                - (ef if link.type in ("FS", "FF") else es)[p]
            ).days
            - link.lag
            for link in links
            if link.predecessor == p
        ]
        if gaps:
            free[p] = min(gaps)
    return {
        n: (es[n], ef[n], lf[n] - timedelta(days=by_node[n].duration), lf[n], free[n])
        for n in by_node
    }


@st.composite
def networks(draw):
    """Random acyclic networks: links only from a lower to a higher number, in any order."""
    size = draw(st.integers(1, 12))
    activities = [
        Activity(
            (n, draw(st.sampled_from([None, n * 10]))),
            day(draw(st.integers(0, 30))),
            draw(st.integers(0, 15)),
            draw(st.one_of(st.none(), st.integers(0, 60).map(day))),
        )
        for n in range(size)
    ]
    pairs = draw(
        st.lists(
            st.tuples(st.integers(0, size - 1), st.integers(0, size - 1)).filter(
                lambda pair: pair[0] < pair[1]
            ),
            max_size=25,
            unique=True,
        )
    )
    links = [
        Link(
            activities[p].node,
            activities[q].node,
            draw(st.sampled_from(["FS", "SS", "FF", "SF"])),
            draw(st.integers(-5, 10)),
        )
        for p, q in pairs
    ]
    return draw(st.permutations(activities)), draw(st.permutations(links))


@given(networks())
@settings(max_examples=300, deadline=None)
def test_the_passes_agree_with_relaxing_every_link_until_nothing_moves(network):
    activities, links = network
    timings = critical_path(activities, links)
    assert {
        n: (t.es, t.ef, t.ls, t.lf, t.free_float) for n, t in timings.items()
    } == _reference_passes(activities, links)
    assert dict(timings.floats()) == {n: t.total_float for n, t in timings.items()}
    order = list(timings)
    for link in links:  # iteration is topological
        assert order.index(link.predecessor) < order.index(link.successor)
