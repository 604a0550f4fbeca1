"""Small template helpers of the feedback pages, and the service scorecard's feedback panel."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from feedback import figures, permissions
from feedback.compliance import ServiceCompliance, service_compliance
from feedback.models import Arrangement, Round
from targets import periods
from targets.models import Service

register = template.Library()


@register.simple_tag
def percent(value: Decimal | None) -> SafeString:
    if value is None:
        return mark_safe(  # constant markup, nothing from the user
            '<span aria-hidden="true">–</span><span class="visually-hidden">no figure</span>'
        )
    return format_html("{}%", value)


@register.filter
def get(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key)


@register.filter
def not_ok(rows: list[ServiceCompliance]) -> dict[str, list[ServiceCompliance]]:
    return {
        "feedback": [r for r in rows if not r.has_feedback],
        "internal": [r for r in rows if r.needs_internal and not r.has_internal],
    }


@register.simple_tag
def feedback_status(problems: int) -> SafeString:
    """A tick or a cross, with words for those who cannot see them."""
    modifier, symbol, words = ("missing", "✗", "Not met:") if problems else ("met", "✓", "Met:")
    return format_html(
        '<span class="feedback-status feedback-status--{}"><span aria-hidden="true">{}</span>'
        '<span class="visually-hidden">{}</span></span>',
        modifier,
        symbol,
        words,
    )


@register.simple_tag(takes_context=True)
def complaints_visible(context: template.Context) -> bool:
    request = context.get("request")
    return request is not None and permissions.can_view_complaints(request.user)


@register.inclusion_tag("feedback/_service_feedback_panel.html", takes_context=True)
def service_feedback(context: template.Context, service: Service) -> dict[str, Any]:
    """A service's feedback in brief, for its scorecard: compliance, this year's satisfaction,
    the latest rounds, and (for staff) its complaints this year."""
    today = timezone.localdate()
    year = periods.financial_year_of(today)
    request = context.get("request")
    user = request.user if request is not None else None
    rows = service_compliance(today, service)
    shown: dict[str, Any] = {
        "service": service,
        "year_label": periods.fy_label(year),
        "compliance": rows[0] if rows else None,
        "satisfaction": figures.satisfaction_by_service(year).get(service.pk),
        "arrangements": Arrangement.objects.filter(service=service, is_active=True).count(),
        "rounds": Round.objects.filter(arrangement__service=service)
        .select_related("arrangement")
        .order_by("-ended")[:3],
        "can_view_complaints": user is not None and permissions.can_view_complaints(user),
    }
    if shown["can_view_complaints"]:
        first, _ = figures.year_span(year)
        last = periods.latest_complete_period(today, periods.Frequency.MONTHLY)
        months = (
            figures.council_months(last, last.index, service=service.pk, today=today)
            if last.year == year
            else []
        )
        total = figures.MonthFigures()
        for row in months:
            total.add(row.figures)
        shown["complaints"] = total
        shown["complaint_months"] = len(months)
    return shown
