"""The report pack benchmark, for `make bench`: how long asking for a pack takes (the web
request), and how long making it takes and how much memory it needs.

The pack is made by `manage.py generate_report --force` in a process of its own, so that its
peak memory is its own; the child reports its peak resident set size itself, as the last line of
its standard error. Run against whatever database the caller has set up (DATABASE_URL).

    bench_pack("scrutiny-quarterly")  # -> {"seconds": …, "peak_rss_mb": …, "pages": …, …}
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent.parent
# The child: the management command, then its own peak RSS (Linux reports kilobytes).
CHILD = """
import json, resource, sys
import django
django.setup()
from django.core.management import call_command
call_command("generate_report", *sys.argv[1:])
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"peak_rss_mb": round(peak, 1)}), file=sys.stderr)
"""


def request_ms(schedule_code: str, period: str | None = None, runs: int = 20) -> float:
    """Median time of the performance team's "generate now" request (a new version each time,
    its row written and its message published, to a stubbed broker); the runs are then deleted.
    Needs the archive's URLs (reporting.archive_urls) and a performance team user."""
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from reporting.models import ReportRun, ReportSchedule
    from targets.models import CorporateRole, User

    schedule = ReportSchedule.objects.get(code=schedule_code)
    today = timezone.localdate()
    chosen = schedule.check_period(period, today) if period else schedule.recent_periods(today)[0]
    client = Client()
    team = User.objects.filter(corporate_role=CorporateRole.PERFORMANCE).order_by("pk").first()
    assert team is not None, "The bench needs a performance team user."
    client.force_login(team)
    url = reverse("report_generate", args=[schedule.code])
    form = {f"{schedule.code}-period": chosen.code, f"{schedule.code}-force": "on"}
    before = set(ReportRun.objects.values_list("pk", flat=True))
    samples = []
    with mock.patch("reporting.tasks.run_report_task.apply_async"):
        for _ in range(runs):
            start = time.perf_counter()
            response = client.post(url, form)
            samples.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 302, response.status_code
    ReportRun.objects.exclude(pk__in=before).delete()
    samples.sort()
    return round(samples[len(samples) // 2], 2)


def bench_pack(schedule_code: str, period: str | None = None) -> dict[str, Any]:
    """Make a new version of the schedule's pack in a child process; its figures."""
    from reporting.models import ReportRun

    args = [schedule_code, "--force", *(["--period", period] if period else [])]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    # As in production: DEBUG off, so Django keeps no query log.
    env |= {"DEBUG": "0", "SECRET_KEY": env.get("SECRET_KEY") or "bench-only-not-secret"}
    # The PDFs go to a throwaway folder, never into the developer's media/, unless told.
    env.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="goldthread-bench-media-"))
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    child = json.loads(done.stderr.strip().splitlines()[-1])
    run = ReportRun.objects.filter(schedule__code=schedule_code).latest("finished_at")
    return {
        "schedule": schedule_code,
        "period": run.period,
        "measures": len((run.snapshot or {}).get("rows", [])),
        "pages": run.pages,
        "pdf_kb": round((run.pdf_bytes or 0) / 1024, 1),
        "seconds": round(seconds, 2),
        "make_seconds": run.seconds,
        "peak_rss_mb": child["peak_rss_mb"],
        "request_ms": request_ms(schedule_code, period),
    }
