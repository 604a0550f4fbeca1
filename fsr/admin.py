"""Service reviews in the admin: the performance team's, like the rest of the register."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone

from fsr.models import (
    MarketIntelligence,
    MarketTest,
    Milestone,
    PeerReview,
    Review,
    ReviewRuleSettings,
    SavingsLine,
)
from fsr.services import review_delivery
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
    autocomplete_fields = ("comparators",)
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


class MarketTestAdminForm(forms.ModelForm):
    """The same rule as the pages and the API: a market test only for a review unable to
    deliver its agreed plan."""

    class Meta:
        model = MarketTest
        fields = ["review", "recommended_on", "in_house_bid", "external_bids", "notes"]

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        review = cleaned.get("review")
        if self.instance.pk is None and review is not None:
            refusal = review_delivery(review, timezone.localdate()).market_test_refusal
            if refusal:
                raise forms.ValidationError(refusal)
        return cleaned


@admin.register(MarketTest)
class MarketTestAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    form = MarketTestAdminForm
    list_display = ("review", "recommended_on", "in_house_bid", "approval", "decision_on")
    list_filter = ("approval", "decision")
    # CEB's decision is recorded by a CEB member on the review's page, never here.
    readonly_fields = MarketTest.DECISION_FIELDS


@admin.register(ReviewRuleSettings)
class ReviewRuleSettingsAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ("__str__", "four_year_kinds", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not ReviewRuleSettings.objects.exists()

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.pk = 1  # one row: the council's
        super().save_model(request, obj, form, change)


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
