"""Signing in through the identity provider: the user is created on first sign-in, then kept up
to date (name, e-mail, roles) at every sign-in, each change recorded in the audit trail.

The provider's account is matched by issuer and subject (`sub`), never by e-mail or username: a
changed name or address at the council does not make a new Goldthread account.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from targets import audit
from targets.models import (
    ChangeRecord,
    CorporateRole,
    GroupRoleMapping,
    Service,
    ServiceRole,
    SsoIdentity,
    User,
)
from targets.models.sso import HEAD, service_role_choices
from targets.sso import roles

logger = logging.getLogger(__name__)

PROFILE_FIELDS = ["username", "email", "first_name", "last_name", "is_active", "corporate_role"]


class SsoError(Exception):
    """A sign-in refused, with the reason in words the person can act on."""


@dataclass(frozen=True)
class Claims:
    """What Goldthread takes from the provider's ID token (and user info)."""

    issuer: str
    subject: str
    username: str
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    groups: list[str] = field(default_factory=list)


def claims_from(raw: Mapping[str, Any], *, issuer: str) -> Claims:
    """Read the claims as configured (OIDC_USERNAME_CLAIM, OIDC_GROUPS_CLAIM)."""
    subject = str(raw.get("sub") or "")
    if not subject:
        raise SsoError("The identity provider did not say who you are (no subject).")
    groups_claim = settings.OIDC_GROUPS_CLAIM
    if groups_claim not in raw and groups_claim in (raw.get("_claim_names") or {}):
        # Entra ID's "group overage": more groups than fit in a token.
        raise SsoError(
            "You are in too many groups for the identity provider to list them in the sign-in. "
            "Ask IT to send only the groups assigned to Goldthread."
        )
    try:
        groups = roles.groups_from_claim(raw.get(groups_claim))
    except ValueError as exc:
        raise SsoError(f"The identity provider's {groups_claim} claim is unreadable.") from exc
    email = str(raw.get("email") or "")
    username = str(raw.get(settings.OIDC_USERNAME_CLAIM) or email or subject)[:150]
    first, last = str(raw.get("given_name") or ""), str(raw.get("family_name") or "")
    if not (first or last) and raw.get("name"):
        first, _, last = str(raw["name"]).partition(" ")
    return Claims(issuer, subject, username, email[:254], first[:150], last[:150], groups)


@dataclass(frozen=True)
class SignInResult:
    user: User
    created: bool
    skipped: list[str]  # roles the groups give that could not be given (a head already named)


def sso_sign_in(*, claims: Claims, now: datetime | None = None) -> SignInResult:
    """Create or update the person and their roles from what the provider says."""
    now = now or timezone.now()
    with transaction.atomic():
        identity = (
            SsoIdentity.objects.select_for_update()
            .select_related("user")
            .filter(issuer=claims.issuer, subject=claims.subject)
            .first()
        )
        created = False
        if identity is None:
            user, created = _new_user(claims)
            identity = SsoIdentity(user=user, issuer=claims.issuer, subject=claims.subject)
        user = identity.user
        if not user.is_active:
            raise SsoError(
                "Your Goldthread account is switched off. Ask the performance team to switch it "
                "back on."
            )
        before = audit.snapshot(user, PROFILE_FIELDS) if not created else {}
        current = current_roles(user)
        for name in ("email", "first_name", "last_name"):
            value = getattr(claims, name)
            if value:
                setattr(user, name, value)
        wanted = roles.reconcile(current, claims.groups, grants(), CorporateRole.values)
        difference = roles.change(current, wanted)
        if difference.corporate_role is not None:
            user.corporate_role = difference.corporate_role[1]
        user.save()
        skipped = _apply(user, difference)
        after_roles = current_roles(user)
        identity.groups = claims.groups
        identity.last_sign_in = now
        identity.save()
        changes = audit.diff(before, audit.snapshot(user, PROFILE_FIELDS))
        if after_roles != current:
            changes["roles"] = [roles_text(current), roles_text(after_roles)]
        if created or changes:
            audit.change_record(
                user=user,
                action=ChangeRecord.Action.CREATE if created else ChangeRecord.Action.UPDATE,
                source=ChangeRecord.Source.SYSTEM,
                obj=user,
                changes=changes,
                reason=_reason(claims, skipped),
            ).save()
    for line in skipped:
        logger.warning("Single sign-on of %s: %s", user.username, line)
    if hasattr(user, "_goldthread_service_roles"):
        delattr(user, "_goldthread_service_roles")  # the permissions' cache of the old roles
    return SignInResult(user, created, skipped)


