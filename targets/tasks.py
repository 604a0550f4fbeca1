"""Celery tasks of the performance register: each loads by id (or nothing) and calls one service."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from targets import periods
from targets.notify.engine import digests_send, notifications_run
from targets.quality.services import audits_propose


@shared_task(acks_late=True)
def send_notifications_task() -> dict[str, object]:
    """Raise today's notices and send the daily digests; idempotent, so a redelivery is
    harmless (a digest is claimed before it is sent, and sent once)."""
    return notifications_run().as_dict()


@shared_task(acks_late=True)
def retry_digests_task() -> dict[str, object]:
    """Send today's digests still waiting: the mail server was down at the daily run."""
    return digests_send().as_dict()


@shared_task(acks_late=True)
def send_reminders_task() -> dict[str, object]:
    """The reminders' task before the notifications engine took them over: a message queued by
    an older installation still runs the engine."""
    return notifications_run().as_dict()


@shared_task(acks_late=True)
def propose_audits_task() -> list[str]:
    """Propose this month's data-quality audits by the rule; a second run proposes nothing."""
    month = periods.period_containing(timezone.localdate(), periods.Frequency.MONTHLY)
    return [a.measure.code for a in audits_propose(month=month)]
