"""Changing what a person is e-mailed: each change is recorded in the audit trail."""

from __future__ import annotations

from django.db import transaction

from targets import audit
from targets.models import ChangeRecord, NotificationPreference, User
from targets.notify import kinds as registry

Delivery = NotificationPreference.Delivery


def preferences_of(user: User) -> dict[str, str]:
    """{kind: delivery} for every kind, the default (the digest) where nothing was chosen."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind.code: chosen.get(kind.code, Delivery.DIGEST) for kind in registry.all_kinds()}


def preferences_save(
    *, user: User, off: set[str], source: str = ChangeRecord.Source.FORM
) -> dict[str, list[str | None]]:
    """Kinds in `off` are not e-mailed to the person, every other kind is; returns the changes
    ({kind: [old, new]}), recorded in the audit trail when there are any."""
    known = {kind.code for kind in registry.all_kinds()}
    unknown = off - known
    if unknown:
        raise ValueError(f"Unknown kinds of notice: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        before = preferences_of(user)
        after = {code: Delivery.OFF if code in off else Delivery.DIGEST for code in known}
        changes: dict[str, list[str | None]] = {
            code: [str(before[code]), str(after[code])]
            for code in sorted(known)
            if before[code] != after[code]
        }
        if not changes:
            return {}
        labels = {kind.code: kind.label for kind in registry.all_kinds()}
        for code in changes:
            existing = NotificationPreference.objects.filter(user=user, kind=code).first()
            held: audit.Snapshot = audit.stored(existing, ["delivery"]) if existing else {}
            preference, created = NotificationPreference.objects.update_or_create(
                user=user, kind=code, defaults={"delivery": after[code]}
            )
            audit.record(
                user=user,
                action=ChangeRecord.Action.CREATE if created else ChangeRecord.Action.UPDATE,
                source=source,
                obj=preference,
                before=held,
                fields=["delivery"],
                reason=f"{user.username}'s e-mail of {labels.get(code, code)}",
            )
    return changes
