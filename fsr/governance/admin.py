"""The risk register and corporate programmes in the admin: the performance team's, audited."""

from __future__ import annotations

from django.contrib import admin

from fsr.governance.models import Programme, ProgrammeMilestone, Project, Risk, RiskMatrix
from targets.admin import AuditedAdmin, PerformanceTeamMixin


@admin.register(RiskMatrix)
class RiskMatrixAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ("__str__", "medium_from", "high_from")


@admin.register(Risk)
class RiskAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = (
        "reference",
        "status",
        "title",
        "kind",
        "service",
        "owner",
        "residual_likelihood",
        "residual_impact",
        "review_date",
    )
    list_filter = ("kind", "status", "service")
    search_fields = ("reference", "title", "cause", "effect", "controls")
    raw_id_fields = ("owner",)
    filter_horizontal = ("measures", "actions")


class ProjectInline(PerformanceTeamMixin, admin.TabularInline):  # type: ignore[misc]
    model = Project
    extra = 0
    raw_id_fields = ("manager",)


class ProgrammeMilestoneInline(PerformanceTeamMixin, admin.TabularInline):  # type: ignore[misc]
    model = ProgrammeMilestone
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ("title", "sponsor", "stage", "rag_time", "rag_cost", "rag_scope")
    list_filter = ("stage",)
    search_fields = ("title", "aims")
    raw_id_fields = ("sponsor", "manager")
    filter_horizontal = ("risks", "savings")
    inlines = [ProjectInline, ProgrammeMilestoneInline]


@admin.register(Project)
class ProjectAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ("title", "programme", "stage", "rag_time", "rag_cost", "rag_scope")
    list_filter = ("programme", "stage")


@admin.register(ProgrammeMilestone)
class ProgrammeMilestoneAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ("title", "programme", "project", "due", "done_on")
    list_filter = ("programme",)
