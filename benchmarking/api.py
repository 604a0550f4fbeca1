"""/api/v1/benchmarks/…: positions, their trend, and the benchmarking register (read only)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, viewsets
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from benchmarking import positions
from benchmarking.comparisons import ComparisonError
from benchmarking.filters import (
    AuthorityFilter,
    BenchmarkValueFilter,
    ExerciseFilter,
    FetchFilter,
    GoodPracticeFilter,
    MetricFilter,
)
from benchmarking.models import (
    Authority,
    BenchmarkValue,
    ComparatorGroup,
    Exercise,
    Fetch,
    GoodPractice,
    GroupVersion,
    Metric,
)
from benchmarking.permissions import can_manage_benchmarks
from targets.periods import fy_label


def figure(help_text: str = "") -> serializers.DecimalField:
    """A figure as a string with the places it has (a percentile may have two more)."""
    return serializers.DecimalField(
        max_digits=None, decimal_places=None, allow_null=True, help_text=help_text or None
    )


class RankedSerializer(serializers.Serializer[Any]):
    area = serializers.CharField(help_text="ONS code.")
    name = serializers.CharField()
    value = figure()
    rank = serializers.IntegerField()
    quartile = serializers.IntegerField(allow_null=True)
    is_area = serializers.BooleanField()


class PositionSerializer(serializers.Serializer[Any]):
    metric = serializers.CharField()
    period = serializers.CharField()
    area = serializers.CharField()
    area_name = serializers.CharField()
    group = serializers.CharField(help_text="The comparison as asked: nearest, all, type:NMD…")
    group_label = serializers.CharField()
    polarity = serializers.CharField()
    decimals = serializers.IntegerField()
    n = serializers.IntegerField(help_text="Authorities in the set with a value.")
    value = figure("Rounded to the metric's decimals.")
    rank = serializers.IntegerField(allow_null=True, help_text="1 = best; ties share a rank.")
    rank_text = serializers.CharField(allow_null=True, help_text='e.g. "5/15".')
    quartile = serializers.IntegerField(allow_null=True, help_text="1 = best.")
    p25 = figure()
    median = figure()
    p75 = figure()
    min = figure()
    max = figure()
    gap_to_median = figure("value − median.")
    gap_to_top_quartile = figure(
        "value − the top quartile's boundary (P75, or P25 if lower is better)."
    )
    own_value = serializers.BooleanField(help_text="The value is the council's own published one.")
    message = serializers.CharField(allow_blank=True)
    ranking = RankedSerializer(many=True)


class TrendSerializer(serializers.Serializer[Any]):
    metric = serializers.CharField()
    area = serializers.CharField()
    group = serializers.CharField()
    group_label = serializers.CharField()
    periods = PositionSerializer(many=True)


COMMON = [
    OpenApiParameter("metric", str, required=True, description="Metric code, e.g. ENV18."),
    OpenApiParameter("area", str, description="ONS code (default: the council)."),
    OpenApiParameter(
        "group",
        str,
        description="nearest (default), all, type:NMD, or a comparator group's slug.",
    ),
]


def _question(request: Request, *, period: bool) -> positions.Question:
    params = request.query_params
    if period and not params.get("period"):
        raise exceptions.ValidationError({"period": ["Give a period, e.g. 2023/24."]})
    try:
        return positions.ask(
            metric=params.get("metric"),
            area=params.get("area"),
            group=params.get("group"),
            period=params.get("period") if period else None,
        )
    except ComparisonError as exc:
        if exc.status == 400:
            raise exceptions.ValidationError({exc.field: [str(exc)]}) from None
        raise exceptions.NotFound(str(exc)) from None


class PositionView(APIView):
    """An area's position in a comparison set for one metric and period (DESIGN.md section 2).

    Values are rounded to the metric's decimals first; rank 1 is the best by the metric's
    polarity; quartile 1 the best. An area without a value gets nulls and a `message`.
    """

    @extend_schema(
        parameters=[
            *COMMON,
            OpenApiParameter("period", str, required=True, description="e.g. 2023/24."),
        ],
        responses=PositionSerializer,
    )
    def get(self, request: Request) -> Response:
        q = _question(request, period=True)
        assert q.period is not None
        found = positions.position(q.metric, q.period, q.area, q.comparison)
        return Response(PositionSerializer(found.as_dict()).data)


class TrendView(APIView):
    """The area's position in every period, oldest first (group membership as it was then)."""

    @extend_schema(parameters=COMMON, responses=TrendSerializer)
    def get(self, request: Request) -> Response:
        q = _question(request, period=False)
        found = positions.trend(q.metric, q.area, q.comparison)
        body = {
            "metric": q.metric.code,
            "area": q.area.code,
            "group": q.comparison.key,
            "group_label": q.comparison.label,
            "periods": [p.as_dict() for p in found],
        }
        return Response(TrendSerializer(body).data)


class AuthoritySerializer(serializers.ModelSerializer[Authority]):
    class Meta:
        model = Authority
        fields = [
            "code",
            "name",
            "type",
            "type_name",
            "region",
            "nation",
            "population",
            "is_current",
        ]


