"""What the three import commands share: the file, --dry-run, --user, and printing the report."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError

from targets.imports.report import ImportReport
from targets.models import User


class ImportCommand(BaseCommand):
    """Parse the arguments, open the file, run `run_import`, print the report.

    Any bad row means nothing is written, every problem is listed, and the exit status is 1.
    Only the database checks run first: the project's other system checks (URLs, templates,
    admin) import every view, which a data load never uses and which took a tenth of a large
    import's time; `manage.py check` and the server run them all.
    """

    requires_system_checks = ["database", "models"]

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="A CSV (UTF-8) or .xlsx file; the header is row 1.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check every row and report what would change, without writing anything.",
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="Who the changes are recorded against in the audit trail (normally a member "
            "of the performance team), with that person's rights; default: the system.",
        )

    def run_import(
        self, stream: IO[bytes], *, user: User | None, dry_run: bool, options: dict[str, Any]
    ) -> ImportReport:
        raise NotImplementedError

    def handle(self, *args: Any, **options: Any) -> None:
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"Unknown user {options['user']}")
        path = Path(options["file"])
        try:
            stream = path.open("rb")
        except OSError as exc:
            raise CommandError(f"Cannot open {path}: {exc.strerror}") from None
        with stream:
            report = self.run_import(stream, user=user, dry_run=options["dry_run"], options=options)
        if not report.ok:
            raise CommandError("\n".join([report.summary, *report.lines()]))
        self.stdout.write(self.style.SUCCESS(report.summary))
        for note in report.notes:
            self.stdout.write(note)
        if report.batch:
            self.stdout.write(f"Audit trail batch: {report.batch}")
