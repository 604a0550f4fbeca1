"""What every service must deliver (the framework's Appendix 2): one service's page and the
council-wide grid, for a financial year (?year=)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from reporting import obligations
from targets import params, permissions
from targets.models import Service


def _year(request: HttpRequest) -> tuple[int, list[tuple[int, str]]]:
    if not permissions.sees_obligations(request.user):
        raise PermissionDenied("What services must deliver is for council staff.")
    choices = params.year_choices(back=4, ahead=1)
    return params.year_param(request.GET, default=params.this_year(), choices=choices), choices


@require_safe
def obligation_grid(request: HttpRequest) -> HttpResponse:
    year, choices = _year(request)
    grid = obligations.grid(year, timezone.localdate())
    return render(
        request,
        "reporting/obligations.html",
        {
            "grid": grid,
            "titles": obligations.OBLIGATIONS,
            "statuses": list(obligations.Status),
            "year": year,
            "year_choices": choices,
            "today": timezone.localdate(),
        },
    )


@require_safe
def service_obligations(request: HttpRequest, code: str) -> HttpResponse:
    year, choices = _year(request)
    service = get_object_or_404(Service, code=code)
    grid = obligations.grid(year, timezone.localdate(), services=[service])
    return render(
        request,
        "reporting/service_obligations.html",
        {
            "service": service,
            "grid": grid,
            "row": grid.rows[0],
            "year": year,
            "year_choices": choices,
            "today": timezone.localdate(),
        },
    )
