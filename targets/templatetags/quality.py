"""Data quality in templates: audit results as symbol and word (never colour alone), the
service's champion, the measure page's panel and the failed-audit flag on scorecard rows."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from targets import permissions
from targets.models import AuditResult, DataQualityAudit, Measure
from targets.quality import reports as dq_reports

register = template.Library()

_RESULTS = {
    AuditResult.PASS: ("✓", "Pass"),
    AuditResult.CONCERN: ("!", "Concern"),
    AuditResult.FAIL: ("✗", "Fail"),
}


@register.simple_tag
def dq_result(value: str) -> SafeString:
    if value not in _RESULTS:
        return format_html('<span class="dq-result dq-result--none">{}</span>', "Not scored")
    symbol, word = _RESULTS[AuditResult(value)]
    return format_html(
        '<span class="dq-result dq-result--{}"><span aria-hidden="true">{}</span> {}</span>',
        value,
        symbol,
        word,
    )


@register.inclusion_tag("targets/quality/_measure_panel.html", takes_context=True)
def dq_measure_panel(context: template.Context, measure: Measure) -> dict[str, Any]:
    user = context["request"].user
    if not permissions.sees_data_quality(user):
        return {"shown": False}
    return {
        "shown": True,
        "panel": dq_reports.measure_panel(measure, timezone.localdate()),
        "can_edit": permissions.can_edit_dq_procedure(user, measure),
    }


@register.filter
def dq_flag(row: Any, card: Any) -> DataQualityAudit | None:
    """The open failed audit that flags a scorecard row's value, if any."""
    flags = getattr(card, "dq_flags", None) or {}
    measure = getattr(row, "measure", None)
    return flags.get(getattr(measure, "pk", None)) if measure is not None else None
