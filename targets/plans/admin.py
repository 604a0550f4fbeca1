"""The admin of plans, objectives, actions and planning milestones.

Every write goes through `targets.plans.services`, so the admin keeps the same rules as the pages:
the 20-target limit, a plan's own service's measures, a signed-off plan read only except its
actions' progress, and the audit trail. Sign-off and reopening happen on the plan's page only.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from targets import audit
from targets.admin import AuditedAdmin, PerformanceTeamMixin
from targets.models import (
    Action,
    ChangeRecord,
    Objective,
    PlanningMilestone,
    ServicePlan,
    User,
)
from targets.plans import actions, services
from targets.plans.actions import PlanError

ADMIN = ChangeRecord.Source.ADMIN


def _user(request: HttpRequest) -> User:
    """The admin's user: always signed in (the admin site requires it)."""
    return cast(User, request.user)


class ServicePlanAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = ServicePlan
        fields = ["service", "year", "summary", "measures"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        plan = self.instance
        if plan.pk and plan.is_signed_off:
            raise forms.ValidationError("The plan is signed off: it cannot be changed here.")
        service = cleaned.get("service") or (plan.service if plan.service_id else None)
        if service is not None and "measures" in cleaned and cleaned.get("year"):
            probe = ServicePlan(service=service, year=cleaned["year"])
            try:
                services.check_plan_measures(probe, cleaned["measures"])
            except PlanError as exc:
                self.add_error("measures", str(exc))
        return cleaned


class ObjectiveInline(PerformanceTeamMixin, admin.TabularInline):  # type: ignore[misc]
    model = Objective
    fields = ["order", "title", "priority"]
    extra = 0

    def _draft(self, obj: ServicePlan | None) -> bool:
        return obj is None or not obj.is_signed_off

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._draft(obj) and super().has_delete_permission(request, obj)


@admin.register(ServicePlan)
class ServicePlanAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    form = ServicePlanAdminForm
    list_display = ("service", "year", "status", "signed_off_by", "signed_off_at")
    list_filter = ("status", "year", "service")
    search_fields = ("service__name", "service__code")
    list_select_related = ("service", "signed_off_by")
    filter_horizontal = ("measures",)
    inlines = [ObjectiveInline]
    readonly_fields = ("status", "signed_off_by", "signed_off_at", "copied_from")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and obj.is_signed_off:
            return ("service", "year", "summary", "measures", *self.readonly_fields)
        if obj is not None:
            return ("service", "year", *self.readonly_fields)
        return self.readonly_fields

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_signed_off:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            services.plan_update(
                plan=obj, summary=form.cleaned_data["summary"], user=_user(request), source=ADMIN
            )
        else:
            created = services.plan_create(
                service=obj.service,
                year=obj.year,
                summary=obj.summary,
                user=_user(request),
                source=ADMIN,
            )
            obj.pk = created.pk
            obj._state.adding = False

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        plan = form.instance
        if "measures" in form.cleaned_data and not plan.is_signed_off:
            services.plan_set_measures(
                plan=plan, measures=form.cleaned_data["measures"], user=_user(request), source=ADMIN
            )
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        objectives = formset.save(commit=False)
        for objective in formset.deleted_objects:
            services.objective_delete(objective=objective, user=_user(request), source=ADMIN)
        for objective in objectives:
            services.objective_save(
                objective=objective, measures=None, user=_user(request), source=ADMIN
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        if obj.is_signed_off:
            raise PermissionDenied("A signed-off plan cannot be deleted.")
        audit.record(
            user=request.user, action="delete", source=ADMIN, obj=obj, period=obj.year_label
        )
        obj.delete()

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


class ActionAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Action
        fields = [
            "service",
            "objective",
            "title",
            "description",
            "owner",
            "due",
            "is_appraisal_target",
            "source",
            "status",
            "progress",
            "completed_on",
        ]

    user: Any = None  # set by ActionAdmin.get_form

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]
        if self.errors:
            return
        # The actions' own rules, as the pages and every other source meet them.
        try:
            actions.action_check(action=self.instance, user=self.user)
        except PlanError as exc:
            self.add_error(exc.field if exc.field in self.fields else None, str(exc))


@admin.register(Action)
class ActionAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    form = ActionAdminForm
    # The status beside the title, so that it stays in view at 1366 px beside the filters.
    list_display = ("title", "status", "due", "service", "owner", "objective", "source")
    list_filter = ("status", "source", "is_appraisal_target", "service")
    search_fields = ("title", "owner__username", "owner__last_name")
    list_select_related = ("service", "objective", "owner")
    autocomplete_fields = ["service", "owner"]
    raw_id_fields = ["objective"]

    def _signed_off(self, obj: Action | None) -> bool:
        return bool(obj and obj.objective_id and obj.objective and obj.objective.plan.is_signed_off)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if self._signed_off(obj):
            return actions.PLANNED_FIELDS
        return ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if self._signed_off(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form: Any = super().get_form(request, obj, change, **kwargs)
        form.user = request.user  # a class made for this request
        return form

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        services.action_save(action=obj, user=_user(request), source=ADMIN)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        if self._signed_off(obj):
            raise PermissionDenied("An action of a signed-off plan cannot be deleted.")
        services.action_delete(action=obj, user=_user(request), source=ADMIN)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset.select_related("objective__plan"):
            self.delete_model(request, obj)


@admin.register(PlanningMilestone)
class PlanningMilestoneAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ("due", "title", "kind", "year", "done_on")
    list_filter = ("year", "kind")
    search_fields = ("title",)
    readonly_fields = ("done_by",)
