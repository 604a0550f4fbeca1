"""`python manage.py send_reminders [--date YYYY-MM-DD]`: what the daily beat task does, by hand."""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand

from targets.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "E-mail updaters what is due soon and what is late, and escalate values late for too long "
        "to the head of service. Safe to run again: nothing is sent twice."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--date",
            type=date.fromisoformat,
            help="Run as if today were this date (YYYY-MM-DD); default: today.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        summary = send_reminders(today=options["date"])
        self.stdout.write(
            f"Reminders sent: {summary.due_soon} due soon, {summary.late} late, "
            f"{summary.escalation} escalated, in {summary.emails} e-mails."
        )
        if summary.skipped:
            self.stdout.write(
                self.style.WARNING(f"{summary.skipped} items skipped: no one to send them to.")
            )
        if summary.failed:
            self.stderr.write(
                self.style.ERROR(f"{summary.failed} e-mails failed; they are retried next run.")
            )
