"""/api/v1/feedback/…: arrangements, rounds, complaints and compliments, panel surveys and
mystery shopping (read only, filtered as the pages are)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers, viewsets

from feedback import permissions
from feedback.filters import ArrangementFilter, ComplaintFilter, RoundFilter, VisitFilter
from feedback.models import Arrangement, Complaint, MysteryShop, PanelResult, PanelSurvey, Round
from targets.models import Action


def _service(**kwargs: Any) -> serializers.SlugRelatedField[Any]:
    return serializers.SlugRelatedField(slug_field="code", read_only=True, **kwargs)


class ArrangementSerializer(serializers.ModelSerializer[Arrangement]):
    service = _service()
    owner: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Arrangement
        fields = [
            "id",
            "service",
            "kind",
            "title",
            "description",
            "frequency",
            "owner",
            "is_active",
            "updated_at",
        ]


class FeedbackActionSerializer(serializers.ModelSerializer[Action]):
    owner: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    in_plan = serializers.SerializerMethodField()

    class Meta:
        model = Action
        fields = ["id", "title", "owner", "due", "status", "objective", "in_plan"]

    def get_in_plan(self, action: Action) -> bool:
        """Whether the action is part of the service improvement plan."""
        return action.objective_id is not None


class RoundSerializer(serializers.ModelSerializer[Round]):
    service: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        source="arrangement.service", slug_field="code", read_only=True
    )
    satisfaction = serializers.DecimalField(
        max_digits=5,
        decimal_places=1,
        read_only=True,
        allow_null=True,
        help_text="% satisfied, or the score normalised: lowest score 0%, highest 100%.",
    )
    actions = FeedbackActionSerializer(many=True, read_only=True)

    class Meta:
        model = Round
        fields = [
            "id",
            "arrangement",
            "service",
            "started",
            "ended",
            "respondents",
            "result",
            "percent_satisfied",
            "score",
            "scale_min",
            "scale_max",
            "satisfaction",
            "findings",
            "actions",
        ]


class ComplaintSerializer(serializers.ModelSerializer[Complaint]):
    service = _service()

    class Meta:
        model = Complaint
        fields = [
            "reference",
            "kind",
            "service",
            "received",
            "due",
            "responded",
            "stage",
            "outcome",
        ]


class PanelResultSerializer(serializers.ModelSerializer[PanelResult]):
    service = _service(allow_null=True)  # a result may ask about the council as a whole

    class Meta:
        model = PanelResult
        fields = ["question", "service", "percent_satisfied", "note"]


class PanelSurveySerializer(serializers.ModelSerializer[PanelSurvey]):
    response_rate = serializers.DecimalField(
        max_digits=5, decimal_places=1, read_only=True, allow_null=True
    )
    results = PanelResultSerializer(many=True, read_only=True)

    class Meta:
        model = PanelSurvey
        fields = [
            "id",
            "title",
            "topics",
            "sent",
            "closed",
            "panel_size",
            "responses",
            "response_rate",
            "headlines",
            "results",
        ]


class VisitSerializer(serializers.ModelSerializer[MysteryShop]):
    service = _service()
    actions = FeedbackActionSerializer(many=True, read_only=True)

    class Meta:
        model = MysteryShop
        fields = [
            "id",
            "service",
            "visited",
            "channel",
            "scenario",
            "score",
            "findings",
            "shared_with_staff",
            "actions",
        ]


class ArrangementViewSet(viewsets.ReadOnlyModelViewSet[Arrangement]):
    """Each service's feedback arrangements."""

    queryset = Arrangement.objects.select_related("service", "owner").order_by("pk")
    serializer_class = ArrangementSerializer
    filterset_class = ArrangementFilter


class RoundViewSet(viewsets.ReadOnlyModelViewSet[Round]):
    """Rounds of feedback arrangements, newest first, with the actions they led to."""

    queryset = Round.objects.select_related("arrangement__service").prefetch_related(
        "actions__owner"
    )
    serializer_class = RoundSerializer
    filterset_class = RoundFilter


class ComplaintViewSet(viewsets.ReadOnlyModelViewSet[Complaint]):
    """Complaints and compliments as imported from the CRM, newest first. Seen by staff who see
    internal values; for others the list is empty."""

    serializer_class = ComplaintSerializer
    filterset_class = ComplaintFilter
    lookup_field = "reference"

    def get_queryset(self) -> QuerySet[Complaint]:
        if not permissions.can_view_complaints(self.request.user):
            return Complaint.objects.none()
        return Complaint.objects.select_related("service").order_by("-received", "reference")


class PanelSurveyViewSet(viewsets.ReadOnlyModelViewSet[PanelSurvey]):
    queryset = PanelSurvey.objects.prefetch_related("results__service")
    serializer_class = PanelSurveySerializer


class VisitViewSet(viewsets.ReadOnlyModelViewSet[MysteryShop]):
    queryset = MysteryShop.objects.select_related("service").prefetch_related("actions__owner")
    serializer_class = VisitSerializer
    filterset_class = VisitFilter
