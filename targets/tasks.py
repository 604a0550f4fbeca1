"""Celery tasks of the performance register: each loads by id (or nothing) and calls one service."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from targets import periods
from targets.quality.services import audits_propose
from targets.reminders import send_reminders


@shared_task(acks_late=True)
def send_reminders_task() -> dict[str, int]:
    """E-mail what is due soon and late, and escalate; idempotent, so a redelivery is harmless."""
    return send_reminders().as_dict()


@shared_task(acks_late=True)
def propose_audits_task() -> list[str]:
    """Propose this month's data-quality audits by the rule; a second run proposes nothing."""
    month = periods.period_containing(timezone.localdate(), periods.Frequency.MONTHLY)
    return [a.measure.code for a in audits_propose(month=month)]
