from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from django.http import HttpRequest

from targets import audit
from targets.models import (
    ChangeRecord,
    DataQualityAudit,
    DataQualityProcedure,
    Measure,
    Priority,
    Service,
    ServiceRole,
    Target,
    TargetProfile,
    User,
    Value,
    ValueStatus,
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


def _fields(model: type[models.Model]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if f.name not in {"id", "updated_at"}]


def _measure_of(obj: models.Model) -> Measure:
    if isinstance(obj, Measure):
        return obj
    if isinstance(obj, TargetProfile):
        return obj.target.measure
    return obj.measure  # type: ignore[attr-defined, no-any-return]


def _period_of(obj: models.Model) -> str:
    if isinstance(obj, Value | TargetProfile):
        return obj.period
    if isinstance(obj, Target):
        return obj.year_label
    return ""


class AuditedAdmin(PerformanceTeamMixin):
    """Changes made in the admin join the audit trail like any other."""

    audit_type = ""

    def _record(self, request: HttpRequest, obj: models.Model, action: str, before: Any) -> None:
        after = audit.snapshot(obj, _fields(type(obj))) if action != "delete" else {}
        audit.record(
            user=request.user,
            action=action,
            source=ChangeRecord.Source.ADMIN,
            object_type=self.audit_type or type(obj)._meta.model_name,
            obj=obj,
            measure=_measure_of(obj),
            period=_period_of(obj),
            changes=audit.diff(before, after) if action != "delete" else {},
        )

    def _before(self, obj: models.Model) -> dict[str, str | None]:
        if obj.pk is None:
            return {}
        stored = type(obj)._default_manager.get(pk=obj.pk)
        return audit.snapshot(stored, _fields(type(obj)))

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = self._before(obj)
        if isinstance(obj, Value) and change:
            obj.version += 1  # an admin edit makes open forms stale, as any edit does
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        self._record(request, obj, "update" if change else "create", before)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self._record(request, obj, "delete", {})
        super().delete_model(request, obj)  # type: ignore[misc]

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        """The changelist's bulk delete: each deletion is recorded too."""
        for obj in queryset:
            self._record(request, obj, "delete", {})
        super().delete_queryset(request, queryset)  # type: ignore[misc]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        befores = {f.instance.pk: self._before(f.instance) for f in formset.forms if f.instance.pk}
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            self._record(request, obj, "delete", {})
            obj.delete()
        for obj in instances:
            created = obj.pk is None
            obj.save()
            self._record(request, obj, "create" if created else "update", befores.get(obj.pk, {}))
        formset.save_m2m()


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

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Nor may it make anyone (itself included) a superuser or grant Django permissions.
        fields = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return fields
        return (*fields, "is_superuser", "groups", "user_permissions")


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
class MeasureAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
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
class TargetAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ("measure", "year", "value", "lower", "upper")
    list_filter = ("year",)
    search_fields = ("measure__code", "measure__title")
    autocomplete_fields = ["measure"]
    list_select_related = ("measure",)
    inlines = [TargetProfileInline]


class ValueAdminForm(forms.ModelForm):
    """The admin may take a value back through the workflow (un-publish it, say), never
    forward: approving and publishing go through the workflow services, where nobody approves
    their own value."""

    STEPS = [ValueStatus.DRAFT, ValueStatus.SUBMITTED, ValueStatus.APPROVED, ValueStatus.PUBLISHED]

    class Meta:
        model = Value
        fields = [
            "measure",
            "period",
            "actual",
            "numerator",
            "denominator",
            "commentary",
            "corrective_action",
            "dq_flag",
            "forecast",
            "evidence",
            "status",
        ]

    def clean_status(self) -> str:
        status: str = self.cleaned_data["status"]
        was = self.instance.status if self.instance.pk else ValueStatus.DRAFT
        if self.STEPS.index(ValueStatus(status)) > self.STEPS.index(ValueStatus(was)):
            raise forms.ValidationError(
                f"A value can only be moved back here (it is {ValueStatus(was).label.lower()}): "
                "submit, approve and publish it on its pages."
            )
        return status


@admin.register(Value)
class ValueAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    form = ValueAdminForm
    list_display = ("measure", "period", "actual", "status", "dq_flag", "updated_at")
    list_filter = ("status", "dq_flag", "measure__service")
    search_fields = ("measure__code", "period")
    autocomplete_fields = ["measure"]
    list_select_related = ("measure",)
    # Who entered, submitted, approved and published a value is recorded by the workflow
    # services, never typed in.
    readonly_fields = (
        "entered_by",
        "submitted_by",
        "submitted_at",
        "approved_by",
        "approved_at",
        "published_by",
        "published_at",
        "return_reason",
        "version",
        "revision",
        "created_at",
        "updated_at",
    )


@admin.register(ChangeRecord)
class ChangeRecordAdmin(PerformanceTeamMixin, admin.ModelAdmin):  # type: ignore[misc]
    """The audit trail: read only, for everyone who may use the admin."""

    list_display = ("at", "user", "action", "source", "object_type", "measure_code", "period")
    list_filter = ("action", "source", "object_type")
    search_fields = ("measure_code", "period", "reason")
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DataQualityProcedure)
class DataQualityProcedureAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    audit_type = "dq_procedure"
    list_display = ("measure", "source_system", "last_reviewed", "next_review_due")
    list_filter = ("measure__service",)
    search_fields = ("measure__code", "measure__title", "source_system")
    autocomplete_fields = ["measure"]
    list_select_related = ("measure",)
    readonly_fields = ("updated_by", "updated_at")


@admin.register(DataQualityAudit)
class DataQualityAuditAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    audit_type = "dq_audit"
    list_display = ("measure", "month", "status", "origin", "auditor", "result")
    list_filter = ("status", "origin", "result", "measure__service")
    search_fields = ("measure__code", "measure__title", "month")
    autocomplete_fields = ["measure", "auditor"]
    filter_horizontal = ("actions",)
    list_select_related = ("measure", "auditor")


# Registered by their own modules, which need the mixins above: the notifications' notices and
# digests; plans, actions and the planning calendar; single sign-on's mapping and identities.
import targets.notify.admin  # noqa: E402, F401, I001
import targets.plan_admin  # noqa: E402, F401
import targets.sso.admin  # noqa: E402, F401
