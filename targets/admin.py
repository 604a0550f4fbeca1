from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest

from targets.models import (
    Measure,
    Priority,
    Service,
    ServiceRole,
    Target,
    TargetProfile,
    User,
    Value,
)
from targets.permissions import is_performance_team


class PerformanceTeamMixin:
    """The performance team manages the register: full rights without per-model permissions."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_performance_team(request.user) or request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)


class ServiceRoleInline(PerformanceTeamMixin, admin.TabularInline):  # type: ignore[misc]
    model = ServiceRole
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(User)
class UserAdmin(PerformanceTeamMixin, DjangoUserAdmin):  # type: ignore[misc]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,  # type: ignore[misc]
        ("Goldthread", {"fields": ("job_title", "corporate_role")}),
    )
    list_display = ("username", "first_name", "last_name", "job_title", "corporate_role")
    list_filter = ("corporate_role", "is_active", "is_staff")
    inlines = [ServiceRoleInline]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Only superusers may edit a superuser: the performance team cannot escalate.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)


@admin.register(Service)
class ServiceAdmin(PerformanceTeamMixin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ("name", "code", "head", "is_support", "is_active")
    list_filter = ("is_support", "is_active")
    search_fields = ("name", "code")
    prepopulated_fields = {"code": ("name",)}
    autocomplete_fields = ["head"]
    inlines = [ServiceRoleInline]


@admin.register(Priority)
class PriorityAdmin(PerformanceTeamMixin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ("number", "name")


@admin.register(Measure)
class MeasureAdmin(PerformanceTeamMixin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ("code", "title", "kind", "service", "priority", "frequency", "polarity")
    list_filter = ("kind", "frequency", "polarity", "aggregation", "priority", "service")
    search_fields = ("code", "title")
    autocomplete_fields = ["service", "updater", "approver"]
    list_select_related = ("service", "priority")
    fieldsets = (
        (None, {"fields": ("code", "title", "definition", "kind", "priority", "service")}),
        ("Figures", {"fields": ("unit", "decimals", "polarity", "frequency", "aggregation")}),
        ("Tolerance and timing", {"fields": ("tolerance_pct", "tolerance_abs", "due_days")}),
        ("People", {"fields": ("updater", "approver", "data_source")}),
        ("Publication", {"fields": ("is_public", "is_scrutiny", "active_from", "active_to")}),
    )


class TargetProfileInline(PerformanceTeamMixin, admin.TabularInline):  # type: ignore[misc]
    model = TargetProfile
    extra = 0


@admin.register(Target)
class TargetAdmin(PerformanceTeamMixin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ("measure", "year", "value", "lower", "upper")
    list_filter = ("year",)
    search_fields = ("measure__code", "measure__title")
    autocomplete_fields = ["measure"]
    list_select_related = ("measure",)
    inlines = [TargetProfileInline]


@admin.register(Value)
class ValueAdmin(PerformanceTeamMixin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ("measure", "period", "actual", "status", "dq_flag", "updated_at")
    list_filter = ("status", "dq_flag", "measure__service")
    search_fields = ("measure__code", "period")
    autocomplete_fields = ["measure"]
    list_select_related = ("measure",)
    readonly_fields = ("version", "revision", "created_at", "updated_at")
