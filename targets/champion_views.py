"""The champions' network page (/champions/) and its CSV export."""

from __future__ import annotations

import csv
import io

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from targets import champions, permissions
from targets.exports import csv_cell


def _filtered(request: HttpRequest) -> champions.ChampionFilter:
    if not permissions.sees_champions(request.user):
        raise PermissionDenied("The champions' network is for council staff.")
    return champions.ChampionFilter(request.GET, queryset=champions.services_queryset())


@require_safe
def champion_list(request: HttpRequest) -> HttpResponse:
    filters = _filtered(request)
    valid = filters.is_valid()
    rows = champions.network(filters.qs if valid else filters.queryset.none())
    return render(
        request,
        "targets/champions.html",
        {
            "filters": filters,
            "rows": rows,
            "kinds": champions.CHAMPION_KINDS,
            "gaps": sum(len(r.missing) for r in rows),
            "query": request.GET.urlencode(),
        },
        status=200 if valid else 400,
    )


@require_safe
def champion_csv(request: HttpRequest) -> HttpResponse:
    filters = _filtered(request)
    if not filters.is_valid():
        return HttpResponse("Bad filter: " + "; ".join(filters.errors), status=400)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(champions.CSV_COLUMNS)
    for line in champions.csv_rows(champions.network(filters.qs)):
        writer.writerow([csv_cell(cell) for cell in line])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="champions.csv"'
    return response
