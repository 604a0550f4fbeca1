"""/api/v1/risks/, /api/v1/risk-matrix/ and /api/v1/corporate-programmes/, with the pages'
permissions. Risks are added and changed through the same service as the pages (the matrix's
scale, controls never raising a risk, who may change what)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fsr.api import _refusals, username
from fsr.governance import permissions, services
from fsr.governance.filters import RiskFilter
from fsr.governance.models import Programme, ProgrammeMilestone, Project, Risk, RiskMatrix
from fsr.permissions import review_service_ids
from targets.models import Action, ChangeRecord, Measure, Priority, Service, User


class RiskActionSerializer(serializers.ModelSerializer[Action]):
    owner = username(allow_null=True)
    service: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )

    class Meta:
        model = Action
        fields = ["id", "title", "service", "owner", "due", "status", "completed_on"]


class RiskSerializer(serializers.ModelSerializer[Risk]):
    service: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    owner = username()
    priority: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="number", read_only=True, allow_null=True
    )
    measures: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    actions = RiskActionSerializer(many=True, read_only=True)
    inherent_score = serializers.IntegerField(read_only=True)
    residual_score = serializers.IntegerField(read_only=True)
    inherent_band = serializers.SerializerMethodField()
    residual_band = serializers.SerializerMethodField()
    review_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Risk
        fields = [
            "id",
            "reference",
            "kind",
            "service",
            "title",
            "cause",
            "effect",
            "owner",
            "inherent_likelihood",
            "inherent_impact",
            "inherent_score",
            "inherent_band",
            "controls",
            "residual_likelihood",
            "residual_impact",
            "residual_score",
            "residual_band",
            "review_date",
            "review_overdue",
            "priority",
            "measures",
            "actions",
            "status",
        ]

    def _matrix(self) -> Any:
        # Read once per response, not once per risk.
        if not hasattr(self, "_council_matrix"):
            self._council_matrix = RiskMatrix.current()
        return self._council_matrix

    def get_inherent_band(self, risk: Risk) -> str:
        """low, medium or high on the council's matrix."""
        return str(risk.band(self._matrix(), residual=False))

    def get_residual_band(self, risk: Risk) -> str:
        """low, medium or high on the council's matrix."""
        return str(risk.band(self._matrix()))

    def get_review_overdue(self, risk: Risk) -> bool:
        return risk.is_review_overdue(timezone.localdate())


class RiskWriteSerializer(serializers.ModelSerializer[Risk]):
    service: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Service.objects.filter(is_active=True),
        allow_null=True,
        required=False,
    )
    owner: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.filter(is_active=True)
    )
    priority: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="number", queryset=Priority.objects.all(), allow_null=True, required=False
    )
    measures: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", queryset=Measure.objects.all(), many=True, required=False
    )

    class Meta:
        model = Risk
        fields = list(Risk.EDITABLE_FIELDS)
        # The model's rules (the matrix's scale among them) are checked by the service.
        extra_kwargs: dict[str, dict[str, Any]] = {
            name: {"validators": []}
            for name in (
                "inherent_likelihood",
                "inherent_impact",
                "residual_likelihood",
                "residual_impact",
            )
        }


class RiskViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet[Risk],
):
    """The corporate risks and the risks of the services the user reads (every risk for CMT,
    CEB, scrutiny and the performance team; none for people with no role), with their scores
    and bands on the council's matrix, measures and actions.

    Heads of service add their services' risks and the performance team any; a risk's owner,
    its service's head and the team change it.
    """

    filterset_class = RiskFilter

    def get_queryset(self) -> QuerySet[Risk]:
        user = self.request.user
        if not permissions.sees_risks(user):
            return Risk.objects.none()
        return (
            Risk.objects.visible_to(permissions.risk_service_ids(user))
            .select_related("service", "owner", "priority")
            .prefetch_related(
                "measures",
                Prefetch("actions", queryset=Action.objects.select_related("owner", "service")),
            )
        )

    def get_serializer_class(self) -> Any:
        if self.action in {"create", "update", "partial_update"}:
            return RiskWriteSerializer
        return RiskSerializer

    def _save(self, risk: Risk, data: dict[str, Any]) -> Response:
        measures = data.pop("measures", None)
        for field, value in data.items():
            setattr(risk, field, value)
        assert isinstance(self.request.user, User)
        user = self.request.user
        saved = _refusals(
            lambda: services.risk_save(
                risk=risk, measures=measures, user=user, source=ChangeRecord.Source.API
            )
        )
        return Response(RiskSerializer(self.get_queryset().get(pk=saved.pk)).data)

    @extend_schema(request=RiskWriteSerializer, responses={201: RiskSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        writer = RiskWriteSerializer(data=request.data)
        writer.is_valid(raise_exception=True)
        response = self._save(Risk(), dict(writer.validated_data))
        response.status_code = 201
        return response

    @extend_schema(request=RiskWriteSerializer, responses={200: RiskSerializer})
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        risk = self.get_object()
        writer = RiskWriteSerializer(risk, data=request.data, partial=kwargs.get("partial", False))
        writer.is_valid(raise_exception=True)
        return self._save(risk, dict(writer.validated_data))


class MatrixSerializer(serializers.Serializer[Any]):
    size = serializers.IntegerField(help_text="4 or 5: likelihood and impact run from 1 to this.")
    medium_from = serializers.IntegerField(help_text="A score of at least this is Medium.")
    high_from = serializers.IntegerField(help_text="A score of at least this is High.")


class MatrixView(APIView):
    """The council's risk matrix: its size and where its bands start."""

    @extend_schema(responses={200: MatrixSerializer})
    def get(self, request: Request) -> Response:
        return Response(MatrixSerializer(RiskMatrix.current()).data)


class ProjectSerializer(serializers.ModelSerializer[Project]):
    manager = username(allow_null=True)
    overall = serializers.CharField(read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "title",
            "manager",
            "stage",
            "rag_time",
            "rag_cost",
            "rag_scope",
            "overall",
            "planned_end",
        ]


class ProgrammeMilestoneSerializer(serializers.ModelSerializer[ProgrammeMilestone]):
    class Meta:
        model = ProgrammeMilestone
        fields = ["id", "title", "project", "due", "done_on"]


class ProgrammeSerializer(serializers.ModelSerializer[Programme]):
    sponsor = username()
    manager = username(allow_null=True)
    priority: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="number", read_only=True, allow_null=True
    )
    overall = serializers.CharField(read_only=True, help_text="The worst of time, cost, scope.")
    projects = ProjectSerializer(many=True, read_only=True)
    milestones = ProgrammeMilestoneSerializer(many=True, read_only=True)
    risks = serializers.SerializerMethodField()
    savings = serializers.SerializerMethodField()

    class Meta:
        model = Programme
        fields = [
            "id",
            "title",
            "aims",
            "sponsor",
            "manager",
            "board",
            "stage",
            "rag_time",
            "rag_cost",
            "rag_scope",
            "overall",
            "status_note",
            "start",
            "planned_end",
            "priority",
            "projects",
            "milestones",
            "risks",
            "savings",
        ]

    def get_savings(self, programme: Programme) -> list[int]:
        """The ids of its savings plan lines the reader may see (`/api/v1/savings/`)."""
        ids = self.context.get("savings_service_ids")
        return [
            line.pk
            for line in programme.savings.all()
            if ids is None or (line.service_id is not None and line.service_id in ids)
        ]

    def get_risks(self, programme: Programme) -> list[str]:
        """The references of the risks it carries that the reader may see."""
        ids = self.context.get("risk_service_ids")
        return [
            r.reference
            for r in programme.risks.all()
            if ids is None or r.service_id is None or r.service_id in ids
        ]


class ProgrammeViewSet(viewsets.ReadOnlyModelViewSet[Programme]):
    """Corporate programmes with their projects, milestones, risks and savings lines (staff and
    members with a role)."""

    serializer_class = ProgrammeSerializer

    def get_queryset(self) -> QuerySet[Programme]:
        if not permissions.sees_programmes(self.request.user):
            return Programme.objects.none()
        return Programme.objects.select_related("sponsor", "manager", "priority").prefetch_related(
            Prefetch("projects", queryset=Project.objects.select_related("manager")),
            "milestones",
            "risks",
            "savings",
        )

    def get_serializer_context(self) -> dict[str, Any]:
        return {
            **super().get_serializer_context(),
            "risk_service_ids": permissions.risk_service_ids(self.request.user),
            "savings_service_ids": review_service_ids(self.request.user),
        }
