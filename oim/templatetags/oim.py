"""The OIM in templates: scores with a word as well as a colour (WCAG 1.4.1), missing shown as
missing (never 0), and money."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from oim.scoring import WEAK_QUADRANT
from targets import formatting

register = template.Library()

BANDS = ((Decimal("3.5"), "strong"), (Decimal("2.5"), "good"))


def band(value: Decimal) -> str:
    """strong ≥ 3.5, good ≥ 2.5, weak ≤ 1.5 (the candidates' rule), fair between."""
    if value <= WEAK_QUADRANT:
        return "weak"
    return next((name for floor, name in BANDS if value >= floor), "fair")


@register.simple_tag
def score(value: Decimal | int | None) -> SafeString:
    """A score of 1–4 with its band in words; "Missing" when there is none."""
    if value is None:
        return format_html('<span class="score score--missing">{}</span>', "Missing")
    name = band(Decimal(value))
    return format_html(
        '<span class="score score--{}">{} <span class="score__band">{}</span></span>',
        name,
        value,
        name,
    )


@register.filter
def money(value: Decimal | None) -> str:
    if value is None:
        return "–"
    return formatting.figure(value, unit=formatting.CURRENCY, decimals=0)


@register.filter
def money2(value: Decimal | None) -> str:
    if value is None:
        return "–"
    return formatting.figure(value, unit=formatting.CURRENCY, decimals=2)


@register.filter
def figure(value: Decimal | None) -> str:
    """A raw figure as a person would write it: 85.0 -> 85, 2.50 -> 2.5."""
    if value is None:
        return "Missing"
    text = format(value.normalize(), "f")
    if "." not in text and abs(value) >= 10000:
        return f"{value:,.0f}"
    return text
