"""The daily digest e-mail: plain text and HTML, the same items, every link absolute."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse

from targets.models import Digest, Notice
from targets.notify import kinds as registry
from targets.notify import rules


@dataclass(frozen=True)
class Item:
    title: str
    detail: str
    url: str  # absolute


@dataclass(frozen=True)
class Section:
    heading: str
    items: list[Item]


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def sections(notices: list[Notice]) -> list[Section]:
    """Escalations first, then one section per area in the registry's order."""
    by_code = registry.kinds_by_code()
    escalated = [n for n in notices if n.escalation]
    found: list[Section] = []
    if escalated:
        found.append(Section("Escalated to you", [_item(n, by_code) for n in escalated]))
    for area, kinds in registry.areas():
        codes = {kind.code for kind in kinds}
        mine = [n for n in notices if n.kind in codes and not n.escalation]
        if mine:
            found.append(Section(area, [_item(n, by_code) for n in mine]))
    known = {kind.code for kind in by_code.values()}
    others = [n for n in notices if n.kind not in known and not n.escalation]
    if others:
        found.append(Section("Other", [_item(n, by_code) for n in others]))
    return found


def _item(notice: Notice, by_code: dict[str, registry.Kind]) -> Item:
    kind = by_code.get(notice.kind)
    label = kind.label if kind else notice.kind
    detail = f"{label}: {notice.detail}" if notice.detail else label
    return Item(notice.title, detail, site_url(notice.url))


def message_id(digest: Digest) -> str:
    """The same for every attempt at one digest, so that a copy can be recognised."""
    domain = urlsplit(settings.SITE_URL).hostname or "goldthread.invalid"
    return f"<goldthread-digest-{digest.pk}-{digest.day:%Y%m%d}@{domain}>"


def digest_message(digest: Digest, notices: list[Notice]) -> EmailMultiAlternatives:
    user = digest.recipient
    escalated = sum(1 for n in notices if n.escalation)
    subject = rules.digest_subject(len(notices), escalated, digest.day)
    context = {
        "user": user,
        "subject": subject,
        "day": digest.day,
        "sections": sections(notices),
        "my_work": site_url(reverse("my_work")),
        "preferences": site_url(reverse("notification_preferences")),
        "council_name": settings.COUNCIL_NAME,
    }
    connection = get_connection(timeout=settings.EMAIL_TIMEOUT)
    message = EmailMultiAlternatives(
        subject,
        render_to_string("targets/email/digest.txt", context),
        to=[user.email],
        connection=connection,
        headers={
            "Message-ID": message_id(digest),
            "Auto-Submitted": "auto-generated",
            "List-Unsubscribe": f"<{context['preferences']}>",
        },
    )
    message.attach_alternative(render_to_string("targets/email/digest.html", context), "text/html")
    return message
