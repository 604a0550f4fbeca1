"""The one FilterSet of target proposals, shared by the page and the API."""

from __future__ import annotations

import django_filters

from targets.models import TargetProposal
from targets.params import YearFilter


class TargetProposalFilter(django_filters.FilterSet):
    year = YearFilter(field_name="year", label="Financial year (2026/27)")
    service = django_filters.CharFilter(field_name="measure__service__code", label="Service code")
    measure = django_filters.CharFilter(field_name="measure__code", label="Measure code")
    status = django_filters.ChoiceFilter(choices=TargetProposal.Status.choices)

    class Meta:
        model = TargetProposal
        fields = ["year", "service", "measure", "status"]
