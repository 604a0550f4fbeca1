"""The complaints import at scale, for `make bench`: a CRM export of 100,000 rows (40 services,
five years, extra columns, day-first dates) through `import_complaints`, then again (an upsert
that changes nothing), with two derived measures recomputed for every month it touches.

`bench(database_url=…)` runs in make bench's process and starts children on the empty scratch
database it is given (SQLite or PostgreSQL, made by benchmarks/databases.py), as
`python -m feedback.bench STEP FOLDER`, production-like (DEBUG off); each import runs in a
process of its own so that its peak memory is the import's. Each child prints its figures as the
last line of its output, in JSON.
"""

from __future__ import annotations

import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ROWS = 100_000
SERVICES = 40
YEARS = 5


def _env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-not-secret",
        "ALLOWED_HOSTS": "localhost",
    }


def _child(step: str, folder: Path, database_url: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "feedback.bench", step, str(folder)],
        cwd=ROOT,
        env=_env(database_url),
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def bench(*, database_url: str) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="goldthread-feedback-bench-"))
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"],
        cwd=ROOT,
        env=_env(database_url),
        check=True,
        capture_output=True,
    )
    prepared = _child("prepare", folder, database_url)
    first = _child("import", folder, database_url)
    again = _child("import", folder, database_url)
    return {"rows": prepared["rows"], "first_import": first, "reimport_unchanged": again}


def _setup() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()


def prepare(folder: Path) -> dict[str, Any]:
    """Services, two derived measures, and the export file (not timed)."""
    _setup()
    from django.utils import timezone

    from feedback.models import DerivedMeasure
    from targets.models import Measure, Priority, Service

    services = [
        Service.objects.create(code=f"svc-{i:02d}", name=f"Service {i:02d}")
        for i in range(SERVICES)
    ]
    priority = Priority.objects.create(number=5, name="An efficient and effective council")
    for code, figure, unit, aggregation in (
        ("CMP-1", "complaints", "count", "sum"),
        ("CMP-2", "on_time_pct", "percent", "ratio"),
    ):
        measure = Measure.objects.create(
            code=code,
            title=code,
            kind="corporate",
            priority=priority,
            service=services[0],
            unit=unit,
            aggregation=aggregation,
            polarity="none",
            active_from=2015,
        )
        DerivedMeasure.objects.create(measure=measure, figure=figure)
    rng = random.Random("goldthread-bench:complaints")
    today = timezone.localdate()
    days = 365 * YEARS
    with (folder / "export.csv").open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(
            [
                "Case",
                "Reference",
                "Kind",
                "Service",
                "Channel",
                "Received",
                "Due",
                "Responded",
                "Stage",
                "Outcome",
                "Officer",
            ]
        )
        for n in range(ROWS):
            received = today - timedelta(days=rng.randint(2, days))
            kind = "compliment" if n % 7 == 0 else "complaint"
            due = received + timedelta(days=14)
            responded = received + timedelta(days=rng.randint(1, 25))
            if responded >= today:
                responded = today - timedelta(days=1)
            writer.writerow(
                [
                    n,
                    f"REF-{n:07d}",
                    kind,
                    f"svc-{n % SERVICES:02d}",
                    "Phone",
                    f"{received:%d/%m/%Y}",
                    f"{due:%d/%m/%Y}" if kind == "complaint" else "",
                    f"{responded:%d/%m/%Y}" if kind == "complaint" else "",
                    "Stage 1" if n % 10 else "Stage 2",
                    "Upheld",
                    "J. Bloggs",
                ]
            )
    return {"rows": ROWS}


def run_import(folder: Path) -> dict[str, Any]:
    _setup()
    from feedback.imports import import_complaints

    started = time.perf_counter()
    with (folder / "export.csv").open("rb") as stream:
        report = import_complaints(stream, file_name="export.csv")
    seconds = time.perf_counter() - started
    if not report.ok:
        raise RuntimeError(report.summary)
    derived = report.derived
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "seconds": round(seconds, 2),
        # Wall-clock time depends on what else the machine runs; CPU time much less.
        "cpu_seconds_process": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "months": len(report.months),
        "derived_values_written": len(derived.written) if derived else 0,
    }


if __name__ == "__main__":
    step, where = sys.argv[1], Path(sys.argv[2])
    result = prepare(where) if step == "prepare" else run_import(where)
    print(json.dumps(result))
