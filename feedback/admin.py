"""Customer feedback in the admin: the performance team's, like the rest of the register."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from feedback.models import (
    Arrangement,
    Complaint,
    ComplaintImport,
    DerivedMeasure,
    MysteryShop,
    PanelResult,
    PanelSurvey,
    Round,
)
from feedback.services import satisfaction_of
from targets.admin import AuditedAdmin, PerformanceTeamMixin


class RoundInline(PerformanceTeamMixin, admin.TabularInline):  # type: ignore[misc]
    model = Round
    extra = 0
    fields = ("started", "ended", "respondents", "satisfaction")
    readonly_fields = ("satisfaction",)
    show_change_link = True


@admin.register(Arrangement)
class ArrangementAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ("title", "service", "kind", "frequency", "owner", "is_active")
    list_filter = ("kind", "frequency", "is_active", "service")
    search_fields = ("title", "service__name")
    inlines = [RoundInline]


@admin.register(Round)
class RoundAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ("arrangement", "started", "ended", "respondents", "satisfaction")
    list_filter = ("arrangement__kind", "arrangement__service")
    search_fields = ("arrangement__title", "findings")
    readonly_fields = ("satisfaction",)
    filter_horizontal = ("actions",)

    def save_model(self, request: HttpRequest, obj: Round, form: Any, change: bool) -> None:
        # The percentage shown everywhere is worked out from the result, as on the round form.
        satisfaction_of(obj)
        super().save_model(request, obj, form, change)


class PanelResultInline(PerformanceTeamMixin, admin.TabularInline):  # type: ignore[misc]
    model = PanelResult
    extra = 0


@admin.register(PanelSurvey)
class PanelSurveyAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ("title", "sent", "closed", "panel_size", "responses")
    search_fields = ("title", "topics")
    inlines = [PanelResultInline]


@admin.register(Complaint)
class ComplaintAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ("reference", "kind", "service", "received", "due", "responded", "stage")
    list_filter = ("kind", "stage", "service")
    search_fields = ("reference",)
    date_hierarchy = "received"
    raw_id_fields = ("import_run",)


@admin.register(ComplaintImport)
class ComplaintImportAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ("file_name", "imported_at", "imported_by", "rows", "created", "updated")
    readonly_fields = ("imported_at",)


@admin.register(DerivedMeasure)
class DerivedMeasureAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ("measure", "figure", "service", "is_active")
    list_filter = ("figure", "is_active")
    autocomplete_fields = ("measure",)


@admin.register(MysteryShop)
class MysteryShopAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ("scenario", "service", "visited", "channel", "score", "shared_with_staff")
    list_filter = ("channel", "service")
    filter_horizontal = ("actions",)
