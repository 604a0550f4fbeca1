from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from targets import permissions
from targets.charts import measure_chart
from targets.models import Measure
from targets.scorecard import measure_history


def measure_detail(request: HttpRequest, code: str) -> HttpResponse:
    measure = get_object_or_404(
        Measure.objects.select_related("service", "priority", "updater", "approver"), code=code
    )
    internal = permissions.sees_internal_values(request.user)
    rows = measure_history(measure, internal=internal)
    return render(
        request,
        "reporting/measure_detail.html",
        {
            "measure": measure,
            "targets": measure.targets.order_by("-year"),
            "rows": rows,
            "chart": measure_chart(measure, rows),
            "internal": internal,
            "can_edit": permissions.can_edit_value(request.user, measure),
            "can_publish": permissions.can_publish(request.user),
        },
    )
