"""`python manage.py import_groups FILE [--name NAME] [--from YEAR] [--dry-run]`."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import IO, Any

from django.core.management.base import CommandError

from benchmarking.imports import BenchmarkImportReport, import_groups
from benchmarking.imports.command import BenchmarkImportCommand
from targets import periods


class Command(BenchmarkImportCommand):
    help = (
        "Import comparator groups: nearest-neighbour rows authority_code,neighbour_code (one "
        "group per authority), or with --name one named group from a file with an area_code "
        "column. A changed membership becomes a new version from --from (default: the current "
        "financial year), so earlier years keep the group they were compared with."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--name",
            help="The named group's name; its slug is the name slugified (\"Trafford "
            'CIPFA 2024" -> trafford-cipfa-2024).',
        )
        parser.add_argument(
            "--from",
            dest="valid_from",
            metavar="YEAR",
            help="The first financial year this membership applies to, e.g. 2021/22; 'start' "
            "for the membership before any later version.",
        )

    def run_import(
        self, stream: IO[bytes], *, path: Path, dry_run: bool, options: dict[str, Any]
    ) -> BenchmarkImportReport:
        valid_from, from_start = None, options["valid_from"] == "start"
        if options["valid_from"] and not from_start:
            try:
                valid_from = periods.parse_financial_year(options["valid_from"])
            except periods.PeriodError as exc:
                raise CommandError(str(exc)) from None
        return import_groups(
            stream,
            name=options["name"],
            valid_from=valid_from,
            from_start=from_start,
            source=path.name,
            dry_run=dry_run,
        )
