"""/api/v1/reports/runs/: the report runs a user may download, each with the addresses of its
page, PDF, board slides (PPTX) and figures (CSV, XLSX)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from reporting.filters import ReportRunFilter
from reporting.models import ReportRun

# The downloads of a finished run, by URL name.
DOWNLOADS = {
    "pdf_url": "report_run_pdf",
    "pptx_url": "report_run_pptx",
    "csv_url": "report_run_csv",
    "xlsx_url": "report_run_xlsx",
}


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
    schedule_name = serializers.CharField(source="schedule.name", read_only=True)
    period_label = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="The run's page.")
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
            "schedule_name",
            "period",
            "period_label",
            "version",
            "status",
            "pack_status",
            "summary_text",
            "internal",
            "requested_at",
            "finished_at",
            "pages",
            "url",
            *DOWNLOADS,
        ]
        read_only_fields = fields

    def get_period_label(self, run: ReportRun) -> str:
        return run.period_obj.label

    def get_url(self, run: ReportRun) -> str:
        request = self.context.get("request")
        path = run.get_absolute_url()
        return request.build_absolute_uri(path) if request is not None else path


class ReportRunViewSet(viewsets.ReadOnlyModelViewSet[ReportRun]):
    """Report runs the user may download (as the report archive lists them: the performance
    team all; CMT, the executive board, scrutiny and all members those of the schedules that
    name them; published-only viewers only packs of published values), newest period first.
    Each finished run gives the addresses of its PDF, its board slides and its figures."""

    serializer_class = ReportRunSerializer
    filterset_class = ReportRunFilter

    def get_queryset(self) -> QuerySet[ReportRun]:
        return (
            ReportRun.objects.visible_to(self.request.user)
            .select_related("schedule")
            .defer("snapshot")
            .order_by("schedule__code", "-period", "-version")
        )
