"""The demo council's report packs: the latest pack of each active schedule, so that every role
finds something to open on its first visit (the scrutiny panel its quarterly pack, the public
the packs listed at /reports/public/).

Each pack is made through the real run path (`services.request_run` then `services.run_report`),
in this process, for the period the scheduler would make now (`ReportSchedule.due_period`), so
beat's first sweep finds it made and does not make it again. The scrutiny panel's quarterly
report goes to a public committee, so the demo makes its schedule public (published values only,
as every pack scrutiny may download).

Rendering takes a few seconds; `settings.DEMO_REPORT_PACKS` (off in the tests, which load the demo
in many places) skips it. Safe to run again: a schedule's run for the period is made once.
"""

from __future__ import annotations

import time
from typing import TextIO

from django.conf import settings
from django.utils import timezone

from reporting import services
from reporting.models import ReportSchedule, RunStatus

PUBLIC_SCHEDULE = "scrutiny-quarterly"


def load(*, stdout: TextIO) -> None:
    if not getattr(settings, "DEMO_REPORT_PACKS", True):
        stdout.write("  Report packs: skipped (DEMO_REPORT_PACKS is off).\n")
        return
    ReportSchedule.objects.filter(code=PUBLIC_SCHEDULE, is_public=False).update(is_public=True)
    today = timezone.localdate()
    made = []
    for schedule in ReportSchedule.objects.filter(is_active=True).order_by("pk"):
        started = time.perf_counter()
        period = schedule.due_period(today)
        requested = services.request_run(schedule=schedule, period=period, dispatch=False)
        run = services.run_report(run_id=requested.run.pk, today=today)
        seconds = time.perf_counter() - started
        if run.status != RunStatus.DONE:
            stdout.write(f"  Report packs: {run} is {run.status}: {run.error}\n")
            continue
        if requested.created:
            made.append(f"{run} ({run.pages} pages, {seconds:.1f} s)")
    listed = "; ".join(made) if made else "none, they were already made"
    stdout.write(f"  Report packs made: {listed}.\n")
