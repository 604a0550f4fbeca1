"""Benchmarking in templates: quartiles as words and symbols as well as colour (WCAG 1.4.1),
figures in the metric's unit, gaps in words, and the measure page's positions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from benchmarking.models import Metric
from benchmarking.services import positions_for_measure
from targets.models import Measure

register = template.Library()

QUARTILES = {
    1: ("▲", "Top quartile"),
    2: ("△", "Second quartile"),
    3: ("▽", "Third quartile"),
    4: ("▼", "Bottom quartile"),
}


@register.simple_tag
def quartile(value: int | None) -> SafeString:
    if value not in QUARTILES:
        return format_html('<span class="quartile quartile--none">{}</span>', "No quartile")
    symbol, text = QUARTILES[value]  # type: ignore[index]
    return format_html(
        '<span class="quartile quartile--{}"><span aria-hidden="true">{}</span> {}</span>',
        value,
        symbol,
        text,
    )


@register.filter
def lowerfirst(text: str) -> str:
    """ "All non-metropolitan districts (NMD)" -> "all non-metropolitan districts (NMD)"."""
    return text[:1].lower() + text[1:] if text else text


@register.simple_tag
def bfigure(metric: Metric, value: Decimal | None) -> str:
    return metric.format(value)


def _gap_size(metric: Metric, gap: Decimal) -> str:
    """How big a gap is, at the metric's decimals; a gap too small to show says so."""
    size = metric.format_gap(abs(gap))
    if size == metric.format_gap(Decimal(0)):
        return f"less than {metric.format_gap(Decimal(1).scaleb(-metric.decimals))}"
    return size


@register.simple_tag
def gap_to_median(metric: Metric, gap: Decimal | None) -> str:
    """The gap to the median: in percentage points for a percentage, never "0.65%"."""
    if gap is None:
        return "–"
    if gap == 0:
        return "At the median"
    better = (gap > 0) == metric.is_higher_better
    side = "above" if gap > 0 else "below"
    return f"{_gap_size(metric, gap)} {side} the median ({'better' if better else 'worse'})"


@register.simple_tag
def gap_to_top(metric: Metric, gap: Decimal | None) -> str:
    if gap is None:
        return "–"
    inside = gap >= 0 if metric.is_higher_better else gap <= 0
    if inside:
        return "In the top quartile"
    return f"{_gap_size(metric, gap)} short of the top quartile"


@register.inclusion_tag("benchmarking/_measure_positions.html")
def benchmark_positions(measure: Measure) -> dict[str, Any]:
    """The measure page's section: the council's positions on the metrics linked to it."""
    return {"measure": measure, "summaries": positions_for_measure(measure)}
