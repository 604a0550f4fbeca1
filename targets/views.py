from __future__ import annotations

from itertools import groupby

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from targets import periods, permissions
from targets.models import Measure
from targets.scorecard import measure_history, measure_statuses, summary


def _chosen_month(request: HttpRequest) -> tuple[periods.Period, list[periods.Period], str]:
    """The month asked for in ?period=, else the latest complete month; and the choices."""
    latest = periods.latest_complete_period(timezone.localdate(), periods.Frequency.MONTHLY)
    choices = list(reversed(periods.last_n(latest, 36)))
    error = ""
    code = request.GET.get("period", "").strip()
    if code:
        try:
            month = periods.parse_period(code)
        except periods.PeriodError as exc:
            error = str(exc)
        else:
            if month.frequency == periods.Frequency.MONTHLY and month in choices:
                return month, choices, ""
            error = f"Choose a month between {choices[-1].label} and {latest.label}."
    return latest, choices, error


def home(request: HttpRequest) -> HttpResponse:
    """The priorities with their corporate measures, for the latest complete month."""
    month, choices, error = _chosen_month(request)
    measures = list(
        Measure.objects.corporate()
        .active_in(month.year)
        .select_related("priority", "service")
        .order_by("priority__number", "code")
    )
    statuses = measure_statuses(
        measures,
        month,
        internal=permissions.sees_internal_values(request.user),
        today=timezone.localdate(),
    )
    by_priority = [
        (priority, list(rows))
        for priority, rows in groupby(statuses, key=lambda s: s.measure.priority)
    ]
    return render(
        request,
        "targets/home.html",
        {
            "month": month,
            "choices": choices,
            "period_error": error,
            "by_priority": by_priority,
            "summary": summary(statuses),
        },
        status=400 if error else 200,
    )


def measure_detail(request: HttpRequest, code: str) -> HttpResponse:
    measure = get_object_or_404(
        Measure.objects.select_related("service", "priority", "updater", "approver"), code=code
    )
    internal = permissions.sees_internal_values(request.user)
    return render(
        request,
        "targets/measure_detail.html",
        {
            "measure": measure,
            "targets": measure.targets.order_by("-year"),
            "rows": measure_history(measure, internal=internal),
            "internal": internal,
            "can_edit": permissions.can_edit_value(request.user, measure),
        },
    )
