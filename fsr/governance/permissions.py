"""Who may see and change the risk register and the corporate programmes; built on
`targets.permissions`, which decides roles.

- The performance team, CMT, CEB and scrutiny read every risk and programme; anyone with a
  service role reads the corporate risks, their own services' risks and the programmes. People
  with no role read neither.
- A risk is changed by its owner, by the head of its service (a service risk) and by the
  performance team, who also keep the matrix. Heads of service add their services' risks; the
  team adds any.
- The performance team sets up programmes; a programme's sponsor and manager report its
  progress (stage, status, milestones, projects).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fsr.permissions import reads_all_reviews
from targets.permissions import can_manage_service, is_performance_team, service_roles

if TYPE_CHECKING:
    from fsr.governance.models import Programme, Risk
    from targets.models import Service
    from targets.permissions import AnyUser


def reads_all_risks(user: AnyUser) -> bool:
    return reads_all_reviews(user)


def sees_risks(user: AnyUser) -> bool:
    return reads_all_risks(user) or bool(service_roles(user))


def risk_service_ids(user: AnyUser) -> set[int] | None:
    """The services whose risks the user reads besides the corporate ones (None: every one)."""
    if reads_all_risks(user):
        return None
    return set(service_roles(user))


def can_read_risk(user: AnyUser, risk: Risk) -> bool:
    if not sees_risks(user):
        return False
    ids = risk_service_ids(user)
    return ids is None or risk.service_id is None or risk.service_id in ids


def can_edit_risk(user: AnyUser, risk: Risk) -> bool:
    if is_performance_team(user):
        return True
    if getattr(user, "pk", None) is not None and risk.owner_id == user.pk:
        return True
    return risk.service is not None and can_manage_service(user, risk.service)


def can_add_risk(user: AnyUser, service: Service | None) -> bool:
    """Add a risk: a corporate one (`service` None) or one of `service`."""
    if is_performance_team(user):
        return True
    return service is not None and can_manage_service(user, service)


def risk_addable_service_ids(user: AnyUser) -> set[int] | None:
    """The services whose risks the user may add (None: every service, and corporate ones)."""
    if is_performance_team(user):
        return None
    return {sid for sid, roles in service_roles(user).items() if "head" in roles}


def can_manage_matrix(user: AnyUser) -> bool:
    return is_performance_team(user)


def sees_programmes(user: AnyUser) -> bool:
    return sees_risks(user)


def can_create_programme(user: AnyUser) -> bool:
    return is_performance_team(user)


def can_edit_programme(user: AnyUser, programme: Programme) -> bool:
    if is_performance_team(user):
        return True
    pk = getattr(user, "pk", None)
    return pk is not None and pk in (programme.sponsor_id, programme.manager_id)
