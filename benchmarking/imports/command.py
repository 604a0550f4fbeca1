"""What the benchmarking import commands share: the file, --dry-run, and printing the report."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError

from benchmarking.imports.report import BenchmarkImportReport


class BenchmarkImportCommand(BaseCommand):
    """Open the file, run `run_import`, print the summary and the details.

    A file that cannot be imported writes nothing, lists every problem and exits with status 1;
    rows left out of an imported file are listed by reason and the exit status is 0.
    """

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="A CSV (UTF-8) or .xlsx file; the header is row 1.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check every row and report what would change, without writing anything.",
        )

    def run_import(
        self, stream: IO[bytes], *, path: Path, dry_run: bool, options: dict[str, Any]
    ) -> BenchmarkImportReport:
        raise NotImplementedError

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            stream = path.open("rb")
        except OSError as exc:
            raise CommandError(f"Cannot open {path}: {exc.strerror}") from None
        with stream:
            report = self.run_import(stream, path=path, dry_run=options["dry_run"], options=options)
        if not report.ok:
            raise CommandError("\n".join([report.summary, *report.lines(), *report.details()]))
        self.stdout.write(self.style.SUCCESS(report.summary))
        for line in report.details():
            self.stdout.write(line)
