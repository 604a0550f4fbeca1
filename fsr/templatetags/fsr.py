"""Figures on the review pages: money and percentages, with missing data said in words."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

MISSING = '<span class="missing">no data</span>'


def _missing() -> SafeString:
    return mark_safe(MISSING)  # a constant


@register.filter
def money(value: Decimal | None) -> str | SafeString:
    """£1,234,568 (whole pounds); missing stays missing, never £0."""
    if value is None:
        return _missing()
    sign = "−" if value < 0 else ""
    return f"{sign}£{abs(value):,.0f}"


@register.filter
def pct(value: Decimal | None) -> str | SafeString:
    if value is None:
        return _missing()
    return f"{value:.1f}%"


@register.filter
def points(value: Decimal | None) -> str | SafeString:
    """A change in percentage points, signed."""
    if value is None:
        return _missing()
    return f"{'+' if value > 0 else '−' if value < 0 else '±'}{abs(value):.1f} points"


@register.filter
def signed_pct(value: Decimal | None) -> str | SafeString:
    if value is None:
        return _missing()
    return f"{'+' if value > 0 else '−' if value < 0 else '±'}{abs(value):.1f}%"


@register.simple_tag
def aim(met: bool | None) -> SafeString:
    """Whether an aim was met, as a symbol and words (never colour alone)."""
    if met is None:
        return mark_safe('<span class="aim aim--unknown">Not known yet</span>')
    if met:
        return mark_safe('<span class="aim aim--met"><span aria-hidden="true">✓</span> Met</span>')
    return mark_safe(
        '<span class="aim aim--missed"><span aria-hidden="true">✗</span> Not met</span>'
    )
