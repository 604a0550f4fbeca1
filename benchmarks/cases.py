"""The benchmark cases: each returns a dict of figures."""

from __future__ import annotations

import io
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from benchmarks import databases, web
from benchmarks.run import timings
from targets import periods, rules
from targets.models import Measure, Service, User, Value


def rules_engine() -> dict[str, Any]:
    """RAG, direction of travel and year to date for one measure-period, pure Python."""
    target = rules.TargetSpec(value=Decimal("50"))
    figures = [
        rules.PeriodFigures(actual=Decimal(i), numerator=Decimal(i), denominator=Decimal(100))
        for i in range(40, 52)
    ]

    def once() -> None:
        for actual in range(1000):
            rules.rag_status(
                Decimal(actual) / 10,
                target,
                polarity="up",
                decimals=1,
                tolerance_pct=Decimal(5),
            )
            rules.direction_of_travel(Decimal(actual), Decimal(500), polarity="up", decimals=1)
            rules.year_to_date(figures, "ratio", scale=Decimal(100))

    result = timings(once, runs=10)
    result["note"] = "1,000 RAG + 1,000 direction + 1,000 year-to-date ratios per run"
    return result


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def home_page() -> dict[str, Any]:
    """The corporate home page (20 corporate measures) as CMT sees it."""
    client = _client("cmt")
    result = timings(lambda: client.get("/"), runs=30)
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    result["queries"] = len(queries)
    return result


def service_month_save() -> dict[str, Any]:
    """Saving one service-month of 20 values through the month grid (all or nothing)."""
    service = Service.objects.create(code="bench", name="Benchmark service")
    officer = User.objects.get(username="waste-officer")
    measures = [
        Measure.objects.create(
            code=f"BCH-{i:02d}",
            title=f"Benchmark measure {i}",
            service=service,
            updater=officer,
            active_from=2020,
            tolerance_pct=Decimal(5),
        )
        for i in range(20)
    ]
    month = periods.latest_complete_period(timezone.localdate(), periods.Frequency.MONTHLY)
    client = _client("waste-officer")
    url = f"/services/bench/enter/?period={month.code}"
    counter = iter(range(10_000))

    def once() -> None:
        n = next(counter)
        with transaction.atomic():
            Value.objects.filter(measure__in=measures).delete()
        data: dict[str, object] = {"action": "submit"}
        for m in measures:
            data |= {
                f"{m.code}-version": 0,
                f"{m.code}-actual": str(50 + n % 7),
                f"{m.code}-commentary": "Benchmark.",
            }
        response = client.post(url, data)
        assert response.status_code == 302, response.content[:500]

    result = timings(once, runs=30)
    result["values_per_save"] = len(measures)
    return result


def import_100k_values() -> dict[str, Any]:
    """import_values of 100,000 new values (1,000 monthly measures x 100 months), CSV.

    Run as its own process so that its peak memory is its own. Its files are removed after.
    """
    with tempfile.TemporaryDirectory(prefix="goldthread-bench-") as folder:
        return _import_100k_values(Path(folder))


def _import_100k_values(folder: Path) -> dict[str, Any]:
    from django.core.management import call_command

    measures = folder / "measures.csv"
    lines = [
        "code,title,kind,service,priority,unit,decimals,polarity,frequency,aggregation,"
        "tolerance_pct,tolerance_abs,public,active_from"
    ]
    lines += [
        f"IMP-{i:04d},Imported measure {i},service,waste,,count,0,up,monthly,sum,5,,no,2017/18"
        for i in range(1000)
    ]
    measures.write_text("\n".join(lines) + "\n")
    call_command("import_measures", str(measures), stdout=io.StringIO())
    months = periods.last_n(periods.parse_period("2025-07"), 100)
    values = folder / "values.csv"
    with values.open("w") as out:
        out.write("measure,period,value,commentary\n")
        for i in range(1000):
            for n, month in enumerate(months):
                out.write(f"IMP-{i:04d},{month.code},{100 + (i + n) % 37},Imported from CorVu\n")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            _OWN_PEAK,
            "manage.py",
            "import_values",
            str(values),
            "--user",
            "performance",
        ],
        check=True,
        capture_output=True,
        text=True,
        # As in production: DEBUG off, so Django keeps no query log.
        env={**os.environ, "DEBUG": "0", "SECRET_KEY": "bench-only-not-secret"},
    )
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    rows = Value.objects.filter(measure__code__startswith="IMP-").count()
    return {
        "rows": rows,
        "seconds": round(seconds, 2),
        "cpu_s": round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 2),
        "peak_rss_mb": round(_peak_kb(done.stderr, after.ru_maxrss) / 1024, 1),
        "file_mb": round(values.stat().st_size / 1_048_576, 1),
    }


