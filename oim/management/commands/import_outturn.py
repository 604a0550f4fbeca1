"""`python manage.py import_outturn FILE --line 490 [--metric CODE] [--period 2017/18]
[--dry-run]`: a revenue outturn service line as a benchmark metric of spend per head."""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from django.core.management.base import CommandError

from benchmarking.imports import BenchmarkImportReport
from benchmarking.imports.command import BenchmarkImportCommand
from oim.outturn import OutturnError, import_per_head


class Command(BenchmarkImportCommand):
    help = (
        "Import one service line of DLUHC's revenue outturn (net current expenditure, £000, one "
        "column per line, authorities by 'ONS Code') as spending per head: × 1,000 ÷ the "
        "register's population. Needs the register of authorities (import_authorities) first."
    )

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.add_argument("--line", required=True, help="The line's number, e.g. 490.")
        parser.add_argument("--metric", metavar="CODE", help="Default: RO<line>-HEAD.")
        parser.add_argument("--period", default="2017/18", help="The outturn's financial year.")

    def run_import(
        self, stream: IO[bytes], *, path: Path, dry_run: bool, options: dict[str, Any]
    ) -> BenchmarkImportReport:
        try:
            report, left_out = import_per_head(
                stream,
                line=options["line"],
                code=options["metric"],
                period=options["period"],
                dry_run=dry_run,
            )
        except OutturnError as exc:
            raise CommandError(str(exc)) from None
        for reason, count in left_out.items():
            if count:
                self.stdout.write(f"{count} authorities left out: {reason}.")
        return report
