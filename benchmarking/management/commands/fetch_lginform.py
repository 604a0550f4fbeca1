"""`python manage.py fetch_lginform [--metric CODE …] [--latest N] [--dry-run]`."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from benchmarking.lginform.fetch import (
    NOT_CONFIGURED,
    FetchRequestError,
    is_configured,
    lginform_fetch,
)
from benchmarking.models import Fetch


class Command(BaseCommand):
    help = (
        "Fetch from LG Inform Plus the values of every benchmark metric that has an LG Inform "
        "metric id (or those named), for every current English authority in the register and "
        "the latest periods, and upsert them as an import does: NA counted, areas outside the "
        "register reported, a second run writing nothing. Needs LGINFORM_API_KEY."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--metric",
            action="append",
            default=[],
            metavar="CODE",
            help="Fetch only this metric (by its code, e.g. ENV18). May be repeated.",
        )
        parser.add_argument(
            "--latest",
            type=int,
            choices=range(1, 41),
            metavar="N",
            help="How many of the latest periods to ask for (default LGINFORM_LATEST_PERIODS).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Fetch and report what would change, without writing or recording anything.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not is_configured():
            raise CommandError(NOT_CONFIGURED)
        try:
            outcome = lginform_fetch(
                codes=[code.strip() for code in options["metric"]],
                dry_run=options["dry_run"],
                latest=options["latest"],
                trigger=Fetch.Trigger.COMMAND,
            )
        except FetchRequestError as exc:
            raise CommandError(str(exc)) from None
        if not outcome.fetches:
            self.stdout.write(
                "No metric has an LG Inform metric id: set one on a metric (in the admin) to "
                "fetch it."
            )
            return
        if options["dry_run"]:
            self.stdout.write("Check only: nothing was written or recorded.")
        for line in outcome.lines():
            self.stdout.write(line)
        if outcome.failed:
            raise CommandError(
                f"{len(outcome.failed)} of {len(outcome.fetches)} metrics could not be fetched."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Fetched {len(outcome.fetches)} metric{'s' if len(outcome.fetches) != 1 else ''}"
                f": {outcome.written:,} values written."
            )
        )