# Runs a script and writes its own peak memory (VmHWM) to stderr as it exits. The children's
# ru_maxrss cannot tell it: a child forked from the bench counts the bench's own memory as its
# peak until it execs, which is more than a lean import takes.
_OWN_PEAK = """
import atexit, runpy, sys

def _peak():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                sys.stderr.write(f"peak_kb={line.split()[1]}\\n")

atexit.register(_peak)
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def _peak_kb(stderr: str, fallback: int) -> int:
    """The child's own peak from its stderr; the children's largest where /proc is missing."""
    for line in reversed(stderr.splitlines()):
        if line.startswith("peak_kb="):
            return int(line.removeprefix("peak_kb="))
    return fallback


def scrutiny_pack_demo() -> dict[str, Any]:
    """The quarterly scrutiny pack of the demo council: PDF time, pages, peak memory."""
    from reporting.packs.bench import bench_pack

    return bench_pack("scrutiny-quarterly")


def scrutiny_pack_large() -> dict[str, Any]:
    """The quarterly scrutiny pack of the large council (800 measures), in its own process; its
    media folder is removed after."""
    web.ensure_size(1)
    with tempfile.TemporaryDirectory(prefix="goldthread-bench-media-") as media:
        return _scrutiny_pack_large(media)


def _scrutiny_pack_large(media: str) -> dict[str, Any]:
    import re

    env = {**web.bench_env(1), "MEDIA_ROOT": media}
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "manage.py", "generate_report", "scrutiny-quarterly", "--force"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    pdf = done.stdout.strip().splitlines()[-1]
    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
    pages = re.search(r"^Pages:\s+(\d+)", info, re.M)
    return {
        "seconds": round(seconds, 2),
        "pages": int(pages.group(1)) if pages else None,
        "peak_rss_mb": round(max(peak, before) / 1024, 1),
        "note": "peak is the largest child so far when the bench's earlier children were larger",
    }


def benchmarking_national() -> dict[str, Any]:
    """1.5 M benchmark values through import_benchmarks, then the position API."""
    from benchmarking import bench as benchmarking_bench

    return benchmarking_bench.bench(database_url=databases.reset("national"))


def complaints_import_100k() -> dict[str, Any]:
    """A CRM export of 100,000 complaints through import_complaints, twice."""
    from feedback import bench as feedback_bench

    return feedback_bench.bench(database_url=databases.reset("complaints"))


# Every case by its name; benchmarks.selection holds their order and the aliases.
ALL: dict[str, Callable[[], dict[str, Any]]] = {
    "rules_engine": rules_engine,
    "home_page": home_page,
    "service_month_save_20_values": service_month_save,
    "import_100k_values": import_100k_values,
    "scrutiny_pack_demo": scrutiny_pack_demo,
    # The large council (benchmarks/large_council.py), each size in its own process and database.
    "large_council_1x": web.large_council_1x,
    "large_council_10x": web.large_council_10x,
    "public_throughput_1x": web.public_throughput_1x,
    "public_throughput_10x": web.public_throughput_10x,
    "public_first_visit": web.public_first_visit,
    "scrutiny_pack_large": scrutiny_pack_large,
    "benchmarking_national": benchmarking_national,
    "complaints_import_100k": complaints_import_100k,
}
