"""The fast select writes the HTML Django's own select writes."""

from __future__ import annotations

from django import forms
from django.test.html import parse_html

from tpmo.widgets import FastSelect

CHOICES = [("", "Any"), (1, "Ann & Bob"), (2, '<b>"Eve"</b>')]


def test_the_fast_select_writes_what_djangos_select_writes():
    ours = FastSelect(choices=CHOICES, attrs={"id": "id_owner", "class": "f"})
    django = forms.Select(choices=CHOICES, attrs={"id": "id_owner", "class": "f"})

    for value in (None, 2, "1"):
        assert parse_html(ours.render("owner", value)) == parse_html(django.render("owner", value))


def test_a_selected_option_is_marked_and_text_is_escaped():
    html = FastSelect(choices=CHOICES).render("owner", 2)

    assert '<option value="2" selected>&lt;b&gt;&quot;Eve&quot;&lt;/b&gt;</option>' in html
    assert '<option value="1">Ann &amp; Bob</option>' in html


def test_groups_and_a_repeated_value_render_as_djangos_do():
    choices = [("", "Any"), ("Team", [(1, "Ann"), (2, "Bob")]), (1, "Ann again")]
    ours = FastSelect(choices=choices)
    django = forms.Select(choices=choices)

    for value in (None, 1, "2"):
        assert parse_html(ours.render("who", value)) == parse_html(django.render("who", value))
