"""Feedback pages: the overview, compliance, a service's feedback, complaints and their upload."""

from __future__ import annotations

from typing import IO, Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from feedback import charts, figures, permissions
from feedback.compliance import panel_compliance, service_compliance
from feedback.filters import ComplaintFilter
from feedback.forms import ComplaintUploadForm
from feedback.imports import import_complaints
from feedback.models import (
    Arrangement,
    Complaint,
    ComplaintImport,
    DerivedMeasure,
    MysteryShop,
    PanelResult,
    Round,
)
from targets import params, periods
from targets.exports import Column, export_response
from targets.models import Action, Service, User

MONTHS_SHOWN = 24
YEARS_SHOWN = 3
COMPLAINTS_PER_PAGE = 100
# The upload page lists this many problems; the command lists them all.
SHOWN_ERRORS = 1000


def _in_time(c: Complaint) -> str:
    """The list's "In time" column in words."""
    if c.kind != "complaint" or not c.due:
        return ""
    if c.responded:
        return "Yes" if c.responded <= c.due else "No, late"
    return "No, overdue" if c.due < timezone.localdate() else "Not yet due"


COMPLAINT_COLUMNS = [
    Column("Reference", lambda c: c.reference),
    Column("Kind", lambda c: c.get_kind_display()),
    Column("Service", lambda c: c.service.name),
    Column("Received", lambda c: c.received),
    Column("Stage", lambda c: c.get_stage_display()),
    Column("Due", lambda c: c.due),
    Column("Responded", lambda c: c.responded),
    Column("In time", _in_time),
    Column("Outcome", lambda c: c.outcome),
]


def overview(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    this_year = periods.financial_year_of(today)
    years = list(range(this_year - YEARS_SHOWN + 1, this_year + 1))
    satisfaction = figures.satisfaction_table(years)
    context: dict[str, Any] = {
        "years": [(y, periods.fy_label(y)) for y in years],
        "satisfaction": satisfaction,
        "satisfaction_chart": charts.satisfaction_chart(satisfaction, years)
        if satisfaction
        else None,
        "compliance": service_compliance(today),
        "panel": panel_compliance(this_year, today),
        "can_view_complaints": permissions.can_view_complaints(request.user),
    }
    if context["can_view_complaints"]:
        last = periods.latest_complete_period(today, periods.Frequency.MONTHLY)
        months = figures.council_months(last, MONTHS_SHOWN, today=today)
        context.update(
            months=months,
            complaints_chart=charts.complaints_chart(months),
            last_import=ComplaintImport.objects.select_related("imported_by").first(),
            derived=DerivedMeasure.objects.select_related("measure", "service"),
        )
    return render(request, "feedback/overview.html", context)


def compliance(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    year = params.year_param(request.GET, default=periods.financial_year_of(today))
    rows = service_compliance(today)
    return render(
        request,
        "feedback/compliance.html",
        {
            "rows": rows,
            "without_feedback": [r for r in rows if not r.has_feedback],
            "without_internal": [r for r in rows if r.needs_internal and not r.has_internal],
            "panel": panel_compliance(year, today),
            "year_choices": params.year_choices(back=5, ahead=0, around=year),
            "today": today,
        },
    )


def service_feedback(request: HttpRequest, code: str) -> HttpResponse:
    service = get_object_or_404(Service, code=code)
    today = timezone.localdate()
    arrangements = list(
        Arrangement.objects.filter(service=service)
        .select_related("owner")
        .prefetch_related(
            Prefetch("rounds", queryset=Round.objects.prefetch_related("actions__owner"))
        )
    )
    rounds = [r for a in arrangements for r in a.rounds.all()]
    context: dict[str, Any] = {
        "service": service,
        "arrangements": arrangements,
        "rounds_chart": charts.rounds_chart(rounds) if rounds else None,
        "visits": MysteryShop.objects.filter(service=service).prefetch_related("actions__owner"),
        "panel_results": PanelResult.objects.filter(service=service).select_related("survey"),
        "actions": Action.objects.filter(
            service=service,
            source__in=[Action.Source.FEEDBACK, Action.Source.MYSTERY_SHOPPING],
        ).select_related("owner", "objective__plan"),
        "compliance": next(iter(service_compliance(today, service)), None),
        "can_manage": permissions.can_manage_feedback(request.user, service),
        "can_view_complaints": permissions.can_view_complaints(request.user),
    }
    if context["can_view_complaints"]:
        last = periods.latest_complete_period(today, periods.Frequency.MONTHLY)
        months = figures.council_months(last, 12, service=service.pk, today=today)
        context.update(months=months, complaints_chart=charts.complaints_chart(months))
    return render(request, "feedback/service.html", context)


def service_feedback_in_brief(request: HttpRequest, code: str) -> HttpResponse:
    """A service's feedback in brief: the panel its scorecard loads into itself (so that the
    scorecard's own queries stay as few as they are, issue 18), and a page of its own."""
    service = get_object_or_404(Service, code=code)
    return render(request, "feedback/service_in_brief.html", {"service": service})


def complaint_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_complaints(request.user):
        raise PermissionDenied("Complaints are seen by council staff only.")
    queryset = Complaint.objects.select_related("service").order_by("-received", "reference")
    filters = ComplaintFilter(request.GET or None, queryset=queryset)
    page = Paginator(filters.qs, COMPLAINTS_PER_PAGE).get_page(request.GET.get("page"))
    if not filters.errors:
        exported = export_response(
            request, page.object_list, COMPLAINT_COLUMNS, "complaints-and-compliments"
        )
        if exported is not None:
            return exported
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "feedback/complaint_list.html",
        {
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "today": timezone.localdate(),
            "can_import": permissions.can_import_complaints(request.user),
        },
        status=400 if filters.errors else 200,
    )


def complaint_upload(request: HttpRequest) -> HttpResponse:
    if not permissions.can_import_complaints(request.user):
        raise PermissionDenied("Only the performance team imports the CRM's export.")
    form = ComplaintUploadForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = import_complaints(
            cast(IO[bytes], upload),
            file_name=upload.name,
            user=cast(User, request.user),
            dry_run=form.cleaned_data["dry_run"],
        )
        if report.ok and not report.dry_run:
            messages.success(request, report.summary)
    failed = request.method == "POST" and (not form.is_valid() or (report and not report.ok))
    return render(
        request,
        "feedback/complaint_upload.html",
        {
            "form": form,
            "report": report,
            "shown_errors": report.errors[:SHOWN_ERRORS] if report else [],
            "hidden_errors": max(len(report.errors) - SHOWN_ERRORS, 0) if report else 0,
            "imports": ComplaintImport.objects.select_related("imported_by")[:10],
        },
        status=400 if failed else 200,
    )


def services_index(request: HttpRequest) -> HttpResponse:
    """Redirect to the service chosen in the overview's form."""
    code = request.GET.get("service", "")
    if Service.objects.filter(code=code).exists():
        return redirect("feedback_service", code=code)
    return redirect("feedback_overview")
