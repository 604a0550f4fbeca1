"""FilterSets shared by the OIM pages and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone

from oim.models import Accreditation, Factor, FactorAssessment, Idea, KeyProcess
from targets.models import Service


def _services(request: Any = None) -> QuerySet[Service]:
    return Service.objects.filter(is_active=True)


class IdeaFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Title or description contains")
    status = django_filters.ChoiceFilter(choices=Idea.Status.choices, empty_label="Any status")
    service = django_filters.ModelChoiceFilter(
        queryset=_services, to_field_name="code", empty_label="Any service"
    )
    funding_year = django_filters.NumberFilter(label="Funded from (year, e.g. 2026)")

    class Meta:
        model = Idea
        fields = ["q", "status", "service", "funding_year"]

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))


class KeyProcessFilter(django_filters.FilterSet):
    service = django_filters.ModelChoiceFilter(
        queryset=_services, to_field_name="code", empty_label="Any service"
    )
    documented = django_filters.BooleanFilter()
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="Review overdue")

    class Meta:
        model = KeyProcess
        fields = ["service", "documented", "overdue"]

    def filter_overdue(
        self, queryset: QuerySet[Any], name: str, value: bool | None
    ) -> QuerySet[Any]:
        if value is None:
            return queryset
        late = Q(next_review__lt=timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)


class AccreditationFilter(django_filters.FilterSet):
    service = django_filters.ModelChoiceFilter(
        queryset=_services, to_field_name="code", empty_label="Any service"
    )
    scheme = django_filters.ChoiceFilter(
        choices=Accreditation.Scheme.choices, empty_label="Any scheme"
    )
    status = django_filters.ChoiceFilter(
        choices=Accreditation.Status.choices, empty_label="Any status"
    )

    class Meta:
        model = Accreditation
        fields = ["service", "scheme", "status"]


class FactorFilter(django_filters.FilterSet):
    quadrant = django_filters.ChoiceFilter(choices=Factor._meta.get_field("quadrant").choices)
    source = django_filters.ChoiceFilter(choices=Factor.Source.choices)

    class Meta:
        model = Factor
        fields = ["quadrant", "source", "is_active"]


class FactorAssessmentFilter(django_filters.FilterSet):
    service = django_filters.CharFilter(field_name="service__code", label="Service code")

    class Meta:
        model = FactorAssessment
        fields = ["service", "year", "factor"]
