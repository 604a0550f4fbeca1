"""Peer reviews, market intelligence and the savings plan."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from fsr import permissions, savings, services
from fsr.compliance import intelligence_compliance
from fsr.filters import IntelligenceFilter, PeerReviewFilter
from fsr.forms import ActionForm, IntelligenceForm, PeerReviewForm, SavingsLineForm
from fsr.models import MarketIntelligence, PeerReview, SavingsLine
from fsr.views import _user
from targets import periods
from targets.exports import Column, export_response
from targets.params import this_year, year_choices, year_param
from targets.plans.actions import PlanError

PEER_REVIEW_COLUMNS = [
    Column("Reviewer", lambda p: p.reviewer_organisation),
    Column("Reviewer's name", lambda p: p.reviewer_name),
    Column("Service", lambda p: p.service.name),
    Column("Start", lambda p: p.started_on),
    Column("End", lambda p: p.ended_on),
    Column("Part of", lambda p: p.review.title if p.review else ""),
]


def _can_add(request: HttpRequest) -> bool:
    return permissions.review_editable_service_ids(request.user) != set()


# Peer reviews


def peer_review_list(request: HttpRequest) -> HttpResponse:
    queryset = PeerReview.objects.for_service_ids(
        permissions.review_service_ids(request.user)
    ).select_related("service", "review")
    filters = PeerReviewFilter(request.GET or None, queryset=queryset)
    if not filters.errors:
        exported = export_response(request, filters.qs, PEER_REVIEW_COLUMNS, "peer-reviews")
        if exported is not None:
            return exported
    return render(
        request,
        "fsr/peer_review_list.html",
        {"filters": filters, "peer_reviews": filters.qs, "can_add": _can_add(request)},
        status=400 if filters.errors else 200,
    )


def _peer_review(request: HttpRequest, pk: int, *, edit: bool = False) -> PeerReview:
    found = get_object_or_404(
        PeerReview.objects.for_service_ids(
            permissions.review_service_ids(request.user)
        ).select_related("service", "review"),
        pk=pk,
    )
    if edit and not permissions.can_edit_review(request.user, found.service):
        raise PermissionDenied(f"You cannot change peer reviews of {found.service}.")
    return found


def peer_review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    found = _peer_review(request, pk)
    recommendations = found.recommendations.select_related("owner")
    return render(
        request,
        "fsr/peer_review_detail.html",
        {
            "peer_review": found,
            "recommendations": recommendations,
            "can_edit": permissions.can_edit_review(request.user, found.service),
        },
    )


def peer_review_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = _user(request)
    found = _peer_review(request, pk, edit=True) if pk is not None else None
    if found is None and not _can_add(request):
        raise PermissionDenied("Only heads of service and the performance team record these.")
    form = PeerReviewForm(request.POST or None, instance=found, user=user)
    if request.method == "POST" and form.is_valid():
        saved = services.peer_review_save(peer_review=form.save(commit=False), user=user)
        messages.success(request, "Peer review saved.")
        return redirect(saved)
    return render(
        request,
        "fsr/peer_review_form.html",
        {"form": form, "peer_review": found},
        status=400 if request.method == "POST" else 200,
    )


def peer_recommendation(
    request: HttpRequest, pk: int, action_pk: int | None = None
) -> HttpResponse:
    found = _peer_review(request, pk, edit=True)
    action = get_object_or_404(found.recommendations.all(), pk=action_pk) if action_pk else None
    form = ActionForm(request.POST or None, instance=action)
    if request.method == "POST" and form.is_valid():
        try:
            services.peer_recommendation_save(
                peer_review=found, action=form.save(commit=False), user=_user(request)
            )
        except PlanError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, "Recommendation saved.")
            return redirect(found)
    return render(
        request,
        "fsr/action_form.html",
        {"parent": found, "form": form, "action": action, "heading": "recommendation"},
        status=400 if request.method == "POST" else 200,
    )


# Market intelligence


def intelligence_list(request: HttpRequest) -> HttpResponse:
    queryset = MarketIntelligence.objects.for_service_ids(
        permissions.review_service_ids(request.user)
    ).select_related("service", "added_by")
    filters = IntelligenceFilter(request.GET or None, queryset=queryset)
    editable = permissions.review_editable_service_ids(request.user)
    today = timezone.localdate()
    year = periods.financial_year_of(today)
    return render(
        request,
        "fsr/intelligence_list.html",
        {
            "filters": filters,
            "notes": filters.qs,
            "can_add": editable != set(),
            "editable": editable,
            # Every service gathers market intelligence each year (the framework's Appendix 2).
            "compliance": intelligence_compliance(
                year, today, service_ids=permissions.review_service_ids(request.user)
            ),
            "year_label": periods.fy_label(year),
        },
        status=400 if filters.errors else 200,
    )


def intelligence_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = _user(request)
    note = None
    if pk is not None:
        note = get_object_or_404(MarketIntelligence.objects.select_related("service"), pk=pk)
        if not permissions.can_edit_market_intelligence(user, note.service):
            raise PermissionDenied(f"You cannot change market intelligence of {note.service}.")
    elif not _can_add(request):
        raise PermissionDenied("Only heads of service and the performance team add these.")
    form = IntelligenceForm(request.POST or None, instance=note, user=user)
    if request.method == "POST" and form.is_valid():
        saved = services.intelligence_save(note=form.save(commit=False), user=user)
        messages.success(request, f"Market intelligence saved: {saved.source}.")
        return redirect(reverse("fsr_intelligence") + f"?service={saved.service.code}")
    return render(
        request,
        "fsr/intelligence_form.html",
        {"form": form, "note": note},
        status=400 if request.method == "POST" else 200,
    )


# The savings plan


def savings_plan(request: HttpRequest) -> HttpResponse:
    choices = year_choices(back=6, ahead=1)
    year = year_param(request.GET, default=this_year(), choices=choices)
    lines = (
        SavingsLine.objects.for_service_ids(permissions.review_service_ids(request.user))
        .filter(year=year)
        .select_related("service", "review")
    )
    by_source, overall = savings.totals(lines)
    return render(
        request,
        "fsr/savings_plan.html",
        {
            "lines": lines,
            "by_source": by_source,
            "overall": overall,
            "chart": savings.chart(by_source),
            "year": year,
            "year_label": periods.fy_label(year),
            "year_choices": choices,
            "can_edit": permissions.can_manage_review_programme(request.user),
        },
    )


def savings_line_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if not permissions.can_manage_review_programme(request.user):
        raise PermissionDenied("Only the performance team keeps the savings plan.")
    line = get_object_or_404(SavingsLine, pk=pk) if pk is not None else None
    form = SavingsLineForm(request.POST or None, instance=line)
    if request.method == "POST" and form.is_valid():
        saved = services.savings_line_save(line=form.save(commit=False), user=_user(request))
        messages.success(request, f"Savings line saved: {saved.title}.")
        return redirect(reverse("fsr_savings") + f"?year={saved.year}")
    return render(
        request,
        "fsr/savings_form.html",
        {"form": form, "line": line},
        status=400 if request.method == "POST" else 200,
    )
