from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from django.http import HttpRequest

from targets import audit, formatting
from targets.models import (
    ChangeRecord,
    ControlCheck,
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
    ValueQuestion,
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


def _measure_of(obj: models.Model) -> Measure | None:
    """The measure whose history shows `obj`'s changes, if any."""
    if isinstance(obj, Measure):
        return obj
    if isinstance(obj, TargetProfile):
        return obj.target.measure
    if isinstance(obj, Value | Target | DataQualityProcedure | DataQualityAudit):
        return obj.measure
    return None


def _period_of(obj: models.Model) -> str:
    if isinstance(obj, Value | TargetProfile):
        return obj.period
    if isinstance(obj, Target):
        return obj.year_label
    if isinstance(obj, DataQualityAudit):
        return obj.month
    return ""


class AuditedAdmin(PerformanceTeamMixin):
    """The admin of every model of ours: the performance team's, and each change made here joins
    the audit trail (`targets.audit`) like any other, the inlines' changes included."""

    def audit_context(self, obj: models.Model) -> dict[str, Any]:
        """The measure and period a record of `obj` concerns."""
        return {"measure": _measure_of(obj), "period": _period_of(obj)}

    def _record(self, request: HttpRequest, obj: models.Model, action: str, before: Any) -> None:
        audit.record(
            user=request.user,
            action=action,
            source=ChangeRecord.Source.ADMIN,
            obj=obj,
            before=before,
            **self.audit_context(obj),
        )

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # Recorded once its many-to-many fields are saved too, by save_related.
        obj._audit_before = audit.stored(obj, audit.fields_of(obj, many=True))
        super().save_model(request, obj, form, change)  # type: ignore[misc]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)  # type: ignore[misc]
        obj = form.instance
        before = getattr(obj, "_audit_before", None)
        if before is None:  # saved by a service, which recorded it
            return
        del obj._audit_before
        audit.record(
            user=request.user,
            action="update" if change else "create",
            source=ChangeRecord.Source.ADMIN,
            obj=obj,
            before=before,
            fields=audit.fields_of(obj, many=True),
            **self.audit_context(obj),
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self._record(request, obj, "delete", {})
        super().delete_model(request, obj)  # type: ignore[misc]

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        """The changelist's bulk delete: each deletion is recorded too."""
        for obj in queryset:
            self._record(request, obj, "delete", {})
        super().delete_queryset(request, queryset)  # type: ignore[misc]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        befores = {f.instance.pk: audit.stored(f.instance) for f in formset.forms if f.instance.pk}
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            self._record(request, obj, "delete", {})
            obj.delete()
        for obj in instances:
            created = obj.pk is None
            obj.save()
            self._record(request, obj, "create" if created else "update", befores.get(obj.pk, {}))
        formset.save_m2m()


class FiguresForm(forms.ModelForm):
    """A saved row's figures as stored, to their measure's decimals (7041, not the column's
    7041.000000). `figure_fields` names them; `decimals()` says how many places."""

    figure_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        places = self.decimals() if self.instance.pk else None
        if places is None:
            return
        for name in self.figure_fields:
            if self.initial.get(name) is not None:
                # A Decimal of the same value, so that the field is unchanged unless edited.
                self.initial[name] = Decimal(formatting.stored(self.initial[name], places))

    def decimals(self) -> int | None:
        measure = getattr(self.instance, "measure", None)
        return measure.decimals if measure is not None else None


def figure_column(field: str, label: str, decimals: str = "measure__decimals") -> Any:
    """A changelist column showing `field` as stored, to the decimals found at the path
    `decimals` (select the related row in `list_select_related`)."""

    @admin.display(description=label, ordering=field)
    def column(self: Any, obj: models.Model) -> str:
        places: Any = obj
        for step in decimals.split("__"):
            places = getattr(places, step)
        return formatting.stored(getattr(obj, field), places) or "–"

    return column


class ServiceRoleInline(PerformanceTeamMixin, admin.TabularInline):  # type: ignore[misc]
    model = ServiceRole
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):  # type: ignore[misc]
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

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> Any:
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            # The password itself never enters the trail; that it changed does.
            user = User.objects.get(pk=id)
            audit.record(
                user=request.user,
                action="update",
                source=ChangeRecord.Source.ADMIN,
                obj=user,
                changes={},
                reason="Password changed.",
            )
        return response

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Nor may it make anyone (itself included) a superuser or grant Django permissions.
        fields = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return fields
        return (*fields, "is_superuser", "groups", "user_permissions")


@admin.register(Service)
class ServiceAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ("name", "code", "head", "is_support", "is_active")
    list_filter = ("is_support", "is_active")
    search_fields = ("name", "code")
    prepopulated_fields = {"code": ("name",)}
    autocomplete_fields = ["head"]
    inlines = [ServiceRoleInline]


@admin.register(Priority)
class PriorityAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
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


class TargetFiguresForm(FiguresForm):
    figure_fields = ("value", "lower", "upper")


class TargetProfileForm(TargetFiguresForm):
    def decimals(self) -> int | None:
        target = getattr(self.instance, "target", None)
        return target.measure.decimals if target is not None else None


class TargetProfileInline(PerformanceTeamMixin, admin.TabularInline):  # type: ignore[misc]
    model = TargetProfile
    form = TargetProfileForm
    extra = 0

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("target__measure")


@admin.register(Target)
class TargetAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    form = TargetFiguresForm
    list_display = ("measure", "year", "value_shown", "lower_shown", "upper_shown")
    value_shown = figure_column("value", "value")
    lower_shown = figure_column("lower", "lower")
    upper_shown = figure_column("upper", "upper")
    list_filter = ("year",)
    search_fields = ("measure__code", "measure__title")
    autocomplete_fields = ["measure"]
    list_select_related = ("measure",)
    inlines = [TargetProfileInline]


class ValueAdminForm(FiguresForm):
    """The admin may take a value back through the workflow (un-publish it, say), never
    forward: approving and publishing go through the workflow services, where nobody approves
    their own value."""

    figure_fields = ("actual", "numerator", "denominator", "forecast")
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
    # The status early and the measure's long title last, so that the status stays in view at
    # 1366 px beside the filters.
    list_display = ("code", "period", "status", "actual_shown", "dq_flag", "updated_at", "title")
    list_display_links = ("code", "period")
    actual_shown = figure_column("actual", "actual")
    list_filter = ("status", "dq_flag", "measure__service")
    search_fields = ("measure__code", "period")
    autocomplete_fields = ["measure"]
    list_select_related = ("measure",)

    @admin.display(description="measure", ordering="measure__code")
    def code(self, obj: Value) -> str:
        return obj.measure.code

    @admin.display(description="title", ordering="measure__title")
    def title(self, obj: Value) -> str:
        return obj.measure.title

    # Who entered, submitted, approved and published a value is recorded by the workflow
    # services, never typed in.
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            obj.version += 1  # an admin edit makes open forms stale, as any edit does
        super().save_model(request, obj, form, change)

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


@admin.register(ValueQuestion)
class ValueQuestionAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    """Questioned values (`targets.questions`): read only, recorded by the entry routes."""

    list_display = ("value", "actual", "kind", "basis", "raised_by", "raised_at", "source")
    list_filter = ("kind", "source")
    search_fields = ("value__measure__code", "value__period", "reason", "explanation")
    date_hierarchy = "raised_at"
    list_select_related = ("value__measure", "raised_by")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DataQualityProcedure)
class DataQualityProcedureAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ("measure", "source_system", "last_reviewed", "next_review_due")
    list_filter = ("measure__service",)
    search_fields = ("measure__code", "measure__title", "source_system")
    autocomplete_fields = ["measure"]
    list_select_related = ("measure",)
    readonly_fields = ("updated_by", "updated_at")


class ControlCheckInline(PerformanceTeamMixin, admin.TabularInline):  # type: ignore[misc]
    """The audit's controls checklist, read only here: it is recorded on the audit's page (or
    the API), where a control not working raises its action."""

    model = ControlCheck
    extra = 0
    fields = ("position", "control", "tested", "result", "evidence", "raised")
    readonly_fields = fields

    @admin.display(description="actions raised")
    def raised(self, obj: ControlCheck) -> str:
        return "; ".join(a.title for a in obj.actions.all()) or "–"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DataQualityAudit)
class DataQualityAuditAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    # The measure's code, not its long title, so that the status stays in view at 1366 px.
    list_display = ("code", "month", "status", "result", "origin", "auditor")

    @admin.display(description="measure", ordering="measure__code")
    def code(self, obj: DataQualityAudit) -> str:
        return obj.measure.code

    list_filter = ("status", "origin", "result", "measure__service")
    search_fields = ("measure__code", "measure__title", "month")
    autocomplete_fields = ["measure", "auditor"]
    filter_horizontal = ("actions",)
    list_select_related = ("measure", "auditor")
    inlines = [ControlCheckInline]


# Registered by their own modules, which need the mixins above: the notifications' notices and
# digests; plans, actions and the planning calendar; single sign-on's mapping and identities.
import targets.notify.admin  # noqa: E402, F401, I001
import targets.plans.admin  # noqa: E402, F401
import targets.proposals.admin  # noqa: E402, F401
import targets.sso.admin  # noqa: E402, F401
