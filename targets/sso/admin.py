"""The admin of single sign-on: the group mapping the performance team edits (each change in the
audit trail), and the read-only list of who signed in through the provider."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from targets.admin import AuditedAdmin, PerformanceTeamMixin
from targets.models import CorporateRole, GroupRoleMapping, SsoIdentity
from targets.models.sso import service_role_choices

MAPPING_FIELDS = ["group", "label", "corporate_role", "service", "service_role"]


class GroupRoleMappingForm(forms.ModelForm):  # type: ignore[type-arg]
    """The role choices are read when the form is made, so a new role needs no change here."""

    class Meta:
        model = GroupRoleMapping
        fields = MAPPING_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        none = [("", "—")]
        self.fields["corporate_role"] = forms.ChoiceField(
            choices=none + list(CorporateRole.choices),
            required=False,
            label="Corporate role",
            help_text="A council-wide role; leave empty to give a service role instead.",
        )
        self.fields["service_role"] = forms.ChoiceField(
            choices=none + service_role_choices(),
            required=False,
            label="Service role",
            help_text="With the service above.",
        )


@admin.register(GroupRoleMapping)
class GroupRoleMappingAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    """Which group of the identity provider gives which role. People who sign in through the
    provider have every role this list gives exactly when they are in one of its groups; roles
    it never gives are left as set by hand."""

    form = GroupRoleMappingForm
    list_display = ("label", "group", "role_text")
    list_filter = ("corporate_role", "service_role", "service")
    search_fields = ("group", "label", "service__name")
    autocomplete_fields = ["service"]

    @admin.display(description="role")
    def role_text(self, obj: GroupRoleMapping) -> str:
        return obj.role_text


class ReadOnlyAdmin(PerformanceTeamMixin):
    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SsoIdentity)
class SsoIdentityAdmin(ReadOnlyAdmin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ("user", "subject", "issuer", "last_sign_in")
    search_fields = ("user__username", "subject")
    list_select_related = ("user",)
