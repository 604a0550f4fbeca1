"""Small server-drawn charts: sparklines as inline SVG, readable without JavaScript."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from targets.models import Measure
from targets.periods import Period

register = template.Library()
WIDTH, HEIGHT, PAD = 96, 24, 2


@register.simple_tag
def sparkline(measure: Measure, history: list[tuple[Period, Decimal | None]]) -> SafeString:
    known = [(p, v) for p, v in history if v is not None]
    if len(known) < 2:
        return format_html('<span class="hint">{}</span>', "Too few values")
    low = min(v for _, v in known)
    high = max(v for _, v in known)
    span = (high - low) or Decimal(1)
    step = (WIDTH - 2 * PAD) / max(len(history) - 1, 1)
    points = []
    for i, (_, v) in enumerate(history):
        if v is None:
            continue
        y = HEIGHT - PAD - float((v - low) / span) * (HEIGHT - 2 * PAD)
        points.append((round(PAD + i * step, 1), round(y, 1)))
    first, last = known[0], known[-1]
    label = (
        f"Trend over {len(history)} periods: {measure.format(first[1])} in {first[0].label}, "
        f"{measure.format(last[1])} in {last[0].label}; lowest {measure.format(low)}, "
        f"highest {measure.format(high)}."
    )
    return format_html(
        '<svg class="sparkline" width="{}" height="{}" viewBox="0 0 {} {}" role="img" '
        'aria-label="{}"><polyline fill="none" stroke="currentColor" stroke-width="1.5" '
        'points="{}"/><circle cx="{}" cy="{}" r="2" fill="currentColor"/></svg>',
        WIDTH,
        HEIGHT,
        WIDTH,
        HEIGHT,
        label,
        format_html_join(" ", "{},{}", points),
        points[-1][0],
        points[-1][1],
    )
