"""The fast select writes the HTML Django's own select writes."""

from __future__ import annotations

import pytest
from django import forms
from django.test.html import parse_html

from tpmo.datastate import forget
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


@pytest.mark.django_db
def test_model_choices_are_read_once_until_their_table_changes(django_assert_num_queries):
    from programs.factories import PersonFactory
    from programs.models import Person

    forget()
    PersonFactory(name="Ann", team="Widgets")
    field = forms.ModelChoiceField(
        queryset=Person.objects.filter(team="Widgets").order_by("name"),
        widget=FastSelect,
        empty_label="Anyone",
    )
    with django_assert_num_queries(2):  # the data state, then the people
        first = field.widget.render("owner", None)
    with django_assert_num_queries(1):  # the data state only
        assert field.widget.render("owner", None) == first
    ann = Person.objects.get(name="Ann")
    assert parse_html(first) == parse_html(
        f'<select name="owner"><option value="" selected>Anyone</option>'
        f'<option value="{ann.pk}">Ann</option></select>'
    )

    bob = PersonFactory(name="Bob", team="Widgets")
    html = field.widget.render("owner", bob.pk)
    assert f'<option value="{bob.pk}" selected>Bob</option>' in html
    assert f'<option value="{ann.pk}">Ann</option>' in html
