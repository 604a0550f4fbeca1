"""`manage.py backup [--output PATH]`: a consistent copy of the whole database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from config.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database: pg_dump's custom format on PostgreSQL, a SQLite file on SQLite. "
        "Prints the backup's path."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            help="where to write it (default: BACKUP_DIR/goldthread-YYYYMMDD-HHMMSS.dump|sqlite3)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            path = backup(options["output"])
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        size = path.stat().st_size
        self.stdout.write(f"{path} ({size:,} bytes)")
