"""Who may change what in benchmarking; built on `targets.permissions`, which decides roles.

Everyone signed in reads benchmarking (the figures are published ones). The performance team
manages metrics, imports and groups; heads of service manage their service's exercises and good
practice entries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from targets.models import Service
from targets.permissions import can_manage_service, is_performance_team, managed_services

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from targets.permissions import AnyUser


def can_manage_benchmarks(user: AnyUser) -> bool:
    """Metrics, their values (imports and uploads) and comparator groups."""
    return is_performance_team(user)


def can_manage_exercises(user: AnyUser, service: Service) -> bool:
    return can_manage_service(user, service)


def manageable_services(user: AnyUser) -> QuerySet[Service]:
    """The active services whose exercises the user may record."""
    return managed_services(user)