def _new_user(claims: Claims) -> tuple[User, bool]:
    existing = User.objects.filter(username__iexact=claims.username).first()
    if existing is None:
        user = User(username=claims.username)
        user.set_unusable_password()
        user.save()
        return user, True
    if SsoIdentity.objects.filter(user=existing).exists():
        raise SsoError(
            f"The Goldthread account {existing.username!r} belongs to another account of the "
            "identity provider. Ask the performance team."
        )
    if not settings.OIDC_LINK_LOCAL_ACCOUNTS:
        raise SsoError(
            f"A Goldthread account named {existing.username!r} already exists and is not linked "
            "to single sign-on. Ask the performance team to link or rename it."
        )
    return existing, False


def grants() -> list[roles.Grant]:
    return [
        roles.Grant(m.group, m.corporate_role, m.service_id, m.service_role)
        for m in GroupRoleMapping.objects.order_by("pk")
    ]


def current_roles(user: User) -> roles.Roles:
    held = set(ServiceRole.objects.filter(user=user).values_list("service_id", "role"))
    held |= {(pk, HEAD) for pk in Service.objects.filter(head=user).values_list("pk", flat=True)}
    return roles.Roles(user.corporate_role, frozenset(held))


def _apply(user: User, difference: roles.Change) -> list[str]:
    """Give and take the service roles, each change recorded; return what could not be given, and
    why."""
    names = dict(Service.objects.values_list("pk", "name"))
    skipped = []
    reason = "Single sign-on: the person's groups at the identity provider"
    for service_id, role in sorted(difference.removed):
        if role == HEAD:
            _set_head(service_id, frm=user, to=None, reason=reason)
        else:
            for held in ServiceRole.objects.filter(user=user, service_id=service_id, role=role):
                before = audit.snapshot(held)
                held.delete()
                _record(held, ChangeRecord.Action.DELETE, before=before, reason=reason)
    for service_id, role in sorted(difference.added):
        service = names.get(service_id, str(service_id))
        if role == HEAD:
            if not _set_head(service_id, frm=None, to=user, reason=reason):
                skipped.append(f"not made head of {service}: it already has a head")
            continue
        if role == ServiceRole.Role.DQ_CHAMPION:
            taken = ServiceRole.objects.filter(service_id=service_id, role=role).exclude(user=user)
            if taken.exists():
                skipped.append(f"not made data quality champion of {service}: it has one")
                continue
        given, created = ServiceRole.objects.get_or_create(
            user=user, service_id=service_id, role=role
        )
        if created:
            _record(given, ChangeRecord.Action.CREATE, reason=reason)
    return skipped


def _set_head(service_id: int, *, frm: User | None, to: User | None, reason: str) -> bool:
    """Make `to` the head of the service if its head is `frm` now (None: no head); recorded."""
    service = Service.objects.select_for_update().filter(pk=service_id).first()
    if service is None or service.head_id != (frm.pk if frm else None):
        return False
    before = audit.stored(service, ["head"])
    service.head = to
    service.save(update_fields=["head"])
    _record(service, ChangeRecord.Action.UPDATE, before=before, fields=["head"], reason=reason)
    return True


def _record(
    obj: Any,
    action: str,
    *,
    before: audit.Snapshot | None = None,
    fields: list[str] | None = None,
    reason: str,
) -> None:
    audit.record(
        user=None,
        action=action,
        source=ChangeRecord.Source.SYSTEM,
        obj=obj,
        before=before,
        fields=fields,
        reason=reason,
    )


def roles_text(held: roles.Roles) -> str:
    """e.g. "Performance team; Officer (updater) of Waste and Recycling"."""
    names = dict(Service.objects.values_list("pk", "name"))
    labels = dict(service_role_choices())
    parts = [dict(CorporateRole.choices).get(held.corporate_role, held.corporate_role)]
    parts = [p for p in parts if p]
    parts += sorted(
        f"{labels.get(role, role)} of {names.get(service, service)}"
        for service, role in held.service_roles
    )
    return "; ".join(parts) or "no role"


def _reason(claims: Claims, skipped: list[str]) -> str:
    text = f"Single sign-on ({claims.issuer}); groups: {roles.describe(claims.groups)}"
    return text + (f"; {'; '.join(skipped)}" if skipped else "")
