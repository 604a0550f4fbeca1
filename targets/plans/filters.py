"""FilterSets of plans, actions and milestones, shared by the API and the pages."""

from __future__ import annotations

import django_filters

from targets.models import Action, PlanningMilestone, ServicePlan


class ServicePlanFilter(django_filters.FilterSet):
    service = django_filters.CharFilter(field_name="service__code", label="Service code")

    class Meta:
        model = ServicePlan
        fields = ["service", "year", "status"]


class ActionFilter(django_filters.FilterSet):
    service = django_filters.CharFilter(field_name="service__code", label="Service code")
    owner = django_filters.CharFilter(field_name="owner__username", label="Owner's username")
    appraisal_target = django_filters.BooleanFilter(
        field_name="is_appraisal_target", label="Is an appraisal target"
    )
    year = django_filters.NumberFilter(
        field_name="objective__plan__year", label="Year of the plan it is in (2026 = 2026/27)"
    )
    in_plan = django_filters.BooleanFilter(
        field_name="objective", lookup_expr="isnull", exclude=True, label="Is in a plan"
    )

    class Meta:
        model = Action
        fields = ["service", "owner", "status", "appraisal_target", "year", "source", "objective"]


class PlanningMilestoneFilter(django_filters.FilterSet):
    done = django_filters.BooleanFilter(
        field_name="done_on", lookup_expr="isnull", exclude=True, label="Is done"
    )

    class Meta:
        model = PlanningMilestone
        fields = ["year", "kind", "done"]
