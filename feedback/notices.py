"""Customer feedback's deadlines for the notifications engine (`targets/notify/`).

Every service hears from its customers at least every six months, and support services run an
internal satisfaction survey at least every twelve (`feedback/compliance.py`). The head of
service is told NOTIFY_LEAD_DAYS before either lapses, and once it has; a lapse more than
REMINDER_ESCALATE_AFTER_DAYS old is escalated to the performance team.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from django.conf import settings
from django.urls import reverse

from feedback import rules as feedback_rules
from feedback.compliance import service_compliance
from targets.notify import people, rules
from targets.notify.kinds import Kind, Spec

AREA = "Customer feedback"

KINDS = [
    Kind(
        "feedback_lapsing",
        "Feedback about to lapse",
        AREA,
        "To the head of service, {lead} days before the service's six-monthly customer "
        "feedback (or a support service's yearly internal survey) is out of date.",
    ),
    Kind(
        "feedback_lapsed",
        "Feedback lapsed",
        AREA,
        "To the head of service, once the service's feedback is out of date.",
    ),
    Kind(
        "feedback_escalated",
        "Lapsed feedback escalated",
        AREA,
        "To the performance team, when a service's feedback has been out of date for more "
        "than {after} days.",
        escalation=True,
    ),
]


def lapses_on(last: date, months: int) -> date:
    """The first day on which feedback last heard on `last` no longer counts: it counts while it
    ended on or after the day `months` calendar months before the day looked from."""
    day = last + timedelta(days=28 * months - 3)  # safely before: m months are > 28m - 3 days
    while feedback_rules.months_before(day, months) <= last:
        day += timedelta(days=1)
    return day


def collect(today: date) -> Iterator[Spec]:
    lead, after = settings.NOTIFY_LEAD_DAYS, settings.REMINDER_ESCALATE_AFTER_DAYS
    heads = people.heads()
    team: list[int] | None = None
    for row in service_compliance(today):
        service = row.service
        checks = [
            (
                "feedback",
                "Customer feedback",
                row.last_feedback,
                feedback_rules.FEEDBACK_EVERY_MONTHS,
            )
        ]
        if row.needs_internal:
            checks.append(
                (
                    "internal",
                    "Internal satisfaction survey",
                    row.last_internal,
                    feedback_rules.INTERNAL_SURVEY_EVERY_MONTHS,
                )
            )
        for what, label, last, months in checks:
            lapse = lapses_on(last, months) if last is not None else None
            key = f"feedback:{service.pk}:{what}"
            title = f"{label} of {service.name}"
            url = reverse("feedback_service", args=[service.code])
            occasion = lapse.isoformat() if lapse else "never"
            if lapse is None:
                text, stage = "No feedback recorded yet", rules.PAST
            else:
                stage = rules.limit_stage(today, lapse - timedelta(days=1), lead=lead) or ""
                text = rules.limit_text(today, lapse, "Lapses" if today < lapse else "Lapsed")
            if not stage:
                continue
            head = heads.get(service.pk)
            kind = "feedback_lapsing" if stage == rules.APPROACHING else "feedback_lapsed"
            if head is not None:
                yield Spec(head, kind, key, title, url, text, lapse, occasion)
            if stage == rules.PAST and (lapse is None or (today - lapse).days > after):
                team = people.performance_team() if team is None else team
                for user in team:
                    yield Spec(user, "feedback_escalated", key, title, url, text, lapse, occasion)
