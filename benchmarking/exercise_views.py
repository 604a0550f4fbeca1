"""Benchmarking exercises, the compliance view and the good practice library."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from benchmarking import services
from benchmarking.filters import ExerciseFilter, GoodPracticeFilter
from benchmarking.forms import ExerciseForm, GoodPracticeForm
from benchmarking.models import Exercise, GoodPractice
from benchmarking.permissions import can_manage_exercises, manageable_services
from targets import periods
from targets.exports import Column, export_response
from targets.models import User
from targets.params import this_year, year_choices, year_param

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
            "metrics", "good_practice_entries"
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
