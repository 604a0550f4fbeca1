"""Status shown as symbol and word as well as colour (WCAG 1.4.1)."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from targets import exports, permissions
from targets.models import Measure
from targets.rules import Direction, RagResult

register = template.Library()

# Colour follows judgement: better green, worse red, neutral grey. Words carry the meaning.
_CSS = {
    Direction.IMPROVING: "improving",
    Direction.WORSENING: "worsening",
    Direction.NO_CHANGE: "no-change",
    Direction.INCREASING: "neutral",
    Direction.DECREASING: "neutral",
}


@register.simple_tag
def rag(result: RagResult | None) -> SafeString:
    if result is None:
        return mark_safe('<span class="rag rag--none">–</span>')
    return format_html(
        '<span class="rag rag--{}"><span aria-hidden="true">{}</span> {}</span>',
        result.rag.value,
        result.symbol,
        result.label,
    )


@register.simple_tag
def travel(direction: Direction | None) -> SafeString:
    if direction is None:
        return mark_safe('<span class="dot dot--none">Not known</span>')
    return format_html(
        '<span class="dot dot--{}"><span aria-hidden="true">{}</span> {}</span>',
        _CSS[direction],
        direction.arrow,
        direction.label,
    )


@register.simple_tag
def figure(measure: Measure, value: Decimal | None) -> str:
    return measure.format(value)


@register.simple_tag
def target_text(measure: Measure, spec: object) -> str:
    """A target as text: the figure, or the range "lo–hi" ("−2.0% to 2.0%" when the lower
    bound is negative, so that the dash is never read as a minus)."""
    if spec is None:
        return "No target"
    lower, upper, value = (getattr(spec, k) for k in ("lower", "upper", "value"))
    if lower is not None and upper is not None and measure.polarity == Measure.Polarity.RANGE:
        joiner = " to " if lower < 0 else "–"
        return f"{measure.format(lower)}{joiner}{measure.format(upper)}"
    return measure.format(value) if value is not None else "No target"


@register.simple_tag(takes_context=True)
def export_url(context: template.Context, kind: str) -> str:
    """This page's address asking for its rows as a file (`targets.exports.export_response`)."""
    return exports.export_query(context["request"], kind)


@register.filter
def may_read_action(viewer: object, action: object) -> bool:
    """Whether a link to `action`'s page would open for `viewer` (no link shown that its viewer
    cannot follow)."""
    from targets.models import Action

    if not isinstance(action, Action):
        return False
    return permissions.can_read_action(viewer, action)  # type: ignore[arg-type]


@register.filter
def may_see_person(viewer: object, person: object) -> bool:
    """Whether a link to `person`'s golden thread page would open for `viewer` (no link shown
    that its viewer cannot follow)."""
    from targets.models import User

    if not isinstance(person, User):
        return False
    return permissions.can_see_person(viewer, person)  # type: ignore[arg-type]
