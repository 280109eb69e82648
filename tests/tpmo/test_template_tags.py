"""The ``day`` filter writes what Django's ``date`` filter writes, remembering plain dates."""

from __future__ import annotations

import datetime as dt

from django.template import Context, Template
from django.test import override_settings
from django.utils import translation

from tpmo.templatetags.tpmo_tags import _formatted, day


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
