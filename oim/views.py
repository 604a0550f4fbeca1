"""OIM pages: the ranking, a service's assessment, hand assessments, factors and weights, budgets,
and value for money."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from benchmarking.models import Metric
from oim import assessments, charts, permissions, scoring, services, vfm
from oim.forms import (
    AssessmentForm,
    BudgetForm,
    FactorForm,
    WeightsForm,
    accepted_years,
)
from oim.models import (
    Factor,
    FactorAssessment,
    QuadrantWeight,
    ServiceBudget,
    ServiceCostMetric,
)
from targets import params
from targets.models import Service, User
from targets.periods import fy_label
from targets.permissions import sees_internal_values


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _viewer(request: HttpRequest) -> None:
    if not permissions.can_view_oim(request.user):
        raise PermissionDenied("The improvement model is for council staff and management.")


def _ranking_reader(request: HttpRequest) -> bool:
    """May read the ranking and value for money; True when from internal values."""
    if not permissions.can_view_ranking(request.user):
        raise PermissionDenied("The improvement model is for council staff and councillors.")
    return sees_internal_values(request.user)


def _configurer(request: HttpRequest) -> None:
    if not permissions.can_configure_oim(request.user):
        raise PermissionDenied("Only the performance team configures the improvement model.")


def _year_context(request: HttpRequest) -> tuple[int, dict[str, Any]]:
    year = params.year_param(request.GET, default=params.this_year(), choices=accepted_years())
    return year, {
        "year": year,
        "year_label": fy_label(year),
        "years": params.year_choices(back=4, ahead=1, around=year),
    }


def ranking(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_ranking(request.user):
        # People with no role: the ideas board is theirs too.
        return redirect("oim_ideas")
    internal = sees_internal_values(request.user)
    year, context = _year_context(request)
    result = assessments.assess(year, internal=internal)
    context.update(
        ranking=result,
        chart=charts.quadrant_chart(result),
        quadrants=scoring.QUADRANTS,
        rules=_rules(),
        can_configure=permissions.can_configure_oim(request.user),
        published_only=not internal,
        sees_registers=permissions.can_view_oim(request.user),
    )
    return render(request, "oim/ranking.html", context)


def _rules() -> dict[str, Any]:
    return {
        "min_quadrants": scoring.MIN_QUADRANTS,
        "weak": scoring.WEAK_QUADRANT,
        "fsr_cost": scoring.FSR_COST_QUADRANT,
        "min_ranked": scoring.BOTTOM_QUARTILE_MIN_RANKED,
    }


def service_assessment(request: HttpRequest, code: str, year: int) -> HttpResponse:
    internal = _ranking_reader(request)
    service = get_object_or_404(Service, code=code)
    if year not in dict(accepted_years()):
        raise Http404("No such financial year here.")
    result = assessments.assess(year, internal=internal)
    found = result.for_service(service)
    if found is None:  # an inactive service: assessed alone, not ranked
        found = assessments.assess(year, services=[service], internal=internal).services[0]
        found.rank = None
    return render(
        request,
        "oim/service.html",
        {
            "ranking": result,
            "a": found,
            "service": service,
            "year": year,
            "year_label": fy_label(year),
            "ranked_count": len(result.ranked),
            "rules": _rules(),
            "can_configure": permissions.can_configure_oim(request.user),
            "published_only": not internal,
            "sees_registers": permissions.can_view_oim(request.user),
        },
    )


def assess(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The performance team's hand assessments of one service for one year, all or nothing."""
    _configurer(request)
    service = get_object_or_404(Service, code=code)
    factors = list(Factor.objects.active().assessed())
    stored = {
        a.factor_id: a
        for a in FactorAssessment.objects.filter(service=service, year=year).select_related(
            "assessor"
        )
    }
    forms = [
        (
            factor,
            stored.get(factor.pk),
            AssessmentForm(
                request.POST or None,
                prefix=f"f{factor.pk}",
                initial=(
                    {
                        "score": stored[factor.pk].score,
                        "evidence": stored[factor.pk].evidence,
                        "assessed_on": stored[factor.pk].assessed_on,
                    }
                    if factor.pk in stored
                    else {"assessed_on": timezone.localdate()}
                ),
            ),
        )
        for factor in factors
    ]
    if request.method == "POST" and all(form.is_valid() for _, _, form in forms):
        services.assessments_save(
            service=service,
            year=year,
            assessed=[
                services.Assessed(
                    factor,
                    form.cleaned_data["score"],
                    form.cleaned_data["evidence"],
                    form.cleaned_data["assessed_on"],
                )
                for factor, _, form in forms
            ],
            user=_user(request),
        )
        messages.success(request, f"Assessments of {service} for {fy_label(year)} saved.")
        return redirect("oim_service", code=service.code, year=year)
    return render(
        request,
        "oim/assess.html",
        {
            "service": service,
            "year": year,
            "year_label": fy_label(year),
            "forms": forms,
            "has_errors": any(form.errors for _, _, form in forms),
        },
        status=400 if request.method == "POST" else 200,
    )


