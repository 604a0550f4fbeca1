"""`python manage.py generate_report SCHEDULE --period P [--force]`: one report run, by hand.

Idempotent per schedule and period: a second call prints the pack the first one made. `--force`
makes a new version. The pack is made in this process (no broker needed); the command prints
the path of the PDF.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reporting import services
from reporting.models import ReportRun, ReportSchedule, RunStatus
from targets.periods import PeriodError


class Command(BaseCommand):
    # Only the database's checks, as the import commands (targets/imports/command.py): the
    # others (URLs, templates, admin) import every view, which making a pack never uses, and
    # took about a twentieth of a large pack's time. The scheduler's worker runs no checks at
    # all; `manage.py check` and the server run every one.
    requires_system_checks = ["database", "models"]
    help = (
        "Make a schedule's report pack for a period (default: its last complete period) and "
        "print the path of its PDF. Running it again gives the same run unless --force."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("schedule", help="Schedule code, e.g. scrutiny-quarterly.")
        parser.add_argument(
            "--period",
            help="Period code of the schedule's frequency: 2026-10, 2026/27-B3, 2026/27-Q2.",
        )
        parser.add_argument(
            "--force", action="store_true", help="Make a new version even if one exists."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            schedule = ReportSchedule.objects.get(code=options["schedule"])
        except ReportSchedule.DoesNotExist:
            codes = ", ".join(ReportSchedule.objects.values_list("code", flat=True))
            raise CommandError(
                f"No report schedule {options['schedule']!r} (there are: {codes})."
            ) from None
        today = timezone.localdate()
        try:
            period = (
                schedule.check_period(options["period"], today)
                if options["period"]
                else schedule.recent_periods(today, 1)[0]
            )
        except PeriodError as exc:
            raise CommandError(str(exc)) from None
        requested = services.request_run(
            schedule=schedule, period=period, force=options["force"], dispatch=False
        )
        run = services.run_report(run_id=requested.run.pk)
        self._report(run, made=requested.created or run.attempts > requested.run.attempts)

    def _report(self, run: ReportRun, *, made: bool) -> None:
        if run.status == RunStatus.FAILED:
            raise CommandError(f"{run} failed: {run.error}")
        if run.status != RunStatus.DONE:
            raise CommandError(f"{run} is {run.get_status_display().lower()} in another worker.")
        if not made:
            self.stderr.write(f"{run} was already made; --force makes a new version.")
        else:
            self.stderr.write(
                f"{run}: {run.pages} pages, {run.get_pack_status_display().lower()}, "
                f"{run.summary_text}, in {run.seconds} s."
            )
            self.stderr.write(f"Board slides: {default_storage.path(run.pptx_name())}")
        self.stdout.write(default_storage.path(run.pdf.name or run.pdf_name()))
