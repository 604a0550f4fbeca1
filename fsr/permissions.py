"""Who may see and change what in service reviews; built on `targets.permissions`, which decides
roles.

The programme, market-test recommendations and the savings plan are the performance team's;
the decision to market test is the executive board's (CEB); heads of service edit their own
service's reviews, peer reviews and market intelligence; CMT, CEB, scrutiny and elected members
read them all; officers read their own service's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from targets.models import CorporateRole, Service
from targets.permissions import (
    can_manage_service,
    corporate_role,
    is_performance_team,
    service_roles,
)

if TYPE_CHECKING:
    from targets.permissions import AnyUser


def reads_all_reviews(user: AnyUser) -> bool:
    return is_performance_team(user) or corporate_role(user) in {
        CorporateRole.CMT,
        CorporateRole.CEB,
        CorporateRole.SCRUTINY,
        CorporateRole.MEMBER,
    }


def review_service_ids(user: AnyUser) -> set[int] | None:
    """The services whose reviews, peer reviews, intelligence and savings the user may read
    (None: every service)."""
    if reads_all_reviews(user):
        return None
    return set(service_roles(user))


def can_read_reviews_of(user: AnyUser, service: Service | None) -> bool:
    """Read a service's reviews (`service` None: a council-wide item, for readers of all)."""
    ids = review_service_ids(user)
    return ids is None or (service is not None and service.pk in ids)


def can_manage_review_programme(user: AnyUser) -> bool:
    """Plan reviews, record market tests and keep the savings plan."""
    return is_performance_team(user)


def can_prepare_market_test(user: AnyUser) -> bool:
    """Recommend a market test to CEB and record the bids: the performance team."""
    return is_performance_team(user)


def can_decide_market_test(user: AnyUser) -> bool:
    """Record CEB's decision (approve or reject, the date, the minute, the outcome): a member of
    the executive board, never the performance team on its behalf."""
    return corporate_role(user) == CorporateRole.CEB


def can_set_review_rules(user: AnyUser) -> bool:
    """Which kinds of review count for the four-year rule: the performance team."""
    return is_performance_team(user)


def can_edit_review(user: AnyUser, service: Service) -> bool:
    """Change a service's reviews (their plans, milestones, actions and status) and its peer
    reviews."""
    return can_manage_service(user, service)


def can_edit_market_intelligence(user: AnyUser, service: Service) -> bool:
    return can_manage_service(user, service)


def review_editable_service_ids(user: AnyUser) -> set[int] | None:
    """The services whose reviews, peer reviews and market intelligence the user may change
    (None: every service)."""
    if is_performance_team(user):
        return None
    return {sid for sid, roles in service_roles(user).items() if "head" in roles}