def factor_list(request: HttpRequest) -> HttpResponse:
    _viewer(request)
    can_configure = permissions.can_configure_oim(request.user)
    weights = QuadrantWeight.as_dict()
    form = WeightsForm(request.POST or None, weights=weights)
    if request.method == "POST":
        _configurer(request)
        if form.is_valid():
            services.quadrant_weights_save(weights=form.cleaned_data, user=_user(request))
            messages.success(request, "Quadrant weights saved.")
            return redirect("oim_factors")
    factors = list(Factor.objects.all())
    grouped = assessments.by_quadrant(factors)
    return render(
        request,
        "oim/factors.html",
        {
            "quadrants": [(q, weights[q], grouped.get(q, [])) for q in scoring.QUADRANTS],
            "form": form,
            "can_configure": can_configure,
        },
        status=400 if form.errors else 200,
    )


def factor_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _configurer(request)
    factor = get_object_or_404(Factor, pk=pk) if pk is not None else None
    form = FactorForm(request.POST or None, instance=factor)
    if request.method == "POST" and form.is_valid():
        saved = services.factor_save(factor=form.save(commit=False), user=_user(request))
        messages.success(request, f"Factor saved: {saved.name}.")
        return redirect("oim_factors")
    return render(
        request,
        "oim/form.html",
        {
            "form": form,
            "title": f"Change {factor.name}" if factor else "Add a factor",
            "back": reverse("oim_factors"),
            "back_text": "Factors and weights",
            "button": "Save the factor",
        },
        status=400 if request.method == "POST" else 200,
    )


def budgets(request: HttpRequest) -> HttpResponse:
    """Each active service's net budget for a year and its benchmark metric of spend."""
    _configurer(request)
    year, context = _year_context(request)
    chosen = list(Service.objects.filter(is_active=True))
    stored = {b.service_id: b for b in ServiceBudget.objects.filter(year=year, service__in=chosen)}
    links = {c.service_id: c for c in ServiceCostMetric.objects.filter(service__in=chosen)}
    metrics = Metric.objects.filter(unit="currency").order_by("code")
    rows = [
        (
            s,
            BudgetForm(
                request.POST or None,
                prefix=s.code,
                metrics=metrics,
                initial={
                    "net_budget": stored[s.pk].net_budget if s.pk in stored else None,
                    "metric": links[s.pk].metric_id if s.pk in links else None,
                },
            ),
        )
        for s in chosen
    ]
    if request.method == "POST" and all(form.is_valid() for _, form in rows):
        services.budgets_save(
            year=year,
            rows=[
                services.Budgeted(s, form.cleaned_data["net_budget"], form.cleaned_data["metric"])
                for s, form in rows
            ],
            user=_user(request),
        )
        messages.success(request, f"Budgets for {fy_label(year)} saved.")
        return redirect(f"{reverse('oim_budgets')}?year={year}")
    context.update(rows=rows, has_errors=any(f.errors for _, f in rows))
    return render(
        request, "oim/budgets.html", context, status=400 if request.method == "POST" else 200
    )


def value_for_money(request: HttpRequest) -> HttpResponse:
    internal = _ranking_reader(request)
    year, context = _year_context(request)
    rows = vfm.vfm_rows(year, internal=internal)
    cells = vfm.grid(rows)
    context.update(
        rows=rows,
        priority=[r for r in rows if r.priority is not None],
        left_out=[r for r in rows if r.priority is None],
        grid=[(q, cells[q - 1]) for q in range(1, 5)],
        chart=charts.vfm_chart(rows),
        all_label=next((r.cost_all.group_label for r in rows if r.cost_all), ""),
        can_configure=permissions.can_configure_oim(request.user),
        published_only=not internal,
        sees_registers=permissions.can_view_oim(request.user),
    )
    return render(request, "oim/vfm.html", context)
