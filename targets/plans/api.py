"""Read-only API of service improvement plans, actions and the planning calendar.

Plans and actions are internal: scrutiny members and people without a role get an empty list.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from rest_framework import serializers, viewsets

from targets import permissions
from targets.api.serializers import PrioritySerializer
from targets.models import Action, Measure, Objective, PlanningMilestone, Service, ServicePlan, User
from targets.plans.filters import ActionFilter, PlanningMilestoneFilter, ServicePlanFilter


class ObjectiveSerializer(serializers.ModelSerializer[Objective]):
    priority = PrioritySerializer(read_only=True)
    measures: serializers.SlugRelatedField[Measure] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )

    class Meta:
        model = Objective
        fields = ["id", "order", "title", "description", "priority", "measures"]


class ServicePlanSerializer(serializers.ModelSerializer[ServicePlan]):
    service: serializers.SlugRelatedField[Service] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    year_label = serializers.CharField(read_only=True)
    measures: serializers.SlugRelatedField[Measure] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    objectives = ObjectiveSerializer(many=True, read_only=True)
    signed_off_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    signed_off_late = serializers.BooleanField(read_only=True)

    class Meta:
        model = ServicePlan
        fields = [
            "id",
            "service",
            "year",
            "year_label",
            "status",
            "summary",
            "measures",
            "objectives",
            "copied_from",
            "signed_off_by",
            "signed_off_at",
            "signed_off_late",
        ]


class ActionSerializer(serializers.ModelSerializer[Action]):
    service: serializers.SlugRelatedField[Service] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    owner: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    plan = serializers.SerializerMethodField()
    priority = serializers.SerializerMethodField()

    class Meta:
        model = Action
        fields = [
            "id",
            "service",
            "plan",
            "objective",
            "priority",
            "title",
            "description",
            "owner",
            "due",
            "status",
            "progress",
            "completed_on",
            "is_appraisal_target",
            "source",
        ]

    def get_plan(self, action: Action) -> int | None:
        return action.objective.plan_id if action.objective else None

    def get_priority(self, action: Action) -> int | None:
        """The corporate priority's number, through the action's objective."""
        return action.objective.priority.number if action.objective else None


class PlanningMilestoneSerializer(serializers.ModelSerializer[PlanningMilestone]):
    done_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = PlanningMilestone
        fields = ["id", "year", "kind", "title", "description", "due", "done_on", "done_by"]


class ServicePlanViewSet(viewsets.ReadOnlyModelViewSet[ServicePlan]):
    """Service improvement plans with their service targets and objectives (councillors:
    signed-off plans only)."""

    serializer_class = ServicePlanSerializer
    filterset_class = ServicePlanFilter

    def get_queryset(self) -> QuerySet[ServicePlan]:
        user = self.request.user
        if not permissions.reads_signed_off_plans(user):
            return ServicePlan.objects.none()
        plans = ServicePlan.objects.all()
        if not permissions.sees_plans(user):
            plans = plans.filter(status=ServicePlan.Status.SIGNED_OFF)
        objectives = Objective.objects.select_related("priority").prefetch_related("measures")
        return (
            plans.select_related("service", "signed_off_by")
            .prefetch_related("measures", Prefetch("objectives", queryset=objectives))
            .order_by("service__name", "-year")
        )


class ActionViewSet(viewsets.ReadOnlyModelViewSet[Action]):
    """Improvement actions: in plans, or from feedback, audits and reviews (councillors: the
    actions of signed-off plans only)."""

    serializer_class = ActionSerializer
    filterset_class = ActionFilter

    def get_queryset(self) -> QuerySet[Action]:
        user = self.request.user
        if not permissions.reads_signed_off_plans(user):
            return Action.objects.none()
        actions = Action.objects.all()
        if not permissions.sees_plans(user):
            actions = actions.filter(objective__plan__status=ServicePlan.Status.SIGNED_OFF)
        return actions.select_related("service", "owner", "objective__priority").order_by(
            "due", "pk"
        )


class PlanningMilestoneViewSet(viewsets.ReadOnlyModelViewSet[PlanningMilestone]):
    """The planning calendar's dated milestones."""

    serializer_class = PlanningMilestoneSerializer
    filterset_class = PlanningMilestoneFilter

    def get_queryset(self) -> QuerySet[PlanningMilestone]:
        if not permissions.sees_plans(self.request.user):
            return PlanningMilestone.objects.none()
        return PlanningMilestone.objects.select_related("done_by").order_by("due", "pk")
