"""Money and ratio formatting: a missing ratio reads "n/a", never 0."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.template.defaultfilters import floatformat

from programs import evm

register = template.Library()


@register.filter
def ratio(value: Decimal | None, places: int = 2) -> str:
    if value is None:
        return "n/a"
    return str(Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


@register.filter
def money(value: Decimal | None) -> str:
    if value is None:
        return "n/a"
    return floatformat(value, "0g")


@register.filter
def index_band(value: Decimal | None) -> str:
    return evm.index_band(value)
