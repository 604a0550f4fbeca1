"""/api/v1/oim/…: factors, computed assessments, value for money, ideas, key processes and
accreditations. Read endpoints with filters; ideas may also be submitted."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from oim import assessments, permissions, services, vfm
from oim.filters import AccreditationFilter, FactorFilter, IdeaFilter, KeyProcessFilter
from oim.forms import accepted_years
from oim.models import Accreditation, Factor, Idea, KeyProcess
from targets import params
from targets.models import Service, User
from targets.permissions import sees_internal_values


class CanViewOim(BasePermission):
    message = "The improvement model is for council staff and management."

    def has_permission(self, request: Request, view: Any) -> bool:
        return permissions.can_view_oim(request.user)


class CanViewRanking(BasePermission):
    message = "The improvement model is for council staff and councillors."

    def has_permission(self, request: Request, view: Any) -> bool:
        return permissions.can_view_ranking(request.user)


def _internal(request: Request) -> bool:
    """Figures from internal values for staff; from published values only for councillors."""
    return sees_internal_values(request.user)


def _figure(help_text: str = "") -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=None, decimal_places=None, allow_null=True, help_text=help_text or None
    )


YEAR = OpenApiParameter(
    "year",
    int,
    description="Financial year by its first calendar year, e.g. 2025 for 2025/26 "
    "(default: the current one).",
)


def _year(request: Request) -> int:
    return params.year_param(
        request.query_params, default=params.this_year(), choices=accepted_years()
    )


class FactorSerializer(serializers.ModelSerializer[Factor]):
    class Meta:
        model = Factor
        fields = [
            "id",
            "quadrant",
            "name",
            "description",
            "source",
            "weight",
            "higher_is_better",
            "cut_low",
            "cut_mid",
            "cut_high",
            "is_active",
        ]


class FactorViewSet(viewsets.ReadOnlyModelViewSet[Factor]):
    queryset = Factor.objects.all()
    serializer_class = FactorSerializer
    filterset_class = FactorFilter
    permission_classes = [CanViewOim]


class FactorLineSerializer(serializers.Serializer[Any]):
    factor = serializers.IntegerField()
    name = serializers.CharField()
    quadrant = serializers.CharField()
    source = serializers.CharField()  # type: ignore[assignment]
    weight = _figure()
    raw = _figure("The raw figure (a hand-assessed factor: its score); null when missing.")
    score = serializers.IntegerField(allow_null=True, help_text="1 to 4; null when missing.")
    basis = serializers.CharField(help_text="Where the figure comes from, or why it is missing.")
    assessor = serializers.CharField(allow_null=True)
    assessed_on = serializers.DateField(allow_null=True)


class QuadrantsSerializer(serializers.Serializer[Any]):
    customer = _figure()
    people = _figure()
    performance = _figure()
    cost = _figure()


class CandidateSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=["fsr", "review"])
    reasons = serializers.ListField(child=serializers.CharField())


class AssessmentSerializer(serializers.Serializer[Any]):
    service = serializers.CharField(help_text="The service's code.")
    service_name = serializers.CharField()
    year = serializers.IntegerField()
    year_label = serializers.CharField()
    overall = _figure("Weighted mean of the quadrants present, 2 places; null: none present.")
    rank = serializers.IntegerField(allow_null=True, help_text="1 = best; null: not ranked.")
    not_ranked_reason = serializers.CharField(allow_blank=True)
    quadrants = QuadrantsSerializer()
    missing_quadrants = serializers.ListField(child=serializers.CharField())
    candidate = CandidateSerializer(allow_null=True)
    factors = FactorLineSerializer(many=True)


def _assessment(a: assessments.ServiceAssessment) -> dict[str, Any]:
    return {
        "service": a.service.code,
        "service_name": a.service.name,
        "year": a.year,
        "year_label": a.year_label,
        "overall": a.overall,
        "rank": a.rank,
        "not_ranked_reason": a.not_ranked_reason,
        "quadrants": {q.value: s for q, s in a.result.quadrants.items()},
        "missing_quadrants": [q.value for q in a.result.missing],
        "candidate": (
            {"kind": a.candidate.kind.value, "reasons": a.candidate.reasons}
            if a.candidate
            else None
        ),
        "factors": [
            {
                "factor": line.factor.pk,
                "name": line.factor.name,
                "quadrant": line.factor.quadrant,
                "source": line.factor.source,
                "weight": line.factor.weight,
                "raw": line.raw,
                "score": line.score,
                "basis": line.basis,
                "assessor": str(line.assessment.assessor)
                if line.assessment and line.assessment.assessor
                else None,
                "assessed_on": line.assessment.assessed_on if line.assessment else None,
            }
            for line in a.lines
        ],
    }


class AssessmentViewSet(viewsets.ViewSet):
    """Every active service's OIM assessment for a year, ranked (ranked services first), with
    each factor's raw figure, score and source; missing figures are null, never 0.
    Councillors (scrutiny, all members) get it worked out from published values only."""

    permission_classes = [CanViewRanking]
    lookup_field = "code"
    lookup_value_regex = "[-a-zA-Z0-9_]+"

    @extend_schema(parameters=[YEAR], responses=AssessmentSerializer(many=True))
    def list(self, request: Request) -> Response:
        ranking = assessments.assess(_year(request), internal=_internal(request))
        return Response(
            AssessmentSerializer([_assessment(a) for a in ranking.services], many=True).data
        )

    @extend_schema(
        parameters=[YEAR, OpenApiParameter("code", str, OpenApiParameter.PATH)],
        responses=AssessmentSerializer,
    )
    def retrieve(self, request: Request, code: str | None = None) -> Response:
        service = get_object_or_404(Service, code=code)
        internal = _internal(request)
        ranking = assessments.assess(_year(request), internal=internal)
        found = ranking.for_service(service)
        if found is None:
            found = assessments.assess(
                ranking.year, services=[service], internal=internal
            ).services[0]
            found.rank = None
        return Response(AssessmentSerializer(_assessment(found)).data)


class VfmRowSerializer(serializers.Serializer[Any]):
    service = serializers.CharField()
    service_name = serializers.CharField()
    year = serializers.IntegerField()
    net_budget = _figure("£; null when not entered.")
    metric = serializers.CharField(allow_null=True, help_text="The benchmark metric of spend.")
    period = serializers.CharField(allow_null=True)
    cost_per_head = _figure()
    nearest_median = _figure()
    against_median = _figure("Cost per head as % of the nearest neighbours' median.")
    cost_rank = serializers.CharField(allow_null=True, help_text="1 = lowest cost.")
    cost_quartile = serializers.IntegerField(allow_null=True, help_text="1 = lowest cost.")
    all_group = serializers.CharField(
        allow_null=True, help_text="The all-district group: every authority of our type."
    )
    all_median = _figure("The all-district group's median cost per head.")
    all_against_median = _figure("Cost per head as % of the all-district group's median.")
    all_cost_rank = serializers.CharField(allow_null=True, help_text="1 = lowest cost.")
    all_cost_quartile = serializers.IntegerField(allow_null=True, help_text="1 = lowest cost.")
    percent_on_target = _figure()
    performance_quartile = serializers.IntegerField(allow_null=True, help_text="1 = best.")
    performance_quartile_source = serializers.ChoiceField(
        choices=["benchmark", "own_ranking", ""],
        help_text="benchmark: the linked benchmark metrics' quartiles against the nearest "
        "neighbours; own_ranking: the council's own ranking of % on target (only when no "
        "linked metric has a quartile); empty: none.",
    )
    performance_basis = serializers.CharField(help_text="Which figures, in words.")
    need = serializers.IntegerField(allow_null=True)
    budget_share = _figure()
    priority_score = _figure()
    priority = serializers.IntegerField(allow_null=True, help_text="1 = review first.")
    missing = serializers.ListField(child=serializers.CharField())


def _vfm(row: vfm.VfmRow) -> dict[str, Any]:
    cost = row.cost
    return {
        "service": row.service.code,
        "service_name": row.service.name,
        "year": row.year,
        "net_budget": row.budget,
        "metric": cost.metric.code if cost else None,
        "period": cost.period if cost else None,
        "cost_per_head": cost.value if cost else None,
        "nearest_median": cost.median if cost else None,
        "against_median": cost.against_median if cost else None,
        "cost_rank": cost.rank_text if cost else None,
        "cost_quartile": row.cost_quartile,
        "all_group": row.cost_all.group_label if row.cost_all else None,
        "all_median": row.cost_all.median if row.cost_all else None,
        "all_against_median": row.cost_all.against_median if row.cost_all else None,
        "all_cost_rank": row.cost_all.rank_text if row.cost_all else None,
        "all_cost_quartile": row.cost_all.quartile if row.cost_all else None,
        "percent_on_target": row.performance.on_target,
        "performance_quartile": row.performance_quartile,
        "performance_quartile_source": row.performance_source,
        "performance_basis": row.performance_basis,
        "need": row.need,
        "budget_share": row.budget_share,
        "priority_score": row.priority_score,
        "priority": row.priority,
        "missing": row.missing,
    }


class VfmView(APIView):
    """Value for money per service for a year, in FSR priority order (services without a
    priority last). Councillors get it from published values only."""

    permission_classes = [CanViewRanking]

    @extend_schema(
        parameters=[
            YEAR,
            OpenApiParameter("prioritised", bool, description="Only services with a priority."),
        ],
        responses=VfmRowSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        rows = vfm.vfm_rows(_year(request), internal=_internal(request))
        if request.query_params.get("prioritised") in {"true", "1", "True"}:
            rows = [r for r in rows if r.priority is not None]
        return Response(VfmRowSerializer([_vfm(r) for r in rows], many=True).data)


class IdeaSerializer(serializers.ModelSerializer[Idea]):
    service: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Service.objects.filter(is_active=True),
        allow_null=True,
        required=False,
    )
    submitter: serializers.StringRelatedField[Any] = serializers.StringRelatedField(allow_null=True)

    class Meta:
        model = Idea
        fields = [
            "id",
            "title",
            "description",
            "service",
            "submitter",
            "status",
            "board_month",
            "board_note",
            "amount_requested",
            "amount_awarded",
            "funding_year",
            "estimated_saving",
            "realised_saving",
            "submitted_at",
        ]
        read_only_fields = [
            "status",
            "board_month",
            "board_note",
            "amount_awarded",
            "funding_year",
            "realised_saving",
            "submitted_at",
        ]


class IdeaViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Idea],
):
    """The ideas board: everyone signed in reads it and may submit an idea (it starts as new)."""

    queryset = Idea.objects.select_related("service", "submitter")
    serializer_class = IdeaSerializer
    filterset_class = IdeaFilter

    def perform_create(self, serializer: serializers.BaseSerializer[Idea]) -> None:
        idea = Idea(**serializer.validated_data)
        user = self.request.user
        assert isinstance(user, User)
        serializer.instance = services.idea_submit(idea=idea, user=user)


class KeyProcessSerializer(serializers.ModelSerializer[KeyProcess]):
    service: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    owner: serializers.StringRelatedField[Any] = serializers.StringRelatedField(allow_null=True)

    class Meta:
        model = KeyProcess
        fields = [
            "id",
            "service",
            "name",
            "owner",
            "documented",
            "last_review",
            "next_review",
            "link",
        ]


class KeyProcessViewSet(viewsets.ReadOnlyModelViewSet[KeyProcess]):
    queryset = KeyProcess.objects.select_related("service", "owner")
    serializer_class = KeyProcessSerializer
    filterset_class = KeyProcessFilter
    permission_classes = [CanViewOim]


class AccreditationSerializer(serializers.ModelSerializer[Accreditation]):
    service: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )

    class Meta:
        model = Accreditation
        fields = [
            "id",
            "service",
            "scheme",
            "scheme_name",
            "status",
            "awarded_on",
            "expires_on",
            "next_assessment",
            "notes",
        ]


class AccreditationViewSet(viewsets.ReadOnlyModelViewSet[Accreditation]):
    queryset = Accreditation.objects.select_related("service")
    serializer_class = AccreditationSerializer
    filterset_class = AccreditationFilter
    permission_classes = [CanViewOim]
