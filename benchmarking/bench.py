"""Benchmarking at national scale, for `make bench`: 300 authorities × 500 metrics × 10 years
(1.5 M values) imported with `import_benchmarks`, then the position API timed.

`bench(database_url=…)` runs in make bench's process and starts three children on the scratch
database it is given (an empty SQLite file or PostgreSQL database made by the harness,
benchmarks/databases.py), as `python -m benchmarking.bench STEP`, production-like (DEBUG off):

- `prepare`: the schema, the authorities with their nearest-neighbour groups, and the 500
  metric files written to a scratch folder (not timed as the import);
- `import`: the 500 files through the import, timed, in a process of its own so that its peak
  memory is the import's; then 50 of them again (an upsert that changes nothing);
- `positions`: the position API through Django's test Client (no network): p50/p95 over
  nearest-neighbour, type and all-authority comparisons, with the queries per request.

Each child prints its figures as the last line of its output, in JSON.
"""

from __future__ import annotations

import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
AUTHORITIES = 300
METRICS = 500
YEARS = 10
FIRST_YEAR = 2015
NEIGHBOURS = 16
REIMPORTED = 50
POSITION_RUNS = 300
TREND_RUNS = 60
WARM = 10
IMPORT_TARGET_S = 15.0  # issue 18
POSITION_P95_TARGET_MS = 50.0


def _scratch() -> Path:
    return Path(os.environ.get("BENCH_BENCHMARKING_DIR") or tempfile.gettempdir()) / (
        "goldthread-bench-benchmarking"
    )


