"""The demo's single sign-on mapping, notification choices and today's notices.

Run by `load_demo` after every app's demo (the notices come from all of them). Safe to run
again: it adds what is missing and changes nothing a person has set.

- The group mapping is what a council on Microsoft Entra ID would enter: Entra sends groups as
  object IDs, so each row carries the group's name as its label. The demo signs in with
  passwords (LOCAL_LOGIN stays on); the mapping shows what SSO would do.
- Demo people get an address at goldthread-demo.example (a reserved domain: nothing is ever
  delivered) so that `manage.py send_notifications` prints their digests in development.
- A few people have switched kinds of notice off, as people do.
- Today's notices are raised (not e-mailed), so that "My work" lists them.
"""

from __future__ import annotations

import uuid
from typing import TextIO

from django.core.management.base import OutputWrapper
from django.db.models import Q
from django.utils import timezone

from targets.demo.builder import demo_logins
from targets.models import (
    CorporateRole,
    GroupRoleMapping,
    NotificationPreference,
    Service,
    ServiceRole,
    User,
)
from targets.notify.engine import notices_raise

DOMAIN = "goldthread-demo.example"
TENANT = uuid.UUID("0d6b8b1e-4c39-4a8e-9d4f-5a7c2e1b9f30")  # the demo council's "tenant"

CORPORATE_GROUPS = [
    ("GG-Goldthread-Performance-Team", CorporateRole.PERFORMANCE),
    ("GG-Goldthread-CMT", CorporateRole.CMT),
    ("GG-Goldthread-Executive-Board", CorporateRole.CEB),
    ("GG-Goldthread-Scrutiny-Panel", CorporateRole.SCRUTINY),
]
# (username, kind): what a few demo people chose not to be e-mailed about.
SWITCHED_OFF = [
    ("performance", "procedure_escalated"),  # follows the data-quality page instead
    ("cmt", "review_escalated"),  # hears about reviews at the programme board
    ("waste-head", "action_due_soon"),
    ("scrutiny", "feedback_escalated"),
]


def group_id(name: str) -> str:
    """A stable object ID for a group name, as Entra ID would send it."""
    return str(uuid.uuid5(TENANT, name))


def load(*, stdout: TextIO | OutputWrapper) -> dict[str, int]:
    mappings = _mappings()
    addresses = _addresses()
    preferences = _preferences()
    summary = notices_raise(today=timezone.localdate())
    stdout.write(
        f"  Council IT: {mappings} group mappings, {addresses} e-mail addresses, "
        f"{preferences} notification choices added; {summary.raised} notices raised.\n"
    )
    return {"mappings": mappings, "notices": summary.raised}


def _mappings() -> int:
    added = 0
    for name, role in CORPORATE_GROUPS:
        _, created = GroupRoleMapping.objects.get_or_create(
            group=group_id(name), corporate_role=role, service=None, defaults={"label": name}
        )
        added += created
    for service in Service.objects.filter(is_active=True).order_by("name"):
        service_groups: list[tuple[str, str]] = [
            ("Officers", ServiceRole.Role.UPDATER),
            ("Data-Quality-Champion", ServiceRole.Role.DQ_CHAMPION),
        ]
        for suffix, service_role in service_groups:
            name = f"GG-Goldthread-{service.code.title().replace('-', '')}-{suffix}"
            _, created = GroupRoleMapping.objects.get_or_create(
                group=group_id(name),
                service=service,
                service_role=service_role,
                defaults={"label": name},
            )
            added += created
    return added


def _addresses() -> int:
    demo = [username for usernames, _ in demo_logins() for username in usernames]
    people = User.objects.filter(Q(email="") & Q(username__in=demo))
    changed = 0
    for user in people:
        user.email = f"{user.username}@{DOMAIN}"
        user.save(update_fields=["email"])
        changed += 1
    return changed


def _preferences() -> int:
    users = dict(
        User.objects.filter(username__in=[u for u, _ in SWITCHED_OFF]).values_list("username", "pk")
    )
    added = 0
    for username, kind in SWITCHED_OFF:
        if username not in users:
            continue
        _, created = NotificationPreference.objects.get_or_create(
            user_id=users[username],
            kind=kind,
            defaults={"delivery": NotificationPreference.Delivery.OFF},
        )
        added += created
    return added
