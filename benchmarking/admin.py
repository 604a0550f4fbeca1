"""The benchmarking register in the admin: the performance team's, like the rest of it."""

from __future__ import annotations

from django.contrib import admin
from django.db import models

from benchmarking.models import (
    Authority,
    BenchmarkValue,
    ComparatorGroup,
    Exercise,
    GoodPractice,
    GroupVersion,
    Metric,
)
from targets.admin import AuditedAdmin, FiguresForm, PerformanceTeamMixin, figure_column


@admin.register(Authority)
class AuthorityAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ("name", "code", "type", "region", "population", "is_current")
    list_filter = ("type", "nation", "is_current")
    search_fields = ("name", "code")


class GroupVersionInline(PerformanceTeamMixin, admin.TabularInline):  # type: ignore[misc]
    model = GroupVersion
    extra = 0
    fields = ("valid_from", "source", "created_at")
    readonly_fields = ("created_at",)
    show_change_link = True


@admin.register(ComparatorGroup)
class ComparatorGroupAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ("name", "slug", "kind", "authority")
    list_filter = ("kind",)
    search_fields = ("name", "slug", "authority__name", "authority__code")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("authority",)
    inlines = [GroupVersionInline]


@admin.register(GroupVersion)
class GroupVersionAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ("group", "valid_from", "source", "created_at")
    search_fields = ("group__name", "group__slug")
    autocomplete_fields = ("group", "members")


@admin.register(Metric)
class MetricAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = (
        "code",
        "title",
        "source",
        "polarity",
        "unit",
        "decimals",
        "measure",
        "lginform_id",
    )
    list_filter = ("source", "polarity", "unit")
    search_fields = ("code", "title")
    autocomplete_fields = ("measure",)


class BenchmarkValueForm(FiguresForm):
    figure_fields = ("value",)

    def decimals(self) -> int | None:
        metric = getattr(self.instance, "metric", None)
        return metric.decimals if metric is not None else None


@admin.register(BenchmarkValue)
class BenchmarkValueAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    form = BenchmarkValueForm
    list_display = ("metric", "period", "authority", "value_shown")
    value_shown = figure_column("value", "value", decimals="metric__decimals")
    list_filter = ("metric",)
    search_fields = ("authority__name", "authority__code", "metric__code")
    raw_id_fields = ("metric", "authority")
    list_select_related = ("metric", "authority")


@admin.register(Exercise)
class ExerciseAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ("title", "status", "service", "year", "sector")
    list_filter = ("sector", "status", "year", "service")
    search_fields = ("title", "partner")
    filter_horizontal = ("metrics",)


@admin.register(GoodPractice)
class GoodPracticeAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("title", "topic", "service", "found_at", "year")
    list_filter = ("topic", "service")
    search_fields = ("title", "description", "found_at")
