"""The admin of target proposals: the performance team reads every proposal and its history; a
proposal is made by its head of service and decided on its page (or by the admin's actions),
always through `targets.proposals.services`, so the admin never changes one by hand."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest

from targets.admin import AuditedAdmin
from targets.models import ChangeRecord, TargetProposal, User
from targets.proposals import services
from targets.proposals.rules import ProposalError


@admin.action(description="Approve the selected proposals (each becomes its year's target)")
def approve(modeladmin: Any, request: HttpRequest, queryset: QuerySet[TargetProposal]) -> None:
    done = 0
    for proposal in queryset.select_related("measure"):
        try:
            services.proposal_approve(
                user=cast(User, request.user), proposal=proposal, source=ChangeRecord.Source.ADMIN
            )
            done += 1
        except (ProposalError, PermissionDenied) as exc:
            messages.error(request, f"{proposal}: {exc}")
    if done:
        messages.success(request, f"{done} approved.")


@admin.register(TargetProposal)
class TargetProposalAdmin(AuditedAdmin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ("measure", "year", "value", "status", "proposed_by", "proposed_at")
    list_filter = ("status", "year", "measure__kind")
    search_fields = ("measure__code", "measure__title", "rationale", "return_reason")
    list_select_related = ("measure", "proposed_by")
    actions = [approve]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
