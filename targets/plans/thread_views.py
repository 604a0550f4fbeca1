"""The golden thread's pages (a person, a priority), the appraisal-target export for the HR
system, and the planning calendar."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from targets import params, periods, permissions
from targets.exports import csv_cell
from targets.models import ChangeRecord, PlanningMilestone, Priority, User
from targets.plans.cycle import milestone_mark_done, milestones_generate
from targets.plans.forms import MilestoneDoneForm
from targets.plans.services import PlanError
from targets.plans.thread import appraisal_targets, person_thread, priority_thread
from targets.plans.views import _require_sees_plans


def _year(request: HttpRequest) -> int:
    return params.year_param(request.GET, default=params.this_year())


def _year_choices(year: int) -> list[tuple[int, str]]:
    return params.year_choices(back=2, ahead=1, around=year)


def person(request: HttpRequest, username: str) -> HttpResponse:
    someone = get_object_or_404(User, username=username)
    if not permissions.can_see_person(request.user, someone):
        raise PermissionDenied(
            "A person's targets are seen by them, their heads of service, CMT and the "
            "performance team."
        )
    year = _year(request)
    return render(
        request,
        "targets/thread/person.html",
        {
            "thread": person_thread(someone, year),
            "person": someone,
            "year": year,
            "year_label": periods.fy_label(year),
            "years": _year_choices(year),
            "is_self": someone.pk == request.user.pk,
            "today": timezone.localdate(),
        },
    )


def priority_list(request: HttpRequest) -> HttpResponse:
    _require_sees_plans(request)
    year = _year(request)
    priorities = Priority.objects.annotate(
        n_objectives=Count("objectives", filter=Q(objectives__plan__year=year), distinct=True),
        n_services=Count(
            "objectives__plan__service", filter=Q(objectives__plan__year=year), distinct=True
        ),
        n_actions=Count(
            "objectives__actions", filter=Q(objectives__plan__year=year), distinct=True
        ),
        n_measures=Count("measures", distinct=True),
    ).order_by("number")
    return render(
        request,
        "targets/thread/priority_list.html",
        {
            "priorities": priorities,
            "year": year,
            "year_label": periods.fy_label(year),
            "years": _year_choices(year),
        },
    )


def priority(request: HttpRequest, number: int) -> HttpResponse:
    _require_sees_plans(request)
    chosen = get_object_or_404(Priority, number=number)
    year = _year(request)
    return render(
        request,
        "targets/thread/priority.html",
        {
            "thread": priority_thread(chosen, year),
            "priority": chosen,
            "year": year,
            "year_label": periods.fy_label(year),
            "years": _year_choices(year),
            "today": timezone.localdate(),
        },
    )


CSV_COLUMNS = [
    "username",
    "name",
    "email",
    "job_title",
    "action",
    "objective",
    "priority",
    "service",
    "plan_year",
    "due",
    "status",
]


def appraisal_targets_csv(request: HttpRequest) -> HttpResponse:
    """Appraisal targets of a year, a row per person and target, for the HR system."""
    if not permissions.can_export_appraisal_targets(request.user):
        raise PermissionDenied("The appraisal-target export is for the performance team.")
    year = _year(request)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for action in appraisal_targets(year):
        owner = cast(User, action.owner)
        objective = action.objective
        row = [
            owner.username,
            owner.get_full_name(),
            owner.email,
            owner.job_title,
            action.title,
            objective.title if objective else "",
            str(objective.priority) if objective else "",
            action.service.name,
            objective.plan.year_label if objective else "",
            action.due.isoformat() if action.due else "",
            action.get_status_display(),
        ]
        writer.writerow([csv_cell(cell) for cell in row])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    filename = f"appraisal-targets-{periods.fy_label(year).replace('/', '-')}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def planning_calendar(request: HttpRequest) -> HttpResponse:
    _require_sees_plans(request)
    year = _year(request)
    return render(
        request,
        "targets/thread/planning.html",
        {
            "milestones": PlanningMilestone.objects.filter(year=year).select_related("done_by"),
            "year": year,
            "year_label": periods.fy_label(year),
            "next_label": periods.fy_label(year + 1),
            "years": _year_choices(year),
            "today": timezone.localdate(),
            "can_manage": permissions.can_manage_milestones(request.user),
        },
    )


@require_POST
def planning_generate(request: HttpRequest) -> HttpResponse:
    if not permissions.can_manage_milestones(request.user):
        raise PermissionDenied("Only the performance team keeps the planning calendar.")
    year = params.year_param(request.POST, default=params.this_year())
    added = milestones_generate(
        year=year, user=cast(User, request.user), source=ChangeRecord.Source.FORM
    )
    messages.success(
        request,
        f"{len(added)} milestones added to the {periods.fy_label(year)} calendar."
        if added
        else f"The {periods.fy_label(year)} calendar already had every standard milestone.",
    )
    return redirect(f"{reverse('planning_calendar')}?year={year}")


@require_POST
def milestone_done(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = get_object_or_404(PlanningMilestone, pk=pk)
    form = MilestoneDoneForm(request.POST)
    done_on: date | None = form.cleaned_data["done_on"] if form.is_valid() else None
    if not form.is_valid():
        messages.error(request, "Enter the date as a date, e.g. 2026-11-26.")
    else:
        try:
            milestone_mark_done(milestone=milestone, user=cast(User, request.user), done_on=done_on)
        except PlanError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Marked done: {milestone.title}.")
    back = request.POST.get("back", "")
    if back == "my":
        return redirect("my_work")
    return redirect(f"{reverse('planning_calendar')}?year={milestone.year}")
