"""Which roles a person has after signing in through single sign-on: pure rules, no Django.

The mapping table says which group gives which role. For a person who signs in:

- every role some mapping row gives is *managed*: the person has it exactly when one of their
  groups gives it, so removing someone from a group removes the role at their next sign-in;
- a role no mapping row gives (one set by hand in the admin) is left as it is;
- a person has one corporate role: of those their groups give, the first in the choices' order
  (`corporate_order`); none given, a managed one is taken away and an unmanaged one kept;
- groups are compared without regard to case or surrounding spaces (an Entra ID object ID may
  come in either case; an administrator may type a Keycloak path either way).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

ServiceGrant = tuple[int, str]  # (service id, service role or "head")


@dataclass(frozen=True)
class Grant:
    """One mapping row: a group and the role it gives (a corporate role, or a service's)."""

    group: str
    corporate_role: str = ""
    service_id: int | None = None
    service_role: str = ""

    @property
    def service_grant(self) -> ServiceGrant | None:
        if self.service_id is None or not self.service_role:
            return None
        return (self.service_id, self.service_role)


@dataclass(frozen=True)
class Roles:
    corporate_role: str
    service_roles: frozenset[ServiceGrant]


def normalise(group: str) -> str:
    return group.strip().casefold()


def groups_from_claim(value: object) -> list[str]:
    """The groups in a claim: a list of strings, or one string (Google's `hd`, say)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, Iterable) and not isinstance(value, bytes | dict):
        return [str(item) for item in value if isinstance(item, str | int) and str(item).strip()]
    raise ValueError("the groups claim is neither a list of groups nor a group")


def matching(groups: Iterable[str], grants: Iterable[Grant]) -> list[Grant]:
    mine = {normalise(group) for group in groups}
    return [grant for grant in grants if normalise(grant.group) in mine]


def reconcile(
    current: Roles,
    groups: Iterable[str],
    grants: Sequence[Grant],
    corporate_order: Sequence[str],
) -> Roles:
    """The roles the person should have once signed in with these groups."""
    matched = matching(groups, grants)
    given = {grant.corporate_role for grant in matched if grant.corporate_role}
    managed = {grant.corporate_role for grant in grants if grant.corporate_role}
    ranked = [role for role in corporate_order if role in given]
    ranked += sorted(given - set(corporate_order))  # unknown roles last, never lost silently
    if ranked:
        corporate = ranked[0]
    elif current.corporate_role in managed:
        corporate = ""
    else:
        corporate = current.corporate_role

    managed_services = {g.service_grant for g in grants if g.service_grant is not None}
    given_services = {g.service_grant for g in matched if g.service_grant is not None}
    kept = {role for role in current.service_roles if role not in managed_services}
    return Roles(corporate, frozenset(kept | given_services))


@dataclass(frozen=True)
class Change:
    corporate_role: tuple[str, str] | None  # (old, new) when it changes
    added: frozenset[ServiceGrant]
    removed: frozenset[ServiceGrant]

    @property
    def is_empty(self) -> bool:
        return self.corporate_role is None and not self.added and not self.removed


def change(current: Roles, wanted: Roles) -> Change:
    corporate = (
        (current.corporate_role, wanted.corporate_role)
        if current.corporate_role != wanted.corporate_role
        else None
    )
    return Change(
        corporate,
        frozenset(wanted.service_roles - current.service_roles),
        frozenset(current.service_roles - wanted.service_roles),
    )


def describe(groups: Collection[str]) -> str:
    """The groups as the audit trail records them."""
    return ", ".join(sorted(groups, key=normalise)) or "no groups"
