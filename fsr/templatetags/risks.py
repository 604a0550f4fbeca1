"""Risk bands and programme statuses as text, a symbol and a colour (never colour alone)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from fsr.governance.scoring import Band, Rag

register = template.Library()

BAND_CLASS = {Band.HIGH: "red", Band.MEDIUM: "amber", Band.LOW: "green"}
RAG_TEXT = {
    Rag.GREEN: ("✓", "On track"),
    Rag.AMBER: ("!", "At risk"),
    Rag.RED: ("✗", "Off track"),
}


@register.simple_tag
def band(value: Band | str, score: int | None = None) -> SafeString:
    """A risk band, with its score when given: "▲ High (20)"."""
    found = Band(value)
    return format_html(
        '<span class="rag rag--{}"><span aria-hidden="true">{}</span> {}{}</span>',
        BAND_CLASS[found],
        found.symbol,
        found.label,
        f" ({score})" if score is not None else "",
    )


@register.simple_tag
def programme_rag(value: Rag | str) -> SafeString:
    found = Rag(value)
    symbol, text = RAG_TEXT[found]
    return format_html(
        '<span class="rag rag--{}"><span aria-hidden="true">{}</span> {}</span>',
        found.value,
        symbol,
        text,
    )
