"""FilterSets shared by the feedback pages and the API."""

from __future__ import annotations

import django_filters

from feedback.models import Arrangement, Complaint, MysteryShop, Round
from targets.models import Service


def _service_filter(field_name: str = "service") -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        field_name=field_name,
        queryset=Service.objects.all(),
        to_field_name="code",
        label="Service",
        empty_label="All services",
    )


class ArrangementFilter(django_filters.FilterSet):
    service = _service_filter()
    kind = django_filters.ChoiceFilter(
        choices=Arrangement.Kind.choices, label="Kind", empty_label="Any kind"
    )
    is_active = django_filters.BooleanFilter(label="In use")

    class Meta:
        model = Arrangement
        fields = ["service", "kind", "is_active"]


class RoundFilter(django_filters.FilterSet):
    service = _service_filter("arrangement__service")
    arrangement = django_filters.NumberFilter(label="Arrangement id")
    kind = django_filters.ChoiceFilter(
        field_name="arrangement__kind",
        choices=Arrangement.Kind.choices,
        label="Kind",
        empty_label="Any kind",
    )
    ended_after = django_filters.DateFilter(
        field_name="ended", lookup_expr="gte", label="Ended on or after (YYYY-MM-DD)"
    )
    ended_before = django_filters.DateFilter(
        field_name="ended", lookup_expr="lte", label="Ended on or before (YYYY-MM-DD)"
    )

    class Meta:
        model = Round
        fields = ["service", "arrangement", "kind", "ended_after", "ended_before"]


class ComplaintFilter(django_filters.FilterSet):
    service = _service_filter()
    kind = django_filters.ChoiceFilter(
        choices=Complaint.Kind.choices, label="Kind", empty_label="Complaints and compliments"
    )
    stage = django_filters.ChoiceFilter(
        choices=Complaint.Stage.choices, label="Stage", empty_label="Any stage"
    )
    received_after = django_filters.DateFilter(
        field_name="received", lookup_expr="gte", label="Received on or after (YYYY-MM-DD)"
    )
    received_before = django_filters.DateFilter(
        field_name="received", lookup_expr="lte", label="Received on or before (YYYY-MM-DD)"
    )
    due_after = django_filters.DateFilter(
        field_name="due", lookup_expr="gte", label="Due on or after (YYYY-MM-DD)"
    )
    due_before = django_filters.DateFilter(
        field_name="due", lookup_expr="lte", label="Due on or before (YYYY-MM-DD)"
    )
    reference = django_filters.CharFilter(lookup_expr="icontains", label="Reference contains")

    class Meta:
        model = Complaint
        fields = [
            "service",
            "kind",
            "stage",
            "received_after",
            "received_before",
            "due_after",
            "due_before",
            "reference",
        ]


class VisitFilter(django_filters.FilterSet):
    service = _service_filter()
    channel = django_filters.ChoiceFilter(
        choices=MysteryShop.Channel.choices, label="Channel", empty_label="Any channel"
    )

    class Meta:
        model = MysteryShop
        fields = ["service", "channel"]
