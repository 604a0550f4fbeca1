"""`make bench`: speed and memory of the hot paths, written to bench-results/latest.json.

Runs against its own SQLite database (or DATABASE_URL if set) loaded with the demo council, so it
never touches the developer's data. Figures are wall-clock on this machine; compare runs made on
the same machine only.

The large council's cases (benchmarks/web.py) run in their own processes on their own SQLite
files, built on the first run and reused while they have the right shape: `--fresh` (or
BENCH_FRESH=1) builds them again.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench-results" / "latest.json"


def _setup() -> None:
    if not os.environ.get("DATABASE_URL"):
        path = Path(tempfile.gettempdir()) / "goldthread-bench.sqlite3"
        path.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=io.StringIO())


def timings(fn: Callable[[], Any], runs: int, warm: int = 2) -> dict[str, Any]:
    for _ in range(warm):
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {
        "runs": runs,
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[max(0, int(len(samples) * 0.95) - 1)], 2),
        "max_ms": round(samples[-1], 2),
    }


def _load() -> list[float]:
    """The 1, 5 and 15 minute load averages."""
    return [round(x, 2) for x in os.getloadavg()]


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the benchmarks.")
    parser.add_argument(
        "--fresh", action="store_true", help="build the large councils again (BENCH_FRESH=1)"
    )
    if parser.parse_args().fresh:
        os.environ["BENCH_FRESH"] = "1"
    _setup()
    from benchmarks import cases

    results: dict[str, Any] = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "database": os.environ["DATABASE_URL"].split(":", 1)[0],
            # Other work on the machine skews every figure: compare runs with a low load only.
            "load_average_at_start": _load(),
        },
        "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    for name, case in cases.ALL:
        print(f"- {name} …", flush=True)
        results[name] = case()
        print(f"  {json.dumps(results[name])}", flush=True)
    results["machine"]["load_average_at_end"] = _load()
    results["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2) + "\n")
    print(f"Written to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
