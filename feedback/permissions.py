"""Who may see and change what in customer feedback; built on `targets.permissions`, which
decides roles.

Arrangements, rounds, mystery shopping and their actions are the service's to manage, as its plan
is; the residents' panel and the CRM's complaints export are the council's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from targets.models import Service
from targets.permissions import (
    can_manage_service,
    is_performance_team,
    managed_services,
    sees_internal_values,
)

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from targets.permissions import AnyUser


def can_manage_feedback(user: AnyUser, service: Service) -> bool:
    """Arrangements and mystery-shopping visits of a service: its head, the performance team."""
    return can_manage_service(user, service)


def manageable_services(user: AnyUser) -> QuerySet[Service]:
    """The active services whose feedback the user manages."""
    return managed_services(user)


def can_view_complaints(user: AnyUser) -> bool:
    """Complaints and compliments, and figures not yet through the value workflow: staff who see
    internal values; scrutiny members and people with no role see published measures only."""
    return sees_internal_values(user)


def can_import_complaints(user: AnyUser) -> bool:
    """The CRM's export covers every service at once: the performance team imports it."""
    return is_performance_team(user)


def can_manage_panel(user: AnyUser) -> bool:
    return is_performance_team(user)


def can_record_feedback(user: AnyUser, service: Service, *, owner_id: int | None = None) -> bool:
    """Record a round of an arrangement, or an action it led to: the service's managers, or the
    owner of the arrangement or action (`owner_id`)."""
    if can_manage_service(user, service):
        return True
    return user.is_authenticated and owner_id is not None and owner_id == user.pk
