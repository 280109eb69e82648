"""Form widgets the site needs beyond Django's own."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

from django import forms
from django.core.exceptions import EmptyResultSet
from django.forms.utils import flatatt
from django.utils.safestring import SafeData, SafeString

from tpmo.datastate import remembered


class FastSelect(forms.Select):
    """A ``<select>`` written in Python rather than with a template per option: the same HTML,
    but a filter listing a thousand people costs about a millisecond instead of tens of them
    (plain strings: no option dictionaries, no formatting helpers per option).

    A model field's choices are read once and remembered until the tables they come from change:
    reading and building three thousand people on every view of a list would cost more than the
    list itself."""

    def _remembered_choices(self) -> Iterable[Any]:
        queryset = getattr(self.choices, "queryset", None)
        if queryset is None:
            return self.choices  # type: ignore[no-any-return]
        field = self.choices.field  # type: ignore[attr-defined]
        try:
            sql = str(queryset.query)
        except EmptyResultSet:  # a queryset that can hold nothing: no query to remember
            return self.choices  # type: ignore[no-any-return]
        key = (
            "select-choices",
            type(field),
            sql,
            field.empty_label,
            getattr(field, "null_label", None),
        )
        # str(): the value of a model choice, without the instance it carries.
        return remembered(key, lambda: [(str(value), label) for value, label in self.choices])

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        selected = set(self.format_value(value))
        taken = False  # a single select marks its first match only, as Django's does

        def option(choice: Any, label: Any) -> str:
            nonlocal taken
            key = "" if choice is None else str(choice)
            mark = ""
            if key in selected and not taken:
                mark, taken = " selected", True
            text = label if isinstance(label, SafeData) else escape(str(label))
            return f'<option value="{escape(key)}"{mark}>{text}</option>'

        options = "".join(
            f'<optgroup label="{escape(str(group))}">'
            + "".join(option(*choice) for choice in label)
            + "</optgroup>"
            if isinstance(label, (list, tuple))
            else option(group, label)
            for group, label in self._remembered_choices()
        )
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        return SafeString(f'<select name="{escape(name)}"{attributes}>{options}</select>')
