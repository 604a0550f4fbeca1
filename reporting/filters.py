"""The scorecard's filters: one FilterSet for the dashboard page, the service page and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet

from targets import periods
from targets.models import Measure, Priority, Service
from targets.params import refusal
from targets.widgets import Select

RAG_CHOICES = [
    ("green", "Green: on target"),
    ("amber", "Amber: within tolerance"),
    ("red", "Red: off target"),
    ("grey", "Grey: no target, no data or data only"),
    ("late", "Late"),
]


class MonthField(forms.CharField):
    """A month's period code, e.g. 2026-10, cleaned to a Period."""

    def clean(self, value: Any) -> periods.Period | None:
        code = (super().clean(value) or "").strip()
        if not code:
            return None
        try:
            period = periods.parse_period(code)
        except periods.PeriodError as exc:
            raise refusal(str(exc)) from exc
        if period.frequency != periods.Frequency.MONTHLY:
            raise forms.ValidationError(
                f"{period.code} is not a month: choose one such as 2026-10."
            )
        return period


class MonthFilter(django_filters.Filter):
    field_class = MonthField


def _keep(queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
    """Filters applied after the statuses are worked out (period, RAG) leave the query alone."""
    return queryset


class ScorecardFilter(django_filters.FilterSet):
    period = MonthFilter(
        method=_keep, label="Month", help_text="A month, e.g. 2026-10 (default: the last complete)"
    )
    kind = django_filters.ChoiceFilter(
        choices=Measure.Kind.choices, label="Kind", empty_label="All", widget=Select
    )
    service = django_filters.ModelChoiceFilter(
        queryset=Service.objects.filter(is_active=True),
        to_field_name="code",
        label="Service",
        empty_label="All services",
        widget=Select,
    )
    priority = django_filters.ModelChoiceFilter(
        queryset=Priority.objects.all(),
        label="Priority",
        empty_label="All priorities",
        widget=Select,
    )
    rag = django_filters.ChoiceFilter(
        choices=RAG_CHOICES, method=_keep, label="Status", empty_label="Any status", widget=Select
    )

    class Meta:
        model = Measure
        fields = ["period", "kind", "service", "priority", "rag"]
