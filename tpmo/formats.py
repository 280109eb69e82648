"""Dates as the pages write them, for templates (the ``day`` and ``brief`` filters of
``tpmo_tags``) and for the labels Python writes itself (chart axes) alike."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from django.template import defaultfilters
from django.utils import timezone, translation


def day(value: Any, arg: str = "j M Y") -> str:
    """Django's ``date`` filter ("1 Jun 2026" by default), remembered for plain dates: a list's
    rows write the same few hundred dates on every view, and formatting one costs more than the
    rest of its cell. Date-times (which depend on the time zone) are formatted afresh."""
    if type(value) is not dt.date:
        return defaultfilters.date(value, arg)  # type: ignore[no-any-return]
    return _formatted(value, arg, translation.get_language())


def brief(value: Any) -> str:
    """A date without its year when it falls in this year ("7 Aug"), with it otherwise
    ("7 Aug 2027"): short in a narrow column, never ambiguous across the turn of a year."""
    if not isinstance(value, dt.date):
        return ""
    this_year = timezone.localdate().year
    return day(value, "j M" if value.year == this_year else "j M Y")


@lru_cache(maxsize=4096)
def _formatted(value: dt.date, arg: str, language: str | None) -> str:
    return defaultfilters.date(value, arg)  # type: ignore[no-any-return]
