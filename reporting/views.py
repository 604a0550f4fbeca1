"""The corporate dashboard and the service scorecards."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from reporting.dashboard import (
    Scorecard,
    Section,
    cached_scorecard,
    chart_data,
    current_plan,
    default_month,
    latest_month,
    plan_sections,
)
from reporting.filters import ScorecardFilter
from targets import periods, permissions
from targets.models import Measure, Service


def _filtered(
    request: HttpRequest, *, fixed: dict[str, str], defaults: dict[str, str]
) -> tuple[ScorecardFilter, dict[str, Any]]:
    """The filters asked for; `defaults` apply when a filter is absent (not when set to "all")."""
    data = request.GET.copy()
    for key, value in defaults.items():
        data.setdefault(key, value)
    for key, value in fixed.items():
        data[key] = value
    filters = ScorecardFilter(data, queryset=Measure.objects.all(), request=request)
    valid = filters.is_valid()
    cleaned = filters.form.cleaned_data if valid else {}
    today = timezone.localdate()
    latest = latest_month(today)
    internal = permissions.sees_internal_values(request.user)
    opens_at = default_month(internal=internal, today=today)
    month = cleaned.get("period") or opens_at
    if valid and month > latest:
        filters.form.add_error("period", f"{month.label} has not ended yet.")
    choices = list(reversed(periods.last_n(latest, 36)))
    if month not in choices and month <= latest:
        choices.append(month)
    context = {"month": month, "today": today, "latest": latest, "month_choices": choices}
    return filters, {**context, "internal": internal, "opens_at": opens_at}


def dashboard(request: HttpRequest) -> HttpResponse:
    """The corporate dashboard: the first screen after signing in."""
    # The first visit shows the corporate plan; "All" kinds is kind= (present, empty).
    filters, ctx = _filtered(request, fixed={}, defaults={"kind": Measure.Kind.CORPORATE})
    return _render(request, filters, ctx, "reporting/dashboard.html", {}, what_changed=True)


def service_scorecard(request: HttpRequest, code: str) -> HttpResponse:
    """A service's measures, grouped by its improvement plan for the month's year: the plan's
    service targets under its objectives first, then the rest."""
    service = get_object_or_404(Service, code=code)
    filters, ctx = _filtered(request, fixed={"service": service.code}, defaults={})
    plan = current_plan(service, ctx["month"].year)
    extra = {
        "service": service,
        "plan": plan,
        "plan_year_label": periods.fy_label(ctx["month"].year),
        "sees_plans": permissions.sees_plans(request.user),
    }
    return _render(
        request,
        filters,
        ctx,
        "reporting/service_scorecard.html",
        extra,
        sections=lambda card: plan_sections(card.statuses, plan),
    )


def _render(
    request: HttpRequest,
    filters: ScorecardFilter,
    ctx: dict[str, Any],
    template: str,
    extra: dict[str, Any],
    sections: Callable[[Scorecard], list[Section]] | None = None,
    what_changed: bool = False,
) -> HttpResponse:
    if filters.form.errors:
        return render(request, template, {"filters": filters, **ctx, **extra}, status=400)
    rag = filters.form.cleaned_data.get("rag") or None
    card = cached_scorecard(
        filters.qs,
        month=ctx["month"],
        rag=rag,
        internal=ctx["internal"],
        today=ctx["today"],
        key=request.GET.urlencode() + "|" + request.path,
        # Over every row: not drafted for a status filter, whose rows are a different set.
        what_changed=what_changed and rag is None,
    )
    if sections is not None:
        extra = {**extra, "sections": sections(card)}
    return render(
        request,
        template,
        {"filters": filters, "card": card, "trend": chart_data(card), **ctx, **extra},
    )
