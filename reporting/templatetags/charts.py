"""Small server-drawn charts: sparklines as inline SVG, readable without JavaScript."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from reporting.sparkline import draw
from targets.models import Measure
from targets.periods import Period

register = template.Library()
SIZES = {"small": (96, 24), "large": (240, 48)}


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def trend_summary(measure: Measure, history: list[tuple[Period, Decimal | None]]) -> str:
    """A sparkline's accessible name: the first and latest figures, the lowest and the highest
    (`history` oldest first, with at least one figure)."""
    known = [(p, v) for p, v in history if v is not None]
    (first_period, first), (last_period, last) = known[0], known[-1]
    values = [v for _, v in known]
    return (
        f"{measure.format(first)} in {first_period.label}, "
        f"{measure.format(last)} in {last_period.label}; lowest {measure.format(min(values))}, "
        f"highest {measure.format(max(values))}."
    )


@register.simple_tag
def sparkline(
    measure: Measure,
    history: list[tuple[Period, Decimal | None]],
    targets: list[Decimal | None] | None = None,
    size: str = "small",
) -> SafeString:
    """A measure's trend over `history` (oldest first), with its targets as a dashed line when
    given; its accessible name says the first and latest figures, the lowest and the highest."""
    width, height = SIZES[size]
    line = draw(
        [_float(v) for _, v in history],
        [_float(t) for t in targets or []],
        width=width,
        height=height,
    )
    if line is None or line.last is None:
        return format_html('<span class="hint">{}</span>', "Too few values")
    label = f"Trend over {len(history)} periods: {trend_summary(measure, history)}"
    latest_target = next((t for t in reversed(targets or []) if t is not None), None)
    if latest_target is not None:
        label += f" Latest target {measure.format(latest_target)}."
    target = (
        format_html('<polyline class="sparkline__target" points="{}"/>', line.target)
        if line.target
        else ""
    )
    return format_html(
        '<svg class="sparkline sparkline--{}" width="{}" height="{}" viewBox="0 0 {} {}" '
        'role="img" aria-label="{}">{}<polyline class="sparkline__figures" fill="none" '
        'stroke="currentColor" stroke-width="1.5" points="{}"/>'
        '<circle cx="{}" cy="{}" r="2" fill="currentColor"/></svg>',
        size,
        width,
        height,
        width,
        height,
        label,
        target,
        line.figures,
        line.last[0],
        line.last[1],
    )
