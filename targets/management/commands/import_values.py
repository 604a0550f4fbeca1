"""`python manage.py import_values FILE [--dry-run] [--publish] [--user USERNAME]`."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import IO, Any

from targets.imports import ImportReport, import_values
from targets.imports.command import ImportCommand
from targets.models import User


class Command(ImportCommand):
    help = (
        "Enter values from a CSV or XLSX file with the columns measure, period, value (optional: "
        "numerator, denominator, commentary, corrective_action, dq_flag, forecast, reason) as "
        "drafts, or with --publish as published values. All or nothing."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Import as published (a backfill of history); a value already published is "
            "restated (revision + 1, reason from the reason column or 'Imported restatement').",
        )

    def run_import(
        self, stream: IO[bytes], *, user: User | None, dry_run: bool, options: dict[str, Any]
    ) -> ImportReport:
        return import_values(stream, user=user, dry_run=dry_run, publish=options["publish"])
