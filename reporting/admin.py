"""Report schedules and runs in the admin, for the performance team."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from reporting.models import ReportRun, ReportSchedule
from targets.admin import AuditedAdmin, PerformanceTeamMixin


@admin.register(ReportSchedule)
class ReportScheduleAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ("name", "code", "audience", "frequency", "scope", "is_public", "is_active")
    list_filter = ("audience", "frequency", "scope", "is_public", "is_active")
    search_fields = ("name", "code")
    prepopulated_fields = {"code": ("name",)}
    fieldsets = (
        (None, {"fields": ("code", "name", "description", "audience", "frequency")}),
        ("Measures", {"fields": ("scope", "service", "priority")}),
        ("Scheduling", {"fields": ("days_after_period_end", "is_active")}),
        (
            "Who may download it",
            {
                "description": "The performance team always may. Packs that scrutiny, all "
                "members or the public may download show published values only.",
                "fields": (
                    "cmt_may_download",
                    "ceb_may_download",
                    "scrutiny_may_download",
                    "all_members_may_download",
                    "is_public",
                ),
            },
        ),
    )


@admin.register(ReportRun)
class ReportRunAdmin(PerformanceTeamMixin, admin.ModelAdmin):  # type: ignore[misc]
    """Runs are made by the scheduler or "generate now": here they are read, or deleted."""

    # The status beside the schedule's long name, so that it stays in view at 1366 px.
    list_display = ("schedule", "status", "period", "version", "pack_status", "pages", "link")
    list_filter = ("status", "pack_status", "schedule")
    search_fields = ("period", "schedule__name", "schedule__code")
    list_select_related = ("schedule",)
    exclude = ("snapshot",)
    readonly_fields = (
        "schedule",
        "period",
        "version",
        "status",
        "internal",
        "requested_by",
        "requested_at",
        "started_at",
        "finished_at",
        "lease_expires_at",
        "attempts",
        "error",
        "pdf",
        "pdf_bytes",
        "pages",
        "pack_status",
        "summary_text",
        "link",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReportRun]:
        return super().get_queryset(request).defer("snapshot")  # type: ignore[no-any-return]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="Pack")
    def link(self, run: ReportRun) -> str:
        if not run.is_done:
            return "–"
        return format_html('<a href="{}">View</a>', reverse("report_run", args=[run.pk]))
