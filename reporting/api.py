"""/api/v1/scorecard/: the dashboard's figures as JSON; /api/v1/reports/runs/: report runs, each
with its "what changed" narrative and the addresses of its PDF, board slides and figures."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from reporting import obligations, whatchanged
from reporting.dashboard import default_month, latest_month, scorecard
from reporting.filters import ScorecardFilter
from reporting.models import ReportRun
from targets import params, permissions
from targets.models import Measure, Service
from targets.rules import RagResult, TargetSpec
from targets.scorecard import MeasureStatus


class ScorecardRowSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    title = serializers.CharField()
    period = serializers.CharField(help_text="Period code, e.g. 2026-10 or 2026/27-Q2.")
    actual = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True)
    target = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True)
    target_lower = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True)
    target_upper = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True)
    rag = serializers.ChoiceField(choices=["green", "amber", "red", "grey"])
    rag_reason = serializers.CharField(
        allow_null=True, help_text="Why grey: no_target, no_data or data_only."
    )
    dot_short = serializers.CharField(allow_null=True, help_text="Against the previous period.")
    dot_long = serializers.CharField(allow_null=True, help_text="Against a year earlier.")
    ytd_actual = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True)
    ytd_target = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True)
    ytd_rag = serializers.CharField()
    ytd_periods = serializers.ListField(
        child=serializers.CharField(),
        help_text="The periods the year to date was taken over, actual and target alike: "
        "those of the row's year, up to its period, with a value the viewer may see.",
    )
    ytd_span = serializers.CharField(help_text='Those periods\' months, e.g. "Apr–Jun".')
    forecast = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True)
    forecast_rag = serializers.CharField(allow_null=True)
    late = serializers.BooleanField()
    not_yet_approved = serializers.BooleanField()
    reported = serializers.DateField(
        allow_null=True, help_text="The day the value shown came in: submitted, or published."
    )


class SummarySerializer(serializers.Serializer[Any]):
    rated = serializers.IntegerField()
    green = serializers.IntegerField()
    amber = serializers.IntegerField()
    red = serializers.IntegerField()
    grey = serializers.IntegerField()
    late = serializers.IntegerField()
    percent_on_target = serializers.IntegerField(allow_null=True)
    text = serializers.CharField()


class ScorecardSerializer(serializers.Serializer[Any]):
    period = serializers.CharField(help_text="The month the rows are for, e.g. 2026-10.")
    summary = SummarySerializer()
    rows = ScorecardRowSerializer(many=True)


def _spec(spec: TargetSpec | None, part: str) -> Decimal | None:
    return getattr(spec, part) if spec is not None else None


def _rag(result: RagResult | None) -> str | None:
    return result.rag.value if result is not None else None


def row(status: MeasureStatus) -> dict[str, Any]:
    value = status.value
    return {
        "code": status.measure.code,
        "title": status.measure.title,
        "period": status.period.code,
        "actual": status.actual,
        "target": _spec(status.target, "value"),
        "target_lower": _spec(status.target, "lower"),
        "target_upper": _spec(status.target, "upper"),
        "rag": status.rag.rag.value,
        "rag_reason": status.rag.reason.value if status.rag.reason else None,
        "dot_short": status.dot_short.value if status.dot_short else None,
        "dot_long": status.dot_long.value if status.dot_long else None,
        "ytd_actual": status.ytd_actual,
        "ytd_target": _spec(status.ytd_target, "value"),
        "ytd_rag": status.ytd_rag.rag.value,
        "ytd_periods": [p.code for p in status.ytd_periods],
        "ytd_span": status.ytd_span,
        "forecast": value.forecast if value else None,
        "forecast_rag": _rag(status.forecast_rag),
        "late": status.late,
        "not_yet_approved": status.not_yet_approved,
        "reported": status.reported,
    }


class ScorecardView(APIView):
    """One row per measure for a month, with the "x of y on target" summary of exactly the rows
    returned (after every filter, `rag` included).

    Each row is the measure's latest period ending in or before the month (monthly: that month;
    quarterly: the latest quarter ended; annual: the latest year ended). Staff see values once
    submitted (`not_yet_approved` until approved); scrutiny members see published values only.
    The year to date is taken over `ytd_periods`, actual and target alike. Without `period`:
    the last complete month for staff, the latest month mostly published for scrutiny. Without
    `kind`, all kinds are included.
    """

    @extend_schema(
        parameters=[
            OpenApiParameter("period", str, description="A month, e.g. 2026-10."),
            OpenApiParameter("kind", str, enum=[k for k, _ in Measure.Kind.choices]),
            OpenApiParameter("service", str, description="Service code, e.g. waste."),
            OpenApiParameter("priority", int, description="Priority id."),
            OpenApiParameter("rag", str, enum=["green", "amber", "red", "grey", "late"]),
        ],
        responses=ScorecardSerializer,
    )
    def get(self, request: Request) -> Response:
        filters = ScorecardFilter(
            request.query_params, queryset=Measure.objects.all(), request=request
        )
        if not filters.is_valid():
            raise ValidationError(filters.errors)
        today = timezone.localdate()
        latest = latest_month(today)
        internal = permissions.sees_internal_values(request.user)
        month = filters.form.cleaned_data.get("period") or default_month(
            internal=internal, today=today
        )
        if month > latest:
            raise ValidationError({"period": [f"{month.label} has not ended yet."]})
        card = scorecard(
            filters.qs,
            month=month,
            rag=filters.form.cleaned_data.get("rag") or None,
            internal=internal,
            today=today,
            trend=False,
            flags=False,
            history=0,
        )
        body = {
            "period": month.code,
            "summary": {**card.summary.as_dict(), "text": card.summary.text},
            "rows": [row(s) for s in card.statuses],
        }
        return Response(ScorecardSerializer(body).data)


class ObligationSerializer(serializers.Serializer[Any]):
    key = serializers.ChoiceField(choices=[k for k, _ in obligations.OBLIGATIONS])
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=[s.value for s in obligations.Status])
    on = serializers.DateField(allow_null=True)
    detail = serializers.CharField()
    url = serializers.CharField()


class ServiceObligationsSerializer(serializers.Serializer[Any]):
    service = serializers.CharField(source="service.code")
    service_name = serializers.CharField(source="service.name")
    obligations = ObligationSerializer(many=True, source="items")


class ObligationsSerializer(serializers.Serializer[Any]):
    year = serializers.CharField(source="year_label")
    on = serializers.DateField()
    services = ServiceObligationsSerializer(many=True, source="rows")


class ObligationsView(APIView):
    """What every service must deliver in a financial year (the framework's Appendix 2), each
    obligation with its status (met, not_met, not_applicable, due), its date and the page that
    records it: the same figures as `/obligations/` and `/services/<code>/obligations/`. For
    council staff."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "year", str, description="Financial year, e.g. 2026/27 (default: this one)."
            ),
            OpenApiParameter("service", str, description="One service's code, e.g. waste."),
        ],
        responses=ObligationsSerializer,
    )
    def get(self, request: Request) -> Response:
        if not permissions.sees_obligations(request.user):
            raise PermissionDenied("What services must deliver is for council staff.")
        year = params.year_param(request.query_params, default=params.this_year())
        services = None
        if code := str(request.query_params.get("service") or "").strip():
            found = Service.objects.filter(code=code).first()
            if found is None:
                raise ValidationError({"service": [f"There is no service with the code {code}."]})
            services = [found]
        grid = obligations.grid(year, timezone.localdate(), services=services)
        return Response(ObligationsSerializer(grid).data)


class NarrativePartSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(required=False, help_text="Words, for a part that is text.")
    code = serializers.CharField(required=False, help_text="A measure's code, for a measure.")
    title = serializers.CharField(required=False, help_text="That measure's title.")


class NarrativeSentenceSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(
        help_text='The sentence in plain text, measures as "Title (CODE)".'
    )
    parts = NarrativePartSerializer(many=True)


class ComparedWithSerializer(serializers.Serializer[Any]):
    # DRF takes declared fields out of the class, so these do not shadow Field.label/.source.
    label = serializers.CharField(  # type: ignore[assignment]
        help_text="The period compared with, e.g. Q1 2026/27."
    )
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=["pack", "figures"],
        help_text="pack: the previous period's pack as printed; figures: the previous period's "
        "figures when this pack was made (there was no earlier pack).",
    )


class NarrativeSerializer(serializers.Serializer[Any]):
    """ "What changed": drafted from the figures, or as the performance team edited it."""

    sentences = NarrativeSentenceSerializer(many=True)
    compared_with = ComparedWithSerializer(allow_null=True)
    edited = serializers.BooleanField(help_text="True once the performance team rewrote it.")
    edited_by = serializers.CharField(allow_null=True)
    edited_at = serializers.DateTimeField(allow_null=True)


@extend_schema_field({"type": "string", "format": "uri", "nullable": True})
class DownloadField(serializers.Field):  # type: ignore[type-arg]
    """The absolute address of one of a finished run's files; null until the run is done."""

    def __init__(self, url_name: str, **kwargs: Any) -> None:
        self.url_name = url_name
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, run: ReportRun) -> str | None:
        if not run.is_done:
            return None
        path = reverse(self.url_name, args=[run.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class ReportRunSerializer(serializers.ModelSerializer[ReportRun]):
    schedule: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    pdf_url = DownloadField("report_run_pdf", help_text="The PDF pack; null until done.")
    pptx_url = DownloadField(
        "report_run_pptx",
        help_text="The board slides (PowerPoint, application/vnd.openxmlformats-"
        "officedocument.presentationml.presentation); null until done.",
    )
    csv_url = DownloadField("report_run_csv", help_text="The pack's figures as CSV.")
    xlsx_url = DownloadField("report_run_xlsx", help_text="The pack's figures as XLSX.")

    class Meta:
        model = ReportRun
        fields = [
            "id",
            "schedule",
            "period",
            "version",
            "status",
            "pack_status",
            "internal",
            "summary_text",
            "pages",
            "finished_at",
            "pdf_url",
            "pptx_url",
            "csv_url",
            "xlsx_url",
        ]


class ReportRunDetailSerializer(ReportRunSerializer):
    narrative = serializers.SerializerMethodField()

    class Meta(ReportRunSerializer.Meta):
        fields = [*ReportRunSerializer.Meta.fields, "narrative"]

    @extend_schema_field(NarrativeSerializer(allow_null=True))
    def get_narrative(self, run: ReportRun) -> dict[str, Any] | None:
        found = whatchanged.of_snapshot(run.snapshot) if run.is_done else None
        return NarrativeSerializer(found.as_dict()).data if found else None


class ReportRunViewSet(viewsets.ReadOnlyModelViewSet[ReportRun]):
    """Report runs the user may download (`ReportRun.objects.visible_to`). One run carries its
    "what changed" narrative: the performance team's edited text if any, else the draft."""

    def get_queryset(self) -> QuerySet[ReportRun]:
        runs = ReportRun.objects.visible_to(self.request.user).select_related("schedule")
        if self.action == "list":
            runs = runs.defer("snapshot")
        return runs

    def get_serializer_class(self) -> type[serializers.BaseSerializer[ReportRun]]:
        return ReportRunDetailSerializer if self.action == "retrieve" else ReportRunSerializer
