"""FilterSets shared by the review pages and the API."""

from __future__ import annotations

from datetime import date
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone

from fsr.models import MarketIntelligence, MarketTest, PeerReview, Review, SavingsLine
from targets.models import Service


def _services(request: Any = None) -> QuerySet[Service]:
    return Service.objects.filter(is_active=True)


def _service_filter(field_name: str = "service") -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        field_name=field_name,
        queryset=_services,
        to_field_name="code",
        label="Service",
        empty_label="All services",
    )


def _in_financial_year(field: str) -> Any:
    def method(queryset: QuerySet[Any], name: str, value: int) -> QuerySet[Any]:
        year = int(value)
        return queryset.filter(
            **{f"{field}__gte": date(year, 4, 1), f"{field}__lte": date(year + 1, 3, 31)}
        )

    return method


class ReviewFilter(django_filters.FilterSet):
    service = _service_filter()
    kind = django_filters.ChoiceFilter(
        choices=Review.Kind.choices, label="Kind", empty_label="Any kind"
    )
    status = django_filters.ChoiceFilter(
        choices=Review.Status.choices, label="Status", empty_label="Any status"
    )
    year = django_filters.NumberFilter(
        method=_in_financial_year("start"),
        label="Started in financial year (2025 = 2025/26)",
        min_value=1000,
        max_value=9998,
    )
    missed_dates = django_filters.BooleanFilter(
        method="filter_missed",
        label="Improvement plan has missed dates",
    )

    class Meta:
        model = Review
        fields = ["service", "kind", "status", "year", "missed_dates"]

    def filter_missed(self, queryset: QuerySet[Review], name: str, value: bool | None) -> Any:
        if value is None:
            return queryset
        missed = Review.objects.with_missed_dates(timezone.localdate()).values("pk")
        return queryset.filter(pk__in=missed) if value else queryset.exclude(pk__in=missed)


class MarketTestFilter(django_filters.FilterSet):
    service = _service_filter("review__service")
    decision = django_filters.ChoiceFilter(
        choices=MarketTest.Decision.choices, label="Decision", empty_label="Any decision"
    )

    class Meta:
        model = MarketTest
        fields = ["service", "decision"]


class PeerReviewFilter(django_filters.FilterSet):
    service = _service_filter()
    year = django_filters.NumberFilter(
        method=_in_financial_year("started_on"),
        label="Started in financial year (2025 = 2025/26)",
        min_value=1000,
        max_value=9998,
    )

    class Meta:
        model = PeerReview
        fields = ["service", "year"]


class IntelligenceFilter(django_filters.FilterSet):
    service = _service_filter()
    sector = django_filters.ChoiceFilter(
        choices=MarketIntelligence.Sector.choices, label="Sector", empty_label="Any sector"
    )
    q = django_filters.CharFilter(method="search", label="Words")

    class Meta:
        model = MarketIntelligence
        fields = ["service", "sector", "q"]

    def search(self, queryset: QuerySet[MarketIntelligence], name: str, value: str) -> Any:
        words = Q()
        for field in ("source", "competitor", "summary"):
            words |= Q(**{f"{field}__icontains": value})
        return queryset.filter(words)


class SavingsLineFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(
        label="Financial year (2025 = 2025/26)", min_value=1000, max_value=9998
    )
    service = _service_filter()
    source = django_filters.ChoiceFilter(
        choices=SavingsLine.Source.choices, label="Source", empty_label="Any source"
    )

    class Meta:
        model = SavingsLine
        fields = ["year", "service", "source"]
