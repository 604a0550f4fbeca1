"""The risk register's FilterSet, shared by the page and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import F, QuerySet

from fsr.filters import _service_filter
from fsr.governance.models import Risk, RiskMatrix
from targets.models import Priority


class RiskFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        choices=Risk.Kind.choices, label="Register", empty_label="Corporate and service"
    )
    service = _service_filter()
    priority = django_filters.ModelChoiceFilter(
        queryset=Priority.objects.all(),
        field_name="priority",
        to_field_name="number",
        label="Priority",
        empty_label="Any priority",
    )
    status = django_filters.ChoiceFilter(
        choices=Risk.Status.choices, label="Status", empty_label="Open and closed"
    )
    band = django_filters.ChoiceFilter(
        choices=[("high", "High"), ("medium", "Medium"), ("low", "Low")],
        method="filter_band",
        label="Residual band",
        empty_label="Any band",
    )

    class Meta:
        model = Risk
        fields = ["kind", "service", "priority", "status", "band"]

    def filter_band(self, queryset: QuerySet[Risk], name: str, value: str) -> Any:
        matrix = RiskMatrix.current()
        scored = queryset.annotate(_score=F("residual_likelihood") * F("residual_impact"))
        if value == "high":
            return scored.filter(_score__gte=matrix.high_from)
        if value == "medium":
            return scored.filter(_score__gte=matrix.medium_from, _score__lt=matrix.high_from)
        return scored.filter(_score__lt=matrix.medium_from)
