"""FilterSets shared by the HTML lists, the API and the exports."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms

from targets import periods
from targets.models import Measure, Service, Value, ValueQuestion
from targets.params import refusal


class WholeNumberFilter(django_filters.NumberFilter):
    """A whole number the database can hold (an id, a year): anything else, such as 1e300 or
    a number of 30 digits, is a 400 with the reason rather than a database error."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 2**31 - 1)
        super().__init__(*args, **kwargs)


class ServiceFilter(django_filters.FilterSet):
    class Meta:
        model = Service
        fields = ["code", "is_support", "is_active"]


class MeasureFilter(django_filters.FilterSet):
    service = django_filters.CharFilter(field_name="service__code", label="Service code")
    priority = WholeNumberFilter(field_name="priority_id", label="Priority id")
    q = django_filters.CharFilter(method="search", label="Code or title contains")

    class Meta:
        model = Measure
        fields = ["kind", "frequency", "polarity", "is_public", "is_scrutiny"]

    def search(self, queryset, name: str, value: str):  # type: ignore[no-untyped-def]
        return queryset.filter(code__icontains=value) | queryset.filter(title__icontains=value)


class ValueFilter(django_filters.FilterSet):
    measure = django_filters.CharFilter(field_name="measure__code", label="Measure code")
    service = django_filters.CharFilter(field_name="measure__service__code", label="Service code")
    period = django_filters.CharFilter(label="Period code, e.g. 2025-04")

    class Meta:
        model = Value
        fields = ["status"]


class PeriodField(forms.CharField):
    """A period code of any frequency (2026-10, 2026/27-Q2, 2026/27), cleaned to a Period."""

    def clean(self, value: Any) -> periods.Period | None:
        code = (super().clean(value) or "").strip()
        if not code:
            return None
        try:
            return periods.parse_period(code)
        except periods.PeriodError as exc:
            raise refusal(str(exc)) from exc


class PeriodFilter(django_filters.Filter):
    field_class = PeriodField

    def filter(self, qs: Any, value: periods.Period | None) -> Any:
        return qs if value is None else qs.filter(period=value.code)


APPROVAL_RAG_CHOICES = [
    ("green", "Green: on target"),
    ("amber", "Amber: within tolerance"),
    ("red", "Red: off target"),
    ("grey", "Grey: no target or data only"),
]


def _after_rating(queryset: Any, name: str, value: Any) -> Any:
    """The RAG is worked out after loading (`targets.approvals`): the query is left alone."""
    return queryset


class ApprovalFilter(django_filters.FilterSet):
    """The approval queue's filters: the page, its API and its export."""

    service = django_filters.ModelChoiceFilter(
        field_name="measure__service",
        queryset=Service.objects.filter(is_active=True).order_by("name"),
        to_field_name="code",
        label="Service",
        empty_label="All services",
    )
    period = PeriodFilter(label="Period", help_text="A period code, e.g. 2026-10 or 2026/27-Q2")
    rag = django_filters.ChoiceFilter(
        choices=APPROVAL_RAG_CHOICES, method=_after_rating, label="Status", empty_label="Any"
    )

    class Meta:
        model = Value
        fields = ["service", "period", "rag"]


class ValueQuestionFilter(django_filters.FilterSet):
    """Questioned values: the performance team's page, its export and its API."""

    service = django_filters.ModelChoiceFilter(
        field_name="value__measure__service",
        queryset=Service.objects.filter(is_active=True).order_by("name"),
        to_field_name="code",
        label="Service",
        empty_label="All services",
    )
    period = django_filters.CharFilter(
        field_name="value__period", label="Period", help_text="A period code, e.g. 2026-10"
    )
    kind = django_filters.ChoiceFilter(
        choices=ValueQuestion.Kind.choices, label="Why", empty_label="Any"
    )

    class Meta:
        model = ValueQuestion
        fields = ["service", "period", "kind"]
