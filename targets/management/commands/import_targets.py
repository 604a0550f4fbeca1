"""`python manage.py import_targets FILE [--dry-run] [--user USERNAME]`."""

from __future__ import annotations

from typing import IO, Any

from targets.imports import ImportReport, import_targets
from targets.imports.command import ImportCommand
from targets.models import User


class Command(ImportCommand):
    help = (
        "Set annual targets (or ranges) per financial year from a CSV or XLSX file with the "
        "columns measure, year, target (optional: lower, upper, period, note); a row with a "
        "period sets that period's profiled target. All or nothing."
    )

    def run_import(
        self, stream: IO[bytes], *, user: User | None, dry_run: bool, options: dict[str, Any]
    ) -> ImportReport:
        return import_targets(stream, user=user, dry_run=dry_run)