def _env(database_url: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "GOLDTHREAD_TESTING": "0",
        "SECRET_KEY": "bench-only-not-secret",
        "ALLOWED_HOSTS": "testserver,127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("PYTEST_ADDOPTS", None)
    return env


def _child(step: str, database_url: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarking.bench", step],
        env=_env(database_url),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        timeout=1800,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def bench(*, database_url: str) -> dict[str, Any]:
    """Prepare, import and query the national table in an empty database; return the figures."""
    _scratch().mkdir(parents=True, exist_ok=True)
    prepared = _child("prepare", database_url)
    imported = _child("import", database_url)
    positions = _child("positions", database_url)
    return {
        "values": prepared["values"],
        "prepare_s": prepared["seconds"],
        **imported,
        **positions,
        "targets": {"import_s": IMPORT_TARGET_S, "position_p95_ms": POSITION_P95_TARGET_MS},
        "meets_targets": imported["import_s"] <= IMPORT_TARGET_S
        and positions["position"]["p95_ms"] <= POSITION_P95_TARGET_MS,
    }


# In the children.


def _setup() -> None:
    import django

    # Static files are not collected for the API alone.
    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()


def _codes() -> list[str]:
    # Shire districts and unitaries, as E07…/E06… codes.
    return [f"E07{n:06d}" if n < 200 else f"E06{n:06d}" for n in range(AUTHORITIES)]


def prepare() -> dict[str, Any]:
    started = time.perf_counter()
    folder = _scratch()
    _setup()
    from django.core.management import call_command

    from benchmarking.models import Authority, ComparatorGroup, GroupVersion
    from targets.models import CorporateRole, User

    call_command("migrate", verbosity=0)
    codes = _codes()
    Authority.objects.bulk_create(
        Authority(
            code=code,
            name=f"Authority {i}",
            type="NMD" if i < 200 else "UA",
            type_name="Non-metropolitan district" if i < 200 else "Unitary authority",
            population=50_000 + 997 * i,
        )
        for i, code in enumerate(codes)
    )
    ids = dict(Authority.objects.values_list("code", "pk"))
    groups = ComparatorGroup.objects.bulk_create(
        ComparatorGroup(
            slug=f"nearest-{code.lower()}",
            name=f"Nearest neighbours of {code}",
            kind=ComparatorGroup.Kind.NEAREST,
            authority_id=ids[code],
        )
        for code in codes
    )
    versions = GroupVersion.objects.bulk_create(GroupVersion(group=g) for g in groups)
    through = GroupVersion.members.through
    rng = random.Random(20)
    through.objects.bulk_create(
        through(groupversion_id=v.pk, authority_id=ids[member])
        for v, code in zip(versions, codes, strict=True)
        for member in {code, *rng.sample(codes, NEIGHBOURS - 1)}
    )
    User.objects.create_user("bench", password="bench", corporate_role=CorporateRole.CMT)
    files = folder / "metrics"
    files.mkdir(exist_ok=True)
    for m in range(METRICS):
        lines = ["area_code,area_name,period,value"]
        for year in range(FIRST_YEAR, FIRST_YEAR + YEARS):
            period = f"{year}/{(year + 1) % 100:02d}"
            lines += [
                f"{code},Authority {i},{period},{rng.uniform(5, 95):.1f}"
                for i, code in enumerate(codes)
            ]
        (files / f"M{m:03d}.csv").write_text("\n".join(lines) + "\n")
    return {
        "values": AUTHORITIES * METRICS * YEARS,
        "seconds": round(time.perf_counter() - started, 1),
    }


def _import_all(names: list[Path]) -> tuple[float, dict[str, int]]:
    from benchmarking.imports import MetricSpec, import_benchmarks

    totals = {"written": 0, "unchanged": 0}
    started = time.perf_counter()
    for path in names:
        with path.open("rb") as stream:
            report = import_benchmarks(
                stream, MetricSpec(path.stem, title=f"Metric {path.stem}", decimals=1)
            )
        if not report.ok:
            raise RuntimeError(f"{path.name}: {report.summary}")
        totals["written"] += report.written
        totals["unchanged"] += report.unchanged
    return time.perf_counter() - started, totals


def _database_cpu() -> float | None:
    """CPU seconds of this connection's PostgreSQL backend so far, when it runs on this machine
    (None on SQLite, which runs in the process, or for a server elsewhere)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def import_step() -> dict[str, Any]:
    _setup()
    names = sorted((_scratch() / "metrics").glob("M*.csv"))
    database_before = _database_cpu()
    cpu = time.process_time()
    seconds, totals = _import_all(names)
    cpu = time.process_time() - cpu
    database_after = _database_cpu()
    again, unchanged = _import_all(names[:REIMPORTED])
    return {
        "import_s": round(seconds, 1),
        # On a busy machine the wall-clock time is mostly waiting: these say what the import
        # itself costs (the server's share on PostgreSQL, when it runs here).
        "import_cpu_s": round(cpu, 1),
        "import_database_cpu_s": None
        if database_before is None or database_after is None
        else round(database_after - database_before, 1),
        "import_values_per_s": round(totals["written"] / seconds),
        "import_written": totals["written"],
        "import_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "reimport_s_per_file": round(again / len(names[:REIMPORTED]), 3),
        "reimport_unchanged": unchanged["unchanged"],
        "reimport_written": unchanged["written"],
    }


def _timed(client: Any, urls: list[str]) -> tuple[dict[str, Any], int]:
    from django.db import connection

    for url in urls[:WARM]:
        client.get(url)
    queries = []

    def count(execute: Any, sql: str, *args: Any) -> Any:
        queries.append(sql)
        return execute(sql, *args)

    with connection.execute_wrapper(count):
        response = client.get(urls[0])
    assert response.status_code == 200, response.content[:300]
    samples = []
    for url in urls:
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.content[:300]
    samples.sort()
    figures = {
        "runs": len(samples),
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[max(0, int(len(samples) * 0.95) - 1)], 2),
        "max_ms": round(samples[-1], 2),
    }
    return figures, len(queries)


def positions_step() -> dict[str, Any]:
    _setup()
    from django.test import Client

    rng = random.Random(7)
    codes = _codes()
    groups = ["nearest"] * 4 + ["type:NMD", "type:UA", "all"]

    def position_url() -> str:
        year = rng.randrange(FIRST_YEAR, FIRST_YEAR + YEARS)
        return (
            f"/api/v1/benchmarks/position/?metric=M{rng.randrange(METRICS):03d}"
            f"&period={year}/{(year + 1) % 100:02d}&area={rng.choice(codes)}"
            f"&group={rng.choice(groups)}"
        )

    def trend_url() -> str:
        return (
            f"/api/v1/benchmarks/trend/?metric=M{rng.randrange(METRICS):03d}"
            f"&area={rng.choice(codes)}&group=nearest"
        )

    client = Client()
    assert client.login(username="bench", password="bench")
    position, position_queries = _timed(client, [position_url() for _ in range(POSITION_RUNS)])
    trend, trend_queries = _timed(client, [trend_url() for _ in range(TREND_RUNS)])
    return {
        "position": {**position, "queries": position_queries},
        "trend_nearest": {**trend, "queries": trend_queries},
    }


STEPS = {"prepare": prepare, "import": import_step, "positions": positions_step}

if __name__ == "__main__":
    print(json.dumps(STEPS[sys.argv[1]]()), flush=True)
