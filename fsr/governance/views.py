"""The risk register (with its heat map), a risk's page and edit; the corporate programmes."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from fsr.governance import permissions, register, services
from fsr.governance.filters import RiskFilter
from fsr.governance.forms import (
    MilestoneFormSet,
    ProgrammeForm,
    ProgressForm,
    RiskActionForm,
    RiskForm,
)
from fsr.governance.models import Programme, Risk, RiskMatrix
from fsr.permissions import review_service_ids
from fsr.views import _user
from targets.plans.actions import PlanError


def _readable_risks(request: HttpRequest):  # type: ignore[no-untyped-def]
    if not permissions.sees_risks(request.user):
        raise PermissionDenied("The risk register is for the council's staff and members.")
    return Risk.objects.visible_to(permissions.risk_service_ids(request.user))


def _risk(request: HttpRequest, pk: int, *, edit: bool = False) -> Risk:
    risk = get_object_or_404(_readable_risks(request).select_related("service", "owner"), pk=pk)
    if edit and not permissions.can_edit_risk(request.user, risk):
        raise PermissionDenied(f"You cannot change risk {risk.reference}.")
    return risk


def risk_register(request: HttpRequest) -> HttpResponse:
    filters = RiskFilter(request.GET or None, queryset=_readable_risks(request))
    if filters.errors:
        return render(
            request, "fsr/governance/risk_register.html", {"filters": filters}, status=400
        )
    found = register.register(filters.qs, today=timezone.localdate())
    return render(
        request,
        "fsr/governance/risk_register.html",
        {
            "filters": filters,
            "register": found,
            "can_add": permissions.risk_addable_service_ids(request.user) != set(),
        },
    )


def risk_detail(request: HttpRequest, pk: int) -> HttpResponse:
    risk = _risk(request, pk)
    matrix = RiskMatrix.current()
    return render(
        request,
        "fsr/governance/risk_detail.html",
        {
            "risk": risk,
            "matrix": matrix,
            "inherent_band": risk.band(matrix, residual=False),
            "residual_band": risk.band(matrix),
            "review_overdue": risk.is_review_overdue(timezone.localdate()),
            "measures": risk.measures.select_related("service"),
            "actions": risk.actions.select_related("owner", "service"),
            "programmes": risk.programmes.all(),
            "can_edit": permissions.can_edit_risk(request.user, risk),
        },
    )


def risk_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = _user(request)
    risk = _risk(request, pk, edit=True) if pk is not None else None
    if risk is None and permissions.risk_addable_service_ids(user) == set():
        raise PermissionDenied("Heads of service and the performance team add risks.")
    form = RiskForm(request.POST or None, instance=risk, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.risk_save(
                risk=form.save(commit=False), measures=form.cleaned_data["measures"], user=user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Risk {saved.reference} saved.")
            return redirect(saved)
    return render(
        request,
        "fsr/governance/risk_form.html",
        {"form": form, "risk": risk},
        status=400 if request.method == "POST" else 200,
    )


def risk_action(request: HttpRequest, pk: int, action_pk: int | None = None) -> HttpResponse:
    risk = _risk(request, pk, edit=True)
    action = get_object_or_404(risk.actions.all(), pk=action_pk) if action_pk else None
    form = RiskActionForm(request.POST or None, instance=action, risk=risk)
    if request.method == "POST" and form.is_valid():
        try:
            services.risk_action_save(
                risk=risk, action=form.save(commit=False), user=_user(request)
            )
        except PlanError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, "Action saved.")
            return redirect(risk)
    return render(
        request,
        "fsr/governance/risk_action_form.html",
        {"risk": risk, "form": form, "action": action},
        status=400 if request.method == "POST" else 200,
    )


# Corporate programmes


def _programmes_reader(request: HttpRequest) -> None:
    if not permissions.sees_programmes(request.user):
        raise PermissionDenied("Corporate programmes are for the council's staff and members.")


def programme_list(request: HttpRequest) -> HttpResponse:
    _programmes_reader(request)
    return render(
        request,
        "fsr/governance/programme_list.html",
        {
            "rows": register.programme_rows(timezone.localdate()),
            "can_add": permissions.can_create_programme(request.user),
            # Totals of savings lines are shown only to those who may read every line.
            "shows_savings": review_service_ids(request.user) is None,
        },
    )


def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _programmes_reader(request)
    programme = get_object_or_404(Programme.objects.select_related("sponsor", "manager"), pk=pk)
    today = timezone.localdate()
    matrix = RiskMatrix.current()
    visible = Risk.objects.visible_to(permissions.risk_service_ids(request.user))
    risks = [
        (r, r.band(matrix))
        for r in programme.risks.filter(pk__in=visible.values("pk")).select_related("owner")
    ]
    # The savings plan's own rule: a service's lines to its people, council-wide ones to those
    # who read every service's.
    lines = list(
        programme.savings.for_service_ids(review_service_ids(request.user)).select_related(
            "service"
        )
    )
    return render(
        request,
        "fsr/governance/programme_detail.html",
        {
            "programme": programme,
            "projects": programme.projects.select_related("manager"),
            "milestones": programme.milestones.select_related("project"),
            "risks": risks,
            "lines": lines,
            "savings_target": sum(line.target for line in lines),
            "savings_delivered": sum(line.delivered or 0 for line in lines),
            "today": today,
            "can_edit": permissions.can_create_programme(request.user),
            "can_report": permissions.can_edit_programme(request.user, programme),
        },
    )


def programme_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if not permissions.can_create_programme(request.user):
        raise PermissionDenied("Only the performance team sets up corporate programmes.")
    programme = get_object_or_404(Programme, pk=pk) if pk is not None else None
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        saved = services.programme_save(
            programme=form.save(commit=False),
            risks=form.cleaned_data["risks"],
            savings=form.cleaned_data["savings"],
            user=_user(request),
        )
        messages.success(request, f"Programme saved: {saved.title}.")
        return redirect(saved)
    return render(
        request,
        "fsr/governance/programme_form.html",
        {"form": form, "programme": programme},
        status=400 if request.method == "POST" else 200,
    )


def programme_report(request: HttpRequest, pk: int) -> HttpResponse:
    _programmes_reader(request)
    programme = get_object_or_404(Programme, pk=pk)
    if not permissions.can_edit_programme(request.user, programme):
        raise PermissionDenied(f"Only the sponsor, the manager and the team report on {programme}.")
    form = ProgressForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        services.programme_progress(
            programme=programme,
            user=_user(request),
            changes={name: form.cleaned_data[name] for name in services.PROGRESS_FIELDS},
        )
        messages.success(request, "Progress recorded.")
        return redirect(programme)
    return render(
        request,
        "fsr/governance/programme_report.html",
        {"form": form, "programme": programme},
        status=400 if request.method == "POST" else 200,
    )


def programme_milestones(request: HttpRequest, pk: int) -> HttpResponse:
    """A programme's milestones in one table: the sponsor, the manager and the team."""
    _programmes_reader(request)
    programme = get_object_or_404(Programme, pk=pk)
    if not permissions.can_edit_programme(request.user, programme):
        raise PermissionDenied(f"Only the sponsor, the manager and the team change {programme}.")
    formset = MilestoneFormSet(
        request.POST or None,
        instance=programme,
        queryset=programme.milestones.select_related("project"),
        form_kwargs={"programme": programme},
    )
    if request.method == "POST" and formset.is_valid():
        services.programme_milestones_save(
            programme=programme,
            user=_user(request),
            changed=formset.save(commit=False),
            deleted=formset.deleted_objects,
        )
        messages.success(request, "Milestones saved.")
        return redirect(programme)
    return render(
        request,
        "fsr/governance/programme_milestones.html",
        {"programme": programme, "formset": formset},
        status=400 if request.method == "POST" else 200,
    )


def governance_summary(request: HttpRequest) -> HttpResponse:
    """The open risks by band, the top five and the open programmes: the corporate dashboard
    loads this page's summary into itself."""
    _readable_risks(request)
    return render(
        request,
        "fsr/governance/summary.html",
        {
            "governance": register.summary(
                service_ids=permissions.risk_service_ids(request.user),
                today=timezone.localdate(),
            )
        },
    )
