"""`python manage.py import_measures FILE [--dry-run] [--user USERNAME]`."""

from __future__ import annotations

from typing import IO, Any

from targets.imports import ImportReport, import_measures
from targets.imports.command import ImportCommand
from targets.models import User


class Command(ImportCommand):
    help = (
        "Create or update measures by code from a CSV or XLSX file with the columns code, title, "
        "kind, service, priority, unit, decimals, polarity, frequency, aggregation, "
        "tolerance_pct, tolerance_abs, public (optional: definition, due_days, data_source, "
        "scrutiny, active_from, active_to, updater, approver). All or nothing."
    )

    def run_import(
        self, stream: IO[bytes], *, user: User | None, dry_run: bool, options: dict[str, Any]
    ) -> ImportReport:
        return import_measures(stream, user=user, dry_run=dry_run)
