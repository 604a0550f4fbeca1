"""Service reviews in the admin: the performance team's, like the rest of the register."""

from __future__ import annotations

from django.contrib import admin

from fsr.models import MarketIntelligence, MarketTest, Milestone, PeerReview, Review, SavingsLine
from targets.admin import AuditedAdmin, PerformanceTeamMixin


class MilestoneInline(PerformanceTeamMixin, admin.TabularInline):  # type: ignore[misc]
    model = Milestone
    extra = 0
    autocomplete_fields = ("owner",)


@admin.register(Review)
class ReviewAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ("title", "service", "kind", "status", "start", "planned_end", "ended_on")
    list_filter = ("kind", "status", "service")
    search_fields = ("title", "scope")
    date_hierarchy = "start"
    raw_id_fields = ("sponsor", "project_manager")
    filter_horizontal = ("actions",)
    readonly_fields = (
        "baseline_cost",
        "baseline_cost_year",
        "baseline_month",
        "baseline_green",
        "baseline_rated",
        "baseline_captured_at",
        "outcome_cost",
        "outcome_cost_year",
        "outcome_month",
        "outcome_green",
        "outcome_rated",
        "outcome_measured_at",
    )
    inlines = [MilestoneInline]


@admin.register(MarketTest)
class MarketTestAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ("review", "recommended_on", "in_house_bid", "decision", "decision_on")
    list_filter = ("decision",)


@admin.register(PeerReview)
class PeerReviewAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ("reviewer_organisation", "service", "started_on", "ended_on")
    list_filter = ("service",)
    search_fields = ("reviewer_organisation", "reviewer_name", "scope", "findings")
    filter_horizontal = ("recommendations",)


@admin.register(MarketIntelligence)
class MarketIntelligenceAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ("service", "source", "sector", "competitor", "noted_on")
    list_filter = ("sector", "service")
    search_fields = ("source", "competitor", "summary")


@admin.register(SavingsLine)
class SavingsLineAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ("title", "year", "service", "source", "target", "delivered")
    list_filter = ("year", "source", "service")
    search_fields = ("title", "idea_reference")


# The risk register and corporate programmes' admin.
from fsr.governance import admin as governance_admin  # noqa: E402, F401
