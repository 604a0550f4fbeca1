"""The OIM in the admin: the performance team's, like the rest of the register; changes made
here join the audit trail like those made on the pages."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from oim.models import (
    Accreditation,
    Factor,
    FactorAssessment,
    Idea,
    KeyProcess,
    QuadrantWeight,
    ServiceBudget,
    ServiceCostMetric,
    SpendToSaveBudget,
)
from targets.admin import AuditedAdmin


@admin.register(Factor)
class FactorAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ("name", "quadrant", "source", "weight", "higher_is_better", "is_active")
    list_filter = ("quadrant", "source", "is_active")
    search_fields = ("name",)


@admin.register(QuadrantWeight)
class QuadrantWeightAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ("quadrant", "weight")


@admin.register(FactorAssessment)
class FactorAssessmentAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ("factor", "service", "year", "score", "assessor", "assessed_on")
    list_filter = ("year", "factor", "service")
    raw_id_fields = ("assessor",)


@admin.register(ServiceBudget)
class ServiceBudgetAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ("service", "year", "net_budget")
    list_filter = ("year", "service")


@admin.register(ServiceCostMetric)
class ServiceCostMetricAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ("service", "metric", "note")
    raw_id_fields = ("metric",)


@admin.register(SpendToSaveBudget)
class SpendToSaveBudgetAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ("year", "amount", "note")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Lowering a fund below what is awarded is refused on the ideas board's page, which
        # locks the row; the admin only shows the funds.
        return False


@admin.register(Idea)
class IdeaAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ("title", "service", "status", "amount_requested", "amount_awarded")
    list_filter = ("status", "funding_year", "service")
    search_fields = ("title", "description")
    raw_id_fields = ("submitter",)
    # Awards go through the board's page, which never over-commits the year's budget.
    readonly_fields = ("amount_awarded", "funding_year")


@admin.register(KeyProcess)
class KeyProcessAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("name", "service", "owner", "documented", "last_review", "next_review")
    list_filter = ("documented", "service")
    search_fields = ("name",)
    raw_id_fields = ("owner",)


@admin.register(Accreditation)
class AccreditationAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ("scheme", "service", "status", "awarded_on", "expires_on", "next_assessment")
    list_filter = ("scheme", "status")
