"""Benchmarking exercises, the compliance view and the good practice library."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from benchmarking import services
from benchmarking.filters import ExerciseFilter, GoodPracticeFilter
from benchmarking.forms import ExerciseForm, GoodPracticeForm
from benchmarking.models import Exercise, GoodPractice
from benchmarking.permissions import can_manage_exercises, manageable_services
from targets import periods
from targets.exports import Column, export_response
from targets.models import Action, ServicePlan, User
from targets.params import this_year, year_choices, year_param
from targets.plans.actions import PlanError
from targets.plans.forms import ActionForm

EXERCISE_COLUMNS = [
    Column("Exercise", lambda e: e.title),
    Column("Results vary widely", lambda e: "yes" if e.results_vary else ""),
    Column("Service", lambda e: e.service.name),
    Column("Year", lambda e: e.year_label),
    Column("Sector", lambda e: e.get_sector_display()),
    Column("Partner or club", lambda e: e.partner),
    Column("Status", lambda e: e.get_status_display()),
]


def exercise_list(request: HttpRequest) -> HttpResponse:
    queryset = Exercise.objects.select_related("service").prefetch_related("metrics")
    filters = ExerciseFilter(request.GET or None, queryset=queryset)
    if not filters.errors:
        exported = export_response(request, filters.qs, EXERCISE_COLUMNS, "benchmarking-exercises")
        if exported is not None:
            return exported
    return render(
        request,
        "benchmarking/exercise_list.html",
        {
            "filters": filters,
            "exercises": filters.qs,
            "can_add": manageable_services(request.user).exists(),
        },
        status=400 if filters.errors else 200,
    )


def exercise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = get_object_or_404(
        Exercise.objects.select_related("service", "lead").prefetch_related(
            "metrics",
            "good_practice_entries",
            Prefetch("actions", queryset=Action.objects.select_related("owner", "objective")),
        ),
        pk=pk,
    )
    return render(
        request,
        "benchmarking/exercise_detail.html",
        {"exercise": exercise, "can_edit": can_manage_exercises(request.user, exercise.service)},
    )


def exercise_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = request.user
    exercise = None
    if pk is not None:
        exercise = get_object_or_404(Exercise.objects.select_related("service"), pk=pk)
        if not can_manage_exercises(user, exercise.service):
            raise PermissionDenied(f"You cannot change exercises of {exercise.service}.")
    elif not manageable_services(user).exists():
        raise PermissionDenied("Only heads of service and the performance team record exercises.")
    form = ExerciseForm(request.POST or None, instance=exercise, user=user)
    if request.method == "POST" and form.is_valid():
        saved = services.exercise_save(
            exercise=form.save(commit=False),
            metric_ids=[m.pk for m in form.cleaned_data["metrics"]],
            user=_user(request),
        )
        messages.success(request, f"Exercise saved: {saved.title}.")
        return redirect(saved)
    return render(
        request,
        "benchmarking/exercise_form.html",
        {"form": form, "exercise": exercise},
        status=400 if request.method == "POST" else 200,
    )


def _plan_for(exercise: Exercise) -> ServicePlan | None:
    """The service's plan its findings feed: the exercise's year's, else the next year's."""
    plans = ServicePlan.objects.filter(
        service=exercise.service, year__in=[exercise.year, exercise.year + 1]
    ).order_by("year")
    return plans.first()


def exercise_action_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Raise an improvement action from the exercise's findings, in the service's plan."""
    exercise = get_object_or_404(Exercise.objects.select_related("service"), pk=pk)
    if not can_manage_exercises(request.user, exercise.service):
        raise PermissionDenied(f"You cannot raise actions for {exercise.service}.")
    plan = _plan_for(exercise)
    form = ActionForm(request.POST or None, plan=plan)
    form.fields["due"].required = True  # an action raised from findings has a date to meet
    if request.method == "POST" and form.is_valid():
        try:
            services.exercise_action_add(
                exercise=exercise, action=form.save(commit=False), user=_user(request)
            )
        except PlanError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, "Improvement action raised from the exercise.")
            return redirect(exercise)
    return render(
        request,
        "benchmarking/exercise_action_form.html",
        {"exercise": exercise, "form": form, "plan": plan},
        status=400 if request.method == "POST" else 200,
    )


def compliance(request: HttpRequest) -> HttpResponse:
    choices = year_choices(back=6, ahead=1)
    year = year_param(request.GET, default=this_year(), choices=choices)
    rows = services.compliance(year)
    return render(
        request,
        "benchmarking/compliance.html",
        {
            "rows": rows,
            "missing": [r for r in rows if r.status != "met"],
            "with_potential": sum(r.with_potential for r in rows),
            "year": year,
            "year_label": periods.fy_label(year),
            "year_choices": choices,
        },
    )


def good_practice_list(request: HttpRequest) -> HttpResponse:
    queryset = GoodPractice.objects.select_related("service", "exercise")
    filters = GoodPracticeFilter(request.GET or None, queryset=queryset)
    return render(
        request,
        "benchmarking/good_practice.html",
        {
            "filters": filters,
            "entries": filters.qs,
            "can_add": manageable_services(request.user).exists(),
        },
        status=400 if filters.errors else 200,
    )


def good_practice_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not manageable_services(user).exists():
        raise PermissionDenied("Only heads of service and the performance team add good practice.")
    initial = {}
    if exercise_id := request.GET.get("exercise", "").strip():
        exercise = (
            Exercise.objects.filter(pk=exercise_id).first() if exercise_id.isdigit() else None
        )
        if exercise is not None:
            initial = {"exercise": exercise.pk, "service": exercise.service_id}
    form = GoodPracticeForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        entry = services.good_practice_save(entry=form.save(commit=False), user=_user(request))
        messages.success(request, f"Good practice added: {entry.title}.")
        return redirect("good_practice")
    return render(
        request,
        "benchmarking/good_practice_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user
