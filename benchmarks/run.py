"""`make bench`: speed and memory of the hot paths, on SQLite or on PostgreSQL.

    make bench                                   # SQLite
    make bench DATABASE_URL=postgres://…/gt      # PostgreSQL (scratch databases gt_bench_*)
    make bench BENCH_CASES=dashboard,import      # a subset (names, aliases or patterns)
    make bench-compare REF=<commit>              # the same cases for another commit, side by side

The database is the one DATABASE_URL names (its server: see benchmarks/databases.py), SQLite
otherwise; the results record which, with its version and the machine's load. A full run writes
bench-results/latest-<database>.json and refreshes the README's table; a subset writes
bench-results/subset-<database>.json (or BENCH_OUT). Figures are wall-clock on this machine:
compare runs made on the same machine only, by their ratios (make bench-compare).

The demo council's cases share one scratch database loaded with the demo; the large council's
and the imports' cases run in their own processes on their own scratch databases, built on the
first run and reused while they have the right shape: `--fresh` (or BENCH_FRESH=1) builds the
large councils again.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench-results"


def _setup(*, load_demo: bool) -> None:
    from benchmarks import databases

    databases.server_url()  # remembered for the children before DATABASE_URL changes
    os.environ["DATABASE_URL"] = (
        databases.reset("demo") if load_demo else databases.ensure_exists("demo")
    )
    os.environ.setdefault("DEBUG", "1")
    # The demo's report packs are not measured here, and would go to the developer's media/.
    os.environ.setdefault("DEMO_REPORT_PACKS", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    if not load_demo:
        return
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


_OUTPUTS = (":(exclude)bench-results", ":(exclude)README.md")


def _code() -> dict[str, Any]:
    """Which commit's code ran (make bench-compare passes the other commit's in BENCH_COMMIT)."""
    import targets

    code: dict[str, Any] = {"root": str(Path(targets.__file__).resolve().parent.parent)}
    if os.environ.get("BENCH_COMMIT"):
        return {**code, "commit": os.environ["BENCH_COMMIT"], "dirty": False}
    git = ["git", "-C", str(ROOT)]
    try:
        commit = subprocess.run(
            [*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        status = subprocess.run(
            # The bench's own outputs (results, README's table) are not the code measured.
            [*git, "status", "--porcelain", "--untracked-files=no", "--", ".", *_OUTPUTS],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return code
    return {**code, "commit": commit, "dirty": bool(status.strip())}


def output_path(vendor: str, *, full: bool) -> Path:
    if os.environ.get("BENCH_OUT"):
        return Path(os.environ["BENCH_OUT"])
    return RESULTS / (f"latest-{vendor}.json" if full else f"subset-{vendor}.json")


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the benchmarks.")
    parser.add_argument(
        "--fresh", action="store_true", help="build the large councils again (BENCH_FRESH=1)"
    )
    parser.add_argument(
        "--cases",
        default=os.environ.get("BENCH_CASES", ""),
        help="comma-separated case names, aliases or patterns (BENCH_CASES); default all",
    )
    parser.add_argument("--list", action="store_true", help="list the cases and aliases")
    args = parser.parse_args()
    from benchmarks import databases, selection

    if args.list:
        print(selection.describe())
        return
    if args.fresh:
        os.environ["BENCH_FRESH"] = "1"
    chosen = selection.choose(args.cases)
    full = chosen.full and not os.environ.get("BENCH_PAGES")
    if chosen.pages and not os.environ.get("BENCH_PAGES"):
        os.environ["BENCH_PAGES"] = ",".join(chosen.pages)
    vendor = databases.vendor()
    print(f"make bench on {vendor}: {', '.join(chosen.cases)}", flush=True)
    _setup(load_demo=any(name in selection.DEMO_CASES for name in chosen.cases))
    from benchmarks import cases, targets

    results: dict[str, Any] = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            **databases.describe(),
            # Other work on the machine skews every figure: compare runs with a low load only.
            "load_average_at_start": _load(),
        },
        "code": _code(),
        "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "cases": list(chosen.cases),
        "pages": os.environ.get("BENCH_PAGES", ""),
    }
    failed = []
    for name in chosen.cases:
        print(f"- {name} …", flush=True)
        started = time.perf_counter()
        try:
            results[name] = cases.ALL[name]()
        except Exception as exc:  # recorded, and the other cases still run
            traceback.print_exc()
            results[name] = {"error": f"{type(exc).__name__}: {exc}"[:1000]}
            failed.append(name)
        results[name]["case_seconds"] = round(time.perf_counter() - started, 1)
        print(f"  {json.dumps(results[name])}", flush=True)
    results["targets"] = targets.evaluate(results)
    results["machine"]["load_average_at_end"] = _load()
    results["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    out = output_path(vendor, full=full)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(targets.report(results["targets"]))
    print(f"Written to {out}")
    if full and not os.environ.get("BENCH_OUT"):
        from benchmarks import table

        table.update_readme()
        print("README.md's table of the latest figures updated.")
    if failed:
        print(f"Cases that failed: {', '.join(failed)}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
