"""`python manage.py import_authorities FILE [--dry-run]`."""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from benchmarking.imports import BenchmarkImportReport, import_authorities
from benchmarking.imports.command import BenchmarkImportCommand


class Command(BenchmarkImportCommand):
    help = (
        "Add or update UK local authorities from the register (mySociety's "
        "uk_local_authorities.csv: gss-code, nice-name, local-authority-type, region, nation, "
        "pop-2020, current-authority), by ONS code. Rows without an ONS code are skipped."
    )

    def run_import(
        self, stream: IO[bytes], *, path: Path, dry_run: bool, options: dict[str, Any]
    ) -> BenchmarkImportReport:
        return import_authorities(stream, dry_run=dry_run)
