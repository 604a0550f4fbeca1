"""`python manage.py planning_calendar [YEAR]`: the standard planning calendar of a year."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from targets import params, periods
from targets.plans.cycle import milestones_generate


def _year(text: str) -> int:
    try:
        return params.parse_year(text)
    except params.BadParameter as exc:
        raise CommandError(exc.message) from exc


class Command(BaseCommand):
    help = (
        "Add the standard milestones of the planning cycle running in a financial year "
        "(September: corporate plan review … March: plans and appraisals signed off for the "
        "next year). Safe to run again: it only adds what is missing."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "year",
            nargs="?",
            help="The financial year the cycle runs in, e.g. 2026/27 (default: the current one).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        year = (
            _year(options["year"])
            if options["year"]
            else periods.financial_year_of(timezone.localdate())
        )
        added = milestones_generate(year=year)
        label, next_label = periods.fy_label(year), periods.fy_label(year + 1)
        self.stdout.write(
            f"{len(added)} milestones added to the {label} planning calendar (preparing "
            f"{next_label})."
        )
        for milestone in added:
            self.stdout.write(f"  {milestone.due:%d %b %Y}  {milestone.title}")
