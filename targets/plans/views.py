"""Pages of the service improvement plans: the list, a plan, its objectives and actions."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from targets import params, periods, permissions
from targets.models import Action, Objective, Service, ServicePlan, User
from targets.plans import services
from targets.plans.forms import (
    ActionForm,
    AttachForm,
    ObjectiveForm,
    PlanForm,
    ProgressForm,
    ReasonForm,
)
from targets.plans.overview import plan_overview
from targets.plans.services import PlanError


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _require_sees_plans(request: HttpRequest) -> None:
    if not permissions.sees_plans(request.user):
        raise PermissionDenied("Service improvement plans are for council staff.")


def _require_reads_plans(request: HttpRequest) -> None:
    if not permissions.reads_signed_off_plans(request.user):
        raise PermissionDenied("Service improvement plans are for council staff and councillors.")


def _plan(code: str, year: int) -> ServicePlan:
    return get_object_or_404(
        ServicePlan.objects.select_related("service", "signed_off_by", "copied_from"),
        service__code=code,
        year=year,
    )


def _refuse(request: HttpRequest, exc: PlanError) -> None:
    messages.error(request, str(exc))


def plan_list(request: HttpRequest) -> HttpResponse:
    _require_reads_plans(request)
    this_year = params.this_year()
    year = params.year_param(request.GET, default=this_year)
    today = timezone.localdate()
    readable = ServicePlan.objects.filter(year=year)
    if not permissions.sees_plans(request.user):  # councillors: signed-off plans only
        readable = readable.filter(status=ServicePlan.Status.SIGNED_OFF)
    plans = {
        p.service_id: p
        for p in readable.annotate(
            n_measures=Count("measures", distinct=True),
            n_objectives=Count("objectives", distinct=True),
            n_actions=Count("objectives__actions", distinct=True),
            n_overdue=Count(
                "objectives__actions",
                filter=Q(objectives__actions__status__in=Action.OPEN_STATUSES)
                & Q(objectives__actions__due__lt=today),
                distinct=True,
            ),
        )
    }
    services_ = Service.objects.filter(is_active=True).order_by("name")
    rows = [(s, plans.get(s.pk)) for s in services_]
    years = sorted(
        {*ServicePlan.objects.values_list("year", flat=True).distinct(), this_year, this_year + 1},
        reverse=True,
    )
    return render(
        request,
        "targets/plans/plan_list.html",
        {
            "rows": rows,
            "year": year,
            "year_label": periods.fy_label(year),
            "years": [(y, periods.fy_label(y)) for y in years],
            "signed_off": sum(1 for _, p in rows if p and p.is_signed_off),
            "draft": sum(1 for _, p in rows if p and not p.is_signed_off),
            "missing": sum(1 for _, p in rows if p is None),
            "signed_off_only": not permissions.sees_plans(request.user),
        },
    )


def plan_detail(request: HttpRequest, code: str, year: int) -> HttpResponse:
    _require_reads_plans(request)
    service = get_object_or_404(Service, code=code)
    user = _user(request)
    today = timezone.localdate()
    plan = (
        ServicePlan.objects.select_related("service", "signed_off_by", "copied_from")
        .filter(service=service, year=year)
        .first()
    )
    can_edit = permissions.can_edit_plan(user, service)
    if plan is not None and not permissions.can_read_plan(user, plan):
        plan = None  # a draft, which councillors do not read: as if there were none yet
    if plan is None:
        previous_plans = ServicePlan.objects.filter(service=service, year=year - 1)
        if not permissions.sees_plans(user):
            previous_plans = previous_plans.filter(status=ServicePlan.Status.SIGNED_OFF)
        previous = previous_plans.first()
        return render(
            request,
            "targets/plans/plan_missing.html",
            {
                "service": service,
                "year": year,
                "year_label": periods.fy_label(year),
                "previous": previous,
                "can_edit": can_edit,
                "signed_off_only": not permissions.sees_plans(user),
            },
        )
    page = plan_overview(plan, user, today)
    staff = permissions.sees_plans(user)
    return render(
        request,
        "targets/plans/plan_detail.html",
        {
            "plan": plan,
            "service": service,
            "measures": page.measures,
            "objectives": page.objectives,
            # Councillors read the plan itself: not the service's other actions, nor the
            # golden thread of its people.
            "unattached": page.unattached if staff else None,
            "sees_thread": staff,
            "attach_form": AttachForm(plan=plan) if page.can_attach else None,
            "can_edit": page.can_edit,
            "can_sign_off": page.can_sign_off,
            "can_reopen": page.can_reopen,
            "can_progress": page.can_progress,
            "window": page.window,
            "sign_off_open": page.sign_off_open,
            "today": today,
            "other_years": page.other_years
            if staff
            else page.other_years.filter(status=ServicePlan.Status.SIGNED_OFF),
        },
    )


@require_POST
def plan_create(request: HttpRequest, code: str, year: int) -> HttpResponse:
    service = get_object_or_404(Service, code=code)
    try:
        services.plan_create(service=service, year=year, user=_user(request))
    except PlanError as exc:
        _refuse(request, exc)
    else:
        messages.success(request, f"A draft {periods.fy_label(year)} plan has been started.")
    return redirect("plan_detail", code, year)


@require_POST
def plan_copy(request: HttpRequest, code: str, year: int) -> HttpResponse:
    previous = _plan(code, year - 1)
    try:
        plan = services.plan_copy_forward(previous=previous, user=_user(request))
    except PlanError as exc:
        _refuse(request, exc)
        return redirect("plan_detail", code, year)
    messages.success(
        request, f"The {plan.year_label} plan was started from the {previous.year_label} plan."
    )
    return redirect(plan)


def plan_edit(request: HttpRequest, code: str, year: int) -> HttpResponse:
    plan = _plan(code, year)
    user = _user(request)
    if not permissions.can_edit_plan(user, plan.service):
        raise PermissionDenied(f"Only the head of {plan.service} and the performance team can.")
    if plan.is_signed_off:
        messages.error(request, "The plan is signed off: it cannot be changed.")
        return redirect(plan)
    initial = {"summary": plan.summary, "measures": list(plan.measures.all())}
    form = PlanForm(request.POST or None, plan=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_save(
                plan=plan,
                summary=form.cleaned_data["summary"],
                measures=form.cleaned_data["measures"],
                user=user,
            )
        except PlanError as exc:
            form.add_error(exc.field, str(exc))
        else:
            messages.success(request, "The plan was saved.")
            return redirect(plan)
    return render(
        request,
        "targets/plans/plan_form.html",
        {"plan": plan, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def plan_sign_off(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """A confirmation page; the sign-off itself is its POST."""
    plan = _plan(code, year)
    user = _user(request)
    if not permissions.can_sign_off_plan(user, plan.service):
        raise PermissionDenied(f"Only the head of {plan.service} can sign off its plan.")
    error = ""
    if request.method == "POST":
        try:
            services.plan_sign_off(plan=plan, user=user)
        except PlanError as exc:
            error = str(exc)
        else:
            messages.success(request, f"The {plan.year_label} plan is signed off.")
            return redirect(plan)
    today = timezone.localdate()
    return render(
        request,
        "targets/plans/plan_sign_off.html",
        {
            "plan": plan,
            "error": error,
            "late": today > date(plan.year, 3, 31),
            "counts": {
                "targets": plan.measures.count(),
                "objectives": plan.objectives.count(),
                "actions": Action.objects.filter(objective__plan=plan).count(),
            },
        },
        status=400 if error else 200,
    )


def plan_reopen(request: HttpRequest, code: str, year: int) -> HttpResponse:
    plan = _plan(code, year)
    user = _user(request)
    if not permissions.can_reopen_plan(user):
        raise PermissionDenied("Only the performance team can reopen a signed-off plan.")
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_reopen(plan=plan, user=user, reason=form.cleaned_data["reason"])
        except PlanError as exc:
            form.add_error(exc.field, str(exc))
        else:
            messages.success(request, "The plan is a draft again: it must be signed off again.")
            return redirect(plan)
    return render(
        request,
        "targets/plans/plan_reopen.html",
        {"plan": plan, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def objective_edit(
    request: HttpRequest, code: str, year: int, pk: int | None = None
) -> HttpResponse:
    plan = _plan(code, year)
    user = _user(request)
    if not permissions.can_edit_plan(user, plan.service):
        raise PermissionDenied(f"Only the head of {plan.service} and the performance team can.")
    objective = get_object_or_404(Objective, pk=pk, plan=plan) if pk else Objective(plan=plan)
    if plan.is_signed_off:
        messages.error(request, "The plan is signed off: its objectives cannot be changed.")
        return redirect(plan)
    form = ObjectiveForm(request.POST or None, instance=objective, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.objective_save(
                objective=form.save(commit=False),
                measures=form.cleaned_data["measures"],
                user=user,
            )
        except PlanError as exc:
            form.add_error(exc.field, str(exc))
        else:
            messages.success(request, f"Objective saved: {objective.title}.")
            return redirect(plan)
    return render(
        request,
        "targets/plans/objective_form.html",
        {"plan": plan, "form": form, "objective": objective if pk else None},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def objective_delete(request: HttpRequest, code: str, year: int, pk: int) -> HttpResponse:
    plan = _plan(code, year)
    objective = get_object_or_404(Objective, pk=pk, plan=plan)
    try:
        services.objective_delete(objective=objective, user=_user(request))
    except PlanError as exc:
        _refuse(request, exc)
    else:
        messages.success(
            request, f"Objective deleted: {objective.title}. Its actions stay with the service."
        )
    return redirect(plan)


def _action_form_page(
    request: HttpRequest, action: Action, plan: ServicePlan | None, back: Any
) -> HttpResponse:
    form = ActionForm(request.POST or None, instance=action, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.action_save(action=form.save(commit=False), user=_user(request))
        except PlanError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, f"Action saved: {saved.title}.")
            return redirect(back)
    return render(
        request,
        "targets/plans/action_form.html",
        {"plan": plan, "form": form, "action": action if action.pk else None, "back": back},
        status=400 if request.method == "POST" else 200,
    )


def action_new(request: HttpRequest, code: str, year: int) -> HttpResponse:
    plan = _plan(code, year)
    if not permissions.can_edit_plan(_user(request), plan.service):
        raise PermissionDenied(f"Only the head of {plan.service} and the performance team can.")
    if plan.is_signed_off:
        messages.error(request, "The plan is signed off: actions cannot be added to it.")
        return redirect(plan)
    initial_objective = request.GET.get("objective", "")
    action = Action(service=plan.service, source=Action.Source.PLAN)
    if initial_objective.isdigit():
        action.objective = plan.objectives.filter(pk=initial_objective).first()
    return _action_form_page(request, action, plan, plan)


def _action(pk: int) -> Action:
    return get_object_or_404(
        Action.objects.select_related(
            "service", "owner", "objective__priority", "objective__plan__service"
        ),
        pk=pk,
    )


def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action(pk)
    if not permissions.can_edit_plan(_user(request), action.service):
        raise PermissionDenied(f"Only the head of {action.service} and the performance team can.")
    plan = action.objective.plan if action.objective else None
    if plan is not None and plan.is_signed_off:
        messages.info(request, "The plan is signed off: only the action's progress can change.")
        return redirect(action)
    if plan is None:
        # An action outside the plan may join this year's plan, while it is a draft.
        this_year = periods.financial_year_of(timezone.localdate())
        plan = ServicePlan.objects.filter(
            service=action.service, year=this_year, status=ServicePlan.Status.DRAFT
        ).first()
    return _action_form_page(request, action, plan, plan or action)


def action_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """An action with its thread upwards, and its progress form for its owner and managers."""
    action = _action(pk)
    user = _user(request)
    if not permissions.can_read_action(user, action):
        raise PermissionDenied(
            "Service improvement plans are for council staff, and councillors once signed off."
        )
    can_update = permissions.can_update_action_progress(user, action)
    form = ProgressForm(request.POST or None, instance=action) if can_update else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("Only the action's owner or the head of service can update it.")
        if form.is_valid():
            try:
                services.action_update_progress(
                    action=action,
                    status=form.cleaned_data["status"],
                    progress=form.cleaned_data["progress"],
                    completed_on=form.cleaned_data["completed_on"],
                    user=user,
                )
            except PlanError as exc:
                form.add_error(exc.field, str(exc))
            else:
                messages.success(request, "Progress saved.")
                return redirect(action)
    plan = action.objective.plan if action.objective else None
    return render(
        request,
        "targets/plans/action_detail.html",
        {
            "action": action,
            "plan": plan,
            "form": form,
            "today": timezone.localdate(),
            "can_edit": permissions.can_edit_plan(user, action.service)
            and not (plan and plan.is_signed_off),
            "sees_thread": permissions.sees_plans(user),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def action_attach(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action(pk)
    objective_id = request.POST.get("objective", "")
    objective = (
        Objective.objects.select_related("plan__service").filter(pk=objective_id).first()
        if objective_id.isdigit()
        else None
    )
    if objective is None:
        messages.error(request, "Choose the objective the action serves.")
        return redirect(action)
    try:
        services.action_attach(action=action, objective=objective, user=_user(request))
    except PlanError as exc:
        _refuse(request, exc)
    else:
        messages.success(request, f"“{action.title}” is now in the plan, under {objective}.")
    return redirect(objective.plan)
