"""Who may see and change what in the OIM; built on `targets.permissions`, which decides roles.

- The factors, key processes and accreditations are internal: staff and management (everyone
  who sees internal values), not councillors or people with no role. The ranking, each
  service's assessment and value for money are read by councillors too (scrutiny and all
  members), worked out from published values only.
- The ideas board is open to everyone signed in: anyone may read it and submit an idea.
- The performance team configures the factors and weights, assesses factors by hand, enters
  budgets, runs the board (moves ideas on, awards spend-to-save funding) and sets its budget.
- Key processes and accreditations of a service: its head of service or the performance team;
  council-wide accreditations: the performance team.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from targets.models import CorporateRole, Service
from targets.permissions import (
    can_manage_service,
    corporate_role,
    is_performance_team,
    managed_services,
    sees_internal_values,
)

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from targets.permissions import AnyUser


def can_view_oim(user: AnyUser) -> bool:
    return sees_internal_values(user)


def can_view_ranking(user: AnyUser) -> bool:
    """The OIM ranking, each service's assessment and value for money: staff and management,
    and councillors (scrutiny and all members), who see them worked out from published values
    only."""
    return can_view_oim(user) or corporate_role(user) in {
        CorporateRole.SCRUTINY,
        CorporateRole.MEMBER,
    }


def can_configure_oim(user: AnyUser) -> bool:
    """Factors, quadrant weights, hand assessments, budgets and the cost metric of services."""
    return is_performance_team(user)


def can_submit_idea(user: AnyUser) -> bool:
    return user.is_authenticated


def can_run_board(user: AnyUser) -> bool:
    """Move ideas through the board, award spend-to-save funding, set the fund."""
    return is_performance_team(user)


def can_manage_register(user: AnyUser, service: Service | None) -> bool:
    """Key processes and accreditations of a service (None: the whole council)."""
    if service is None:
        return is_performance_team(user)
    return can_manage_service(user, service)


def register_services(user: AnyUser) -> QuerySet[Service]:
    """The active services whose key processes and accreditations the user may change."""
    return managed_services(user)
