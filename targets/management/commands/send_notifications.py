"""`python manage.py send_notifications [--date YYYY-MM-DD]`: the daily beat task, by hand."""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand

from targets.notify.engine import notifications_run


class Command(BaseCommand):
    help = (
        "Raise today's notices (values, actions, data quality, plans, feedback, reviews, packs) "
        "and e-mail each person their daily digest. Safe to run again: nothing is sent twice."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--date",
            type=date.fromisoformat,
            help="Run as if today were this date (YYYY-MM-DD); default: today.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        summary = notifications_run(today=options["date"])
        self.stdout.write(
            f"Notices: {summary.raised} raised, {summary.resolved} resolved. "
            f"Digests: {summary.sent} sent."
        )
        if summary.unreachable:
            self.stdout.write(
                self.style.WARNING(
                    f"{summary.unreachable} people have notices but no e-mail address: they see "
                    "them on My work."
                )
            )
        if summary.failed:
            self.stderr.write(
                self.style.ERROR(
                    f"{summary.failed} digests could not be sent; they are tried again later."
                )
            )
        for label in summary.sources_failed:
            self.stderr.write(self.style.ERROR(f"The notices of {label} could not be collected."))
