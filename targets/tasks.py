"""Celery tasks of the performance register: each loads by id (or nothing) and calls one service."""

from __future__ import annotations

from celery import shared_task

from targets.reminders import send_reminders


@shared_task(acks_late=True)
def send_reminders_task() -> dict[str, int]:
    """E-mail what is due soon and late, and escalate; idempotent, so a redelivery is harmless."""
    return send_reminders().as_dict()
