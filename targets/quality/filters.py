"""FilterSets of the data-quality pages and API: one per list, shared by both."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from targets import periods
from targets.models import AuditResult, DataQualityAudit, DataQualityProcedure
from targets.params import YearFilter


def _month(queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
    return queryset.filter(month=value.strip())


class AuditFilter(django_filters.FilterSet):
    service = django_filters.CharFilter(field_name="measure__service__code", label="Service code")
    measure = django_filters.CharFilter(field_name="measure__code", label="Measure code")
    month = django_filters.CharFilter(method=_month, label="Month, e.g. 2026-05")
    year = YearFilter(method="in_year", label="Financial year, e.g. 2026/27")
    result = django_filters.ChoiceFilter(choices=AuditResult.choices)
    status = django_filters.ChoiceFilter(choices=DataQualityAudit.Status.choices)

    class Meta:
        model = DataQualityAudit
        fields = ["service", "measure", "month", "year", "result", "status"]

    def in_year(self, queryset: QuerySet[Any], name: str, value: int) -> QuerySet[Any]:
        months = periods.periods_in_year(value, periods.Frequency.MONTHLY)
        return queryset.filter(month__in=[m.code for m in months])


class ProcedureFilter(django_filters.FilterSet):
    service = django_filters.CharFilter(field_name="measure__service__code", label="Service code")
    measure = django_filters.CharFilter(field_name="measure__code", label="Measure code")
    overdue_on = django_filters.DateFilter(
        method="overdue", label="Overdue on this date (next review before it), e.g. 2026-05-01"
    )

    class Meta:
        model = DataQualityProcedure
        fields = ["service", "measure", "overdue_on"]

    def overdue(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return queryset.filter(Q(next_review_due__lt=value))
