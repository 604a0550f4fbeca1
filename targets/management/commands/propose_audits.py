"""`python manage.py propose_audits [--month YYYY-MM]`: what the monthly beat task does, by hand."""

from __future__ import annotations

from argparse import ArgumentParser, ArgumentTypeError
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from targets import periods
from targets.models import ChangeRecord
from targets.periods import Frequency, Period
from targets.quality.services import audits_propose


def month(text: str) -> Period:
    try:
        period = periods.parse_period(text)
    except periods.PeriodError as exc:
        raise ArgumentTypeError(f"{text} is not a month (expected e.g. 2026-05): {exc}") from None
    if period.frequency != Frequency.MONTHLY:
        raise ArgumentTypeError(f"{text} is not a month (expected e.g. 2026-05)")
    return period


class Command(BaseCommand):
    help = (
        "Propose a month's two data-quality audits by the selection rule. Safe to run again: once "
        "the rule has proposed for a month, it proposes nothing more for it."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--month", type=month, help="The month, e.g. 2026-05; default: this month."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        chosen = options["month"] or periods.period_containing(
            timezone.localdate(), Frequency.MONTHLY
        )
        made = audits_propose(month=chosen, source=ChangeRecord.Source.SYSTEM)
        if not made:
            self.stdout.write(f"Nothing new proposed for {chosen.label}.")
            return
        self.stdout.write(f"Proposed for {chosen.label}:")
        for audit_row in made:
            measure = audit_row.measure
            self.stdout.write(f"  {measure.code}  {measure.title} ({measure.get_kind_display()})")