class MetricSerializer(serializers.ModelSerializer[Metric]):
    measure: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )

    class Meta:
        model = Metric
        fields = [
            "code",
            "title",
            "description",
            "unit",
            "decimals",
            "polarity",
            "source",
            "source_detail",
            "measure",
            "add_own_values",
            "lginform_id",
        ]


class VersionSerializer(serializers.ModelSerializer[GroupVersion]):
    valid_from = serializers.SerializerMethodField()
    members: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )

    class Meta:
        model = GroupVersion
        fields = ["valid_from", "members", "source"]

    def get_valid_from(self, version: GroupVersion) -> str | None:
        """The first financial year it applies to; null: from the start."""
        return fy_label(version.valid_from) if version.valid_from is not None else None


class GroupSerializer(serializers.ModelSerializer[ComparatorGroup]):
    authority: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    versions = VersionSerializer(many=True, read_only=True)

    class Meta:
        model = ComparatorGroup
        fields = ["slug", "name", "kind", "authority", "description", "versions"]


class BenchmarkValueSerializer(serializers.ModelSerializer[BenchmarkValue]):
    metric: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    area: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        source="authority", slug_field="code", read_only=True
    )

    class Meta:
        model = BenchmarkValue
        fields = ["metric", "area", "period", "value"]


class ExerciseSerializer(serializers.ModelSerializer[Exercise]):
    service: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    metrics: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    actions: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="Improvement actions raised from the findings."
    )

    class Meta:
        model = Exercise
        fields = [
            "id",
            "service",
            "year",
            "title",
            "sector",
            "partner",
            "scope",
            "metrics",
            "findings",
            "good_practice",
            "results_vary",
            "follow_up",
            "has_potential",
            "actions",
            "status",
            "lginform_uploaded_on",
            "updated_at",
        ]


class GoodPracticeSerializer(serializers.ModelSerializer[GoodPractice]):
    service: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )

    class Meta:
        model = GoodPractice
        fields = [
            "id",
            "service",
            "exercise",
            "topic",
            "title",
            "description",
            "found_at",
            "link",
            "year",
        ]


class FetchSerializer(serializers.ModelSerializer[Fetch]):
    metric: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    periods = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="The answer's periods, oldest first.",
    )
    written = serializers.IntegerField(read_only=True, help_text="New and changed values.")
    details = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="Rows skipped and left out, by reason (a few of each); or the answer's problems.",
    )

    class Meta:
        model = Fetch
        fields = [
            "id",
            "batch",
            "metric",
            "lginform_id",
            "trigger",
            "status",
            "started_at",
            "finished_at",
            "periods",
            "requests",
            "rows_read",
            "written",
            "created",
            "updated",
            "unchanged",
            "missing",
            "not_imported",
            "message",
            "details",
        ]


class CanManageBenchmarks(BasePermission):
    message = "Only the performance team sees the LG Inform Plus fetches."

    def has_permission(self, request: Request, view: Any) -> bool:
        return can_manage_benchmarks(request.user)


class AuthorityViewSet(viewsets.ReadOnlyModelViewSet[Authority]):
    queryset = Authority.objects.all()
    serializer_class = AuthoritySerializer
    filterset_class = AuthorityFilter
    lookup_field = "code"


class MetricViewSet(viewsets.ReadOnlyModelViewSet[Metric]):
    queryset = Metric.objects.select_related("measure")
    serializer_class = MetricSerializer
    filterset_class = MetricFilter
    lookup_field = "code"


class GroupViewSet(viewsets.ReadOnlyModelViewSet[ComparatorGroup]):
    queryset = ComparatorGroup.objects.select_related("authority").prefetch_related(
        Prefetch("versions", queryset=GroupVersion.objects.prefetch_related("members"))
    )
    serializer_class = GroupSerializer
    filterset_fields = ["kind"]
    lookup_field = "slug"


class BenchmarkValueViewSet(viewsets.ReadOnlyModelViewSet[BenchmarkValue]):
    queryset = BenchmarkValue.objects.select_related("metric", "authority").order_by(
        "metric__code", "period", "authority__code"
    )
    serializer_class = BenchmarkValueSerializer
    filterset_class = BenchmarkValueFilter


class ExerciseViewSet(viewsets.ReadOnlyModelViewSet[Exercise]):
    queryset = Exercise.objects.select_related("service").prefetch_related("metrics")
    serializer_class = ExerciseSerializer
    filterset_class = ExerciseFilter


class GoodPracticeViewSet(viewsets.ReadOnlyModelViewSet[GoodPractice]):
    queryset = GoodPractice.objects.select_related("service")
    serializer_class = GoodPracticeSerializer
    filterset_class = GoodPracticeFilter


class FetchViewSet(viewsets.ReadOnlyModelViewSet[Fetch]):
    """LG Inform Plus fetches, newest first: one per metric and run, with what the answer held
    and what was written (`missing` counts rows without a value, NA). Performance team only."""

    queryset = Fetch.objects.select_related("metric")
    serializer_class = FetchSerializer
    filterset_class = FetchFilter
    permission_classes = [IsAuthenticated, CanManageBenchmarks]
