"""The corporate dashboard and the service scorecards."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Count, FilteredRelation, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from fsr.governance import permissions as risk_permissions
from reporting.dashboard import (
    CACHE_SECONDS,
    CachedScorecard,
    Scorecard,
    Section,
    cached_scorecard,
    current_plan,
    default_month,
    in_plan,
    latest_month,
    plan_sections,
)
from reporting.filters import ScorecardFilter
from reporting.page_exports import (
    SCORECARD_COLUMNS,
    SERVICE_COLUMNS,
    priority_heading,
    sectioned,
)
from targets import periods, permissions
from targets.exports import export_format, export_response
from targets.models import Measure, MeasureQuerySet, Service, ServiceRole


def _filtered(
    request: HttpRequest, *, defaults: dict[str, str], service: Service | None = None
) -> tuple[ScorecardFilter, dict[str, Any]]:
    """The filters asked for; `defaults` apply when a filter is absent (not when set to "all").
    A service's page filters its own measures: its service is not asked (nor looked up again)."""
    data = request.GET.copy()
    for key, value in defaults.items():
        data.setdefault(key, value)
    measures = Measure.objects.all()
    if service is not None:
        data.pop("service", None)
        measures = measures.filter(service=service)
    filters = ScorecardFilter(data, queryset=measures, request=request)
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
    filters, ctx = _filtered(request, defaults={"kind": Measure.Kind.CORPORATE})
    # Risks and programmes come from their own page, loaded into this one (fsr/governance),
    # so that the dashboard's own queries stay as few as they are.
    extra = {"shows_governance": risk_permissions.sees_risks(request.user)}
    return _render(
        request,
        filters,
        ctx,
        "reporting/dashboard.html",
        extra,
        export=lambda card: (
            f"corporate-performance-{ctx['month'].code}",
            sectioned((priority_heading(p), rows) for p, rows in card.by_priority),
        ),
        what_changed=True,
        cached_html=True,
    )


def service_list(request: HttpRequest) -> HttpResponse:
    """Every active service, each linking to its scorecard (every signed-in viewer may open
    any scorecard: it shows each viewer the values they may see)."""
    year = periods.financial_year_of(timezone.localdate())
    services = (
        Service.objects.filter(is_active=True)
        .select_related("head")
        .annotate(
            measure_count=Count(
                "measures",
                filter=Q(measures__active_from__lte=year)
                & (Q(measures__active_to__isnull=True) | Q(measures__active_to__gte=year)),
            )
        )
        .order_by("name")
    )
    exported = export_response(request, services, SERVICE_COLUMNS, "services")
    if exported is not None:
        return exported
    return render(
        request,
        "reporting/service_list.html",
        {"services": services, "year_label": periods.fy_label(year)},
    )


def service_scorecard(request: HttpRequest, code: str) -> HttpResponse:
    """A service's measures, grouped by its improvement plan for the month's year: the plan's
    service targets under its objectives first, then the rest."""
    # The service, its head and its data-quality champion in one query.
    champion = FilteredRelation("roles", condition=Q(roles__role=ServiceRole.Role.DQ_CHAMPION))
    service = get_object_or_404(
        Service.objects.annotate(champion=champion).select_related(
            "head",
            "champion__user",  # type: ignore[misc]
        ),
        code=code,
    )
    filters, ctx = _filtered(request, defaults={}, service=service)
    year = ctx["month"].year
    plan = current_plan(service, year)
    extra = {
        "service": service,
        "champion": role.user if (role := getattr(service, "champion", None)) else None,
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
        measures=in_plan(filters.qs, service, year) if not filters.form.errors else None,
        export=lambda card: (
            f"{service.code}-scorecard-{ctx['month'].code}",
            sectioned((s.title, s.rows) for s in plan_sections(card.statuses, plan)),
        ),
    )


def _render(
    request: HttpRequest,
    filters: ScorecardFilter,
    ctx: dict[str, Any],
    template: str,
    extra: dict[str, Any],
    sections: Callable[[Scorecard], list[Section]] | None = None,
    export: Callable[[Scorecard], tuple[str, Iterable[Any]]] | None = None,
    what_changed: bool = False,
    measures: MeasureQuerySet | None = None,
    cached_html: bool = False,
) -> HttpResponse:
    asked = export_format(request)  # a bad ?export= is a 400 before any work
    if filters.form.errors:
        return render(request, template, {"filters": filters, **ctx, **extra}, status=400)
    rag = filters.form.cleaned_data.get("rag") or None
    chosen: dict[str, Any] = {
        "month": ctx["month"],
        "rag": rag,
        "internal": ctx["internal"],
        "today": ctx["today"],
        "key": request.GET.urlencode() + "|" + request.path,
        # Over every row: not drafted for a status filter, whose rows are a different set.
        "what_changed": what_changed and rag is None,
    }
    shown = filters.qs if measures is None else measures
    page: dict[str, Any] = {}
    card: Scorecard
    if cached_html:
        # The template caches its HTML of the scorecard under `card_vary`: read on a miss only.
        entry = CachedScorecard(shown, **chosen)
        card = SimpleLazyObject(lambda: entry.card)  # type: ignore[assignment]
        opens_audits = bool(entry.dq_flags) and permissions.sees_data_quality(request.user)
        page = {
            "card_vary": f"{entry.cache_key}|{entry.flagged}|{opens_audits}",
            "cache_seconds": CACHE_SECONDS,
        }
    else:
        card = cached_scorecard(shown, **chosen)
    if asked and export is not None:
        name, rows = export(card)
        exported = export_response(request, rows, SCORECARD_COLUMNS, name)
        if exported is not None:
            return exported
    if sections is not None:
        extra = {**extra, "sections": sections(card)}
    return render(request, template, {"filters": filters, "card": card, **ctx, **extra, **page})
