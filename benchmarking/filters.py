"""FilterSets shared by the benchmarking pages and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from benchmarking.models import Authority, BenchmarkValue, Exercise, Fetch, GoodPractice, Metric
from targets.filters import WholeNumberFilter
from targets.models import Service


def _search(fields: tuple[str, ...]) -> Any:
    def search(queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        query = Q()
        for field in fields:
            query |= Q(**{f"{field}__icontains": value})
        return queryset.filter(query)

    return search


class AuthorityFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method=_search(("code", "name")), label="Code or name contains")

    class Meta:
        model = Authority
        fields = ["type", "region", "nation", "is_current"]


class MetricFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method=_search(("code", "title")), label="Code or title contains")
    linked = django_filters.BooleanFilter(
        field_name="measure", lookup_expr="isnull", exclude=True, label="Linked to a measure"
    )
    measure = django_filters.CharFilter(field_name="measure__code", label="Measure code")

    class Meta:
        model = Metric
        fields = ["source", "polarity", "unit"]


class BenchmarkValueFilter(django_filters.FilterSet):
    metric = django_filters.CharFilter(field_name="metric__code", label="Metric code")
    area = django_filters.CharFilter(field_name="authority__code", label="Area (ONS code)")
    type = django_filters.CharFilter(field_name="authority__type", label="Authority type")
    period = django_filters.CharFilter(label="Period, e.g. 2023/24")

    class Meta:
        model = BenchmarkValue
        fields = ["metric", "area", "type", "period"]


class ExerciseFilter(django_filters.FilterSet):
    service = django_filters.ModelChoiceFilter(
        queryset=Service.objects.filter(is_active=True),
        to_field_name="code",
        label="Service",
        empty_label="All services",
    )
    year = WholeNumberFilter(label="Financial year (2025 = 2025/26)", max_value=32767)
    sector = django_filters.ChoiceFilter(
        choices=Exercise.Sector.choices, label="Sector", empty_label="Within or outside"
    )
    status = django_filters.ChoiceFilter(
        choices=Exercise.Status.choices, label="Status", empty_label="Any status"
    )

    class Meta:
        model = Exercise
        fields = ["service", "year", "sector", "status"]


def _topics() -> list[tuple[str, str]]:
    topics = GoodPractice.objects.order_by("topic").values_list("topic", flat=True).distinct()
    return [(topic, topic) for topic in topics]


class GoodPracticeFilter(django_filters.FilterSet):
    service = django_filters.ModelChoiceFilter(
        queryset=Service.objects.filter(is_active=True),
        to_field_name="code",
        label="Service",
        empty_label="All services",
    )
    topic = django_filters.ChoiceFilter(label="Topic", empty_label="All topics", choices=_topics)
    q = django_filters.CharFilter(method="search", label="Words")

    class Meta:
        model = GoodPractice
        fields = ["service", "topic", "q"]

    def search(self, queryset: QuerySet[GoodPractice], name: str, value: str) -> QuerySet[Any]:
        return queryset.search(value)  # type: ignore[attr-defined, no-any-return]


def _fetched_metrics(request: Any) -> QuerySet[Metric]:
    return (
        Metric.objects.filter(Q(lginform_id__isnull=False) | Q(fetches__isnull=False))
        .distinct()
        .order_by("code")
    )


class FetchFilter(django_filters.FilterSet):
    metric = django_filters.ModelChoiceFilter(
        queryset=_fetched_metrics,
        to_field_name="code",
        label="Metric",
        empty_label="All metrics",
    )
    status = django_filters.ChoiceFilter(
        choices=Fetch.Status.choices, label="Status", empty_label="Any status"
    )
    trigger = django_filters.ChoiceFilter(
        choices=Fetch.Trigger.choices, label="Started by", empty_label="Anything"
    )
    batch = django_filters.CharFilter(label="Run (batch)")

    class Meta:
        model = Fetch
        fields = ["metric", "status", "trigger", "batch"]
