"""`python manage.py import_benchmarks FILE --metric CODE [--title … --polarity up|down
--decimals N --unit U --source S --measure CODE --where COLUMN=VALUE] [--dry-run]`."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import IO, Any

from django.core.management.base import CommandError

from benchmarking.imports import BenchmarkImportReport, MetricSpec, import_benchmarks
from benchmarking.imports.command import BenchmarkImportCommand
from benchmarking.models import Metric
from targets.models import Measure


class Command(BenchmarkImportCommand):
    help = (
        "Import one benchmark metric's values from a long CSV or XLSX file with the columns "
        "area_code, period, value (area_name and other columns ignored). Missing values (NA, "
        "empty) are skipped and counted; calendar years and areas outside the register are "
        "reported and left out. Importing the same file again changes nothing."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--metric", required=True, metavar="CODE", help="e.g. ENV18.")
        parser.add_argument("--title", help="The metric's title (required to create it).")
        parser.add_argument("--polarity", choices=Metric.Polarity.values)
        parser.add_argument("--decimals", type=int, choices=range(7), metavar="N")
        parser.add_argument("--unit", choices=Measure.Unit.values)
        parser.add_argument("--source", choices=Metric.Source.values)
        parser.add_argument("--measure", metavar="CODE", help="Link the metric to our measure.")
        parser.add_argument(
            "--where",
            action="append",
            default=[],
            metavar="COLUMN=VALUE",
            help="Import only the rows whose COLUMN is VALUE, e.g. --where measure=Percentage "
            "for a file holding more than one series. May be repeated.",
        )

    def run_import(
        self, stream: IO[bytes], *, path: Path, dry_run: bool, options: dict[str, Any]
    ) -> BenchmarkImportReport:
        where = {}
        for condition in options["where"]:
            column, sep, value = condition.partition("=")
            if not sep or not column.strip():
                raise CommandError(f"--where {condition}: expected COLUMN=VALUE")
            where[column.strip()] = value.strip()
        spec = MetricSpec(
            code=options["metric"].strip(),
            title=options["title"],
            polarity=options["polarity"],
            decimals=options["decimals"],
            unit=options["unit"],
            source=options["source"],
            measure=options["measure"],
            where=where,
        )
        return import_benchmarks(stream, spec, dry_run=dry_run)
