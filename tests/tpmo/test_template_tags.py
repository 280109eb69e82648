"""The ``day`` filter writes what Django's ``date`` filter writes, remembering plain dates;
``brief`` leaves out this year; ``node`` keeps a dependency end's code on one line."""

from __future__ import annotations

import datetime as dt

from django.template import Context, Template
from django.test import RequestFactory, override_settings
from django.utils import timezone, translation

from tpmo.formats import _formatted, day


def _render(source: str, **context: object) -> str:
    return Template("{% load tpmo_tags %}" + source).render(Context(context))


def test_a_date_reads_as_djangos_date_filter_writes_it():
    value = dt.date(2026, 6, 1)

    assert (
        _render("{{ d|day }}", d=value) == _render('{{ d|date:"j M Y" }}', d=value) == "1 Jun 2026"
    )
    assert _render("{{ d|day:'Y-m-d' }}", d=value) == "2026-06-01"
    assert _render('{{ d|day|default:"–" }}', d=None) == "–"


@override_settings(TIME_ZONE="Pacific/Auckland")
def test_a_date_time_is_formatted_afresh_in_the_current_time_zone():
    late_evening_utc = dt.datetime(2026, 6, 1, 22, 0, tzinfo=dt.UTC)  # already 2 June there

    assert _render("{{ d|day }}", d=late_evening_utc) == "2 Jun 2026"


def test_a_date_is_remembered_per_format_and_language():
    _formatted.cache_clear()
    value = dt.date(2026, 3, 4)

    assert day(value, "j F Y") == day(value, "j F Y") == "4 March 2026"
    assert _formatted.cache_info().hits == 1
    with translation.override("fr"):
        assert day(value, "j F Y") == "4 mars 2026"
    assert day(value, "Y-m-d") == "2026-03-04"
    assert _formatted.cache_info().currsize == 3


def test_brief_leaves_out_the_year_only_when_it_is_this_one():
    this_year = timezone.localdate().year
    august = dt.date(this_year, 8, 7)

    assert _render("{{ d|brief }}", d=august) == "7 Aug"
    for year in (this_year + 1, this_year - 1):
        assert _render("{{ d|brief }}", d=august.replace(year=year)) == f"7 Aug {year}"
    assert _render('{{ d|brief|default:"Uncommitted" }}', d=None) == "Uncommitted"


@override_settings(TIME_ZONE="Pacific/Auckland")
def test_brief_reads_a_date_time_in_the_current_time_zone():
    this_year = timezone.localdate().year
    # Last year in UTC, already this year's 1 January there: this year's, so no year.
    new_year_there = dt.datetime(this_year - 1, 12, 31, 12, 0, tzinfo=dt.UTC)

    assert _render("{{ d|brief }}", d=new_year_there) == "1 Jan"


def test_a_dependency_end_keeps_its_code_on_one_line_and_escapes_names():
    from types import SimpleNamespace

    project = SimpleNamespace(code="PAY-01")
    milestone = SimpleNamespace(name="Beta <rc>")

    assert _render("{{ p|node }}", p=project) == '<span class="nowrap">PAY-01</span>'
    assert (
        _render("{{ p|node:m }}", p=project, m=milestone)
        == '<span class="nowrap">PAY-01</span> / Beta &lt;rc&gt;'
    )


def test_counts_are_written_with_thousands_separators():
    from types import SimpleNamespace

    from django.template.loader import render_to_string

    panel = SimpleNamespace(total=1316, more=1301)

    assert "… and 1,301 more." in render_to_string("_components/more.html", {"panel": panel})
    assert '<span class="count">1,316</span>' in render_to_string(
        "_components/panel_head.html", {"panel": panel, "name": "due", "title": "Due"}
    )
    assert "Export these 20,000 rows" in render_to_string(
        "_components/exports.html", {"count": 20000}, request=RequestFactory().get("/milestones/")
    )
