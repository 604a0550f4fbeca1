"""`python manage.py import_complaints FILE [--dry-run] [--user U]`: the CRM's export."""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from feedback.imports import import_complaints
from targets.imports.command import ImportCommand
from targets.imports.report import ImportReport
from targets.models import User


class Command(ImportCommand):
    help = (
        "Import the CRM's export of complaints and compliments (reference, service, received, "
        "due, responded, stage, outcome, kind): all or nothing, an upsert by reference; then "
        "recompute the measures derived from them as draft values."
    )

    def run_import(
        self, stream: IO[bytes], *, user: User | None, dry_run: bool, options: dict[str, Any]
    ) -> ImportReport:
        report = import_complaints(
            stream, file_name=Path(options["file"]).name, user=user, dry_run=dry_run
        )
        if report.ok:
            for line in report.details():
                self.stdout.write(line)
        return report
