"""`python manage.py derive_feedback_measures --month 2025-04 [--to 2025-09] [--user U]`."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from feedback.derive import derive_measures, month_arg, months_of
from targets.models import User
from targets.periods import PeriodError


class Command(BaseCommand):
    help = (
        "Recompute the measures derived from complaints and compliments for a month (or a run "
        "of months) and enter them as draft values. Values already submitted, approved or "
        "published are left alone and listed."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--month", required=True, help="The month, e.g. 2025-04.")
        parser.add_argument("--to", help="The last month of a run of months, e.g. 2025-09.")
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="Who the values are entered by, with that person's rights (default: the system).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            first = month_arg(options["month"])
            last = month_arg(options["to"]) if options["to"] else first
        except PeriodError as exc:
            raise CommandError(str(exc)) from None
        if last < first:
            raise CommandError("--to must not be before --month")
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"Unknown user {options['user']}")
        result = derive_measures(months=months_of(first, last), user=user)
        lines = result.lines() or ["Nothing to enter: no derived measure, or no complete month."]
        if result.errors:
            raise CommandError("\n".join(lines))
        for line in lines:
            self.stdout.write(line)
