"""Questioned values (/values/questions/): every figure the rule questioned before it was
submitted, with the explanation given, for the performance team; `?export=csv|xlsx`."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from targets import permissions
from targets.exports import Column, export_response, figure_cell
from targets.filters import ValueQuestionFilter
from targets.models import ValueQuestion

SHOWN = 500  # the page lists the latest; the export has them all

EXPORT_COLUMNS = [
    Column("Code", lambda q: q.value.measure.code),
    Column("Measure", lambda q: q.value.measure.title),
    Column("Service", lambda q: q.value.measure.service.name),
    Column("Period", lambda q: q.value.period_obj.label),
    Column("Figure questioned", lambda q: figure_cell(q.value.measure, q.actual)),
    Column("Why", lambda q: q.get_kind_display()),
    Column("Band low", lambda q: figure_cell(q.value.measure, q.low)),
    Column("Band high", lambda q: figure_cell(q.value.measure, q.high)),
    Column("Basis", lambda q: q.basis),
    Column("Reason", lambda q: q.reason),
    Column("Explanation", lambda q: q.explanation),
    Column("Value now", lambda q: figure_cell(q.value.measure, q.value.actual)),
    Column("Status", lambda q: q.value.get_status_display()),
    Column("Raised by", lambda q: str(q.raised_by or "")),
    Column("Raised on", lambda q: timezone.localtime(q.raised_at).date()),
    Column("Route", lambda q: q.source),
]


@require_safe
def question_list(request: HttpRequest) -> HttpResponse:
    if not permissions.is_performance_team(request.user):
        raise PermissionDenied("Questioned values are for the performance team.")
    queryset = ValueQuestion.objects.select_related(
        "value__measure__service", "raised_by"
    ).order_by("-raised_at", "-id")
    filters = ValueQuestionFilter(request.GET, queryset=queryset)
    valid = filters.is_valid()
    rows = filters.qs if valid else queryset.none()
    exported = export_response(request, rows, EXPORT_COLUMNS, "questioned-values")
    if exported is not None:
        return exported
    shown = list(rows[: SHOWN + 1])
    return render(
        request,
        "targets/value_questions.html",
        {"filters": filters, "rows": shown[:SHOWN], "more": len(shown) > SHOWN},
        status=200 if valid else 400,
    )
