"""The large council's pages, measured at 1× and 10× history, and the public page under load.

`run_size(m)` runs this module as its own process (`python -m benchmarks.web --multiplier m`)
against the size's SQLite file, production-like (DEBUG off, `benchmarks.settings`), and reads
back its figures: server time through Django's test Client (no network) and query counts.
`public_throughput(m)` serves the size's file with Gunicorn (2 workers) on a free loopback port
and loads /public/ with wrk (50 connections, 10 s).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from typing import IO, Any

from benchmarks import large_council
from benchmarks.run import ROOT, timings

RUNS = 50  # timed requests per page, after WARM untimed ones
WARM = 3
UNCACHED_RUNS = 10
# The targets of issue 4, part 6.
DASHBOARD_P95_MS = 100.0  # at 10x history
PUBLIC_P95_MS = 50.0
PUBLIC_REQUESTS_PER_S = 300.0
HOST = "127.0.0.1"  # the only allowed host: no setup_test_environment() to add "testserver"
WRK = ["-t2", "-c50", "-d10s", "--latency", "--timeout", "5s"]
# Figures of the cases run so far, for the targets case that follows them in cases.ALL.
MEASURED: dict[str, dict[str, Any]] = {}


def bench_env(multiplier: int) -> dict[str, str]:
    """A production-like environment on the size's database (plain HTTP on loopback)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "DATABASE_URL": f"sqlite:///{large_council.database_path(multiplier)}",
        "DEBUG": "0",
        "GOLDTHREAD_TESTING": "0",
        "SECRET_KEY": "bench-only-not-secret",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("PYTEST_ADDOPTS", None)
    return env


def fresh() -> bool:
    """Regenerate the large councils even if their files are fine (BENCH_FRESH=1)."""
    return os.environ.get("BENCH_FRESH", "") not in ("", "0")


# In make bench's process.


def run_size(multiplier: int) -> dict[str, Any]:
    """Build (or reuse) the council at this history depth and measure its pages in a child."""
    command = [sys.executable, "-m", "benchmarks.web", "--multiplier", str(multiplier)]
    done = subprocess.run(
        [*command, *(["--fresh"] if fresh() else [])],
        env=bench_env(multiplier),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        timeout=900,
        check=True,
    )
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    MEASURED[f"{multiplier}x"] = figures
    return figures


def large_council_1x() -> dict[str, Any]:
    return run_size(1)


def large_council_10x() -> dict[str, Any]:
    return run_size(10)


def public_throughput(multiplier: int) -> dict[str, Any]:
    """wrk against /public/ of the council served by Gunicorn with 2 workers."""
    wrk = shutil.which("wrk")
    if wrk is None:
        print("  wrk is not installed (apt-get install wrk): throughput skipped.", flush=True)
        return {"skipped": "wrk not installed"}
    if not large_council.database_path(multiplier).exists():
        return {"skipped": f"no {multiplier}x database: its large_council case builds it"}
    env = bench_env(multiplier)
    _collect_static(env)
    address = f"127.0.0.1:{_free_port()}"
    url = f"http://{address}/public/"
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi:application"]
            + ["--bind", address, "--workers", "2"],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            _wait_until_up(url, server, log)
            for _ in range(20):  # both workers build and cache the page before the clock starts
                _get(url)
            load = os.getloadavg()[0]
            done = subprocess.run(
                [wrk, *WRK, url], capture_output=True, text=True, timeout=60, check=True
            )
        finally:
            _stop(server)
    figures = {
        "server": f"gunicorn, 2 sync workers, DEBUG off, {multiplier}x database",
        "load": "wrk " + " ".join(WRK),
        "load_average_before": round(load, 2),  # wrk and both workers share the 2 cores
        **parse_wrk(done.stdout),
    }
    MEASURED[f"throughput_{multiplier}x"] = figures
    return figures


def public_throughput_1x() -> dict[str, Any]:
    return public_throughput(1)


def public_throughput_10x() -> dict[str, Any]:
    return public_throughput(10)


def large_council_targets() -> dict[str, Any]:
    """The issue's targets against the figures the cases before this one measured."""
    one, ten = MEASURED.get("1x"), MEASURED.get("10x")
    if one is None or ten is None:
        return {"skipped": "the large_council_1x and large_council_10x cases did not run"}
    rate = MEASURED.get("throughput_1x", {}).get("requests_per_s")
    queries = [one["dashboard"]["queries"], ten["dashboard"]["queries"]]
    return {
        "dashboard_p95_ms_at_10x": _check(ten["dashboard"]["p95_ms"], DASHBOARD_P95_MS),
        "dashboard_queries_1x_10x": {
            "figure": queries,
            "target": "identical",
            "met": queries[0] == queries[1],
        },
        "public_cached_p95_ms_at_1x": _check(one["public"]["cached"]["p95_ms"], PUBLIC_P95_MS),
        "public_cached_p95_ms_at_10x": _check(ten["public"]["cached"]["p95_ms"], PUBLIC_P95_MS),
        "public_requests_per_s_at_1x": _check(rate, PUBLIC_REQUESTS_PER_S, at_least=True),
    }


def _check(figure: float | None, limit: float, *, at_least: bool = False) -> dict[str, Any]:
    met = None if figure is None else (figure >= limit if at_least else figure <= limit)
    return {"figure": figure, "target": f"{'>=' if at_least else '<='} {limit:g}", "met": met}


def _collect_static(env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--clear", "-v0"],
        env=env,
        cwd=ROOT,
        check=True,
        timeout=120,
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _get(url: str) -> int:
    with urllib.request.urlopen(url, timeout=10) as response:  # loopback only
        response.read()
        status: int = response.status
        return status


def _wait_until_up(url: str, server: subprocess.Popen[bytes], log: IO[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if _get(url) == 200:
                return
        except OSError:
            time.sleep(0.2)
    log.seek(0)
    tail = log.read()[-3000:].decode(errors="replace")
    raise RuntimeError(f"Gunicorn did not serve {url} within 30 s:\n{tail}")


def _stop(server: subprocess.Popen[bytes]) -> None:
    """Stop Gunicorn (its master stops its workers); kill its process group if it hangs."""
    if server.poll() is None:
        server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=5)


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return round(float(number) * _UNITS_MS[unit], 2)


def parse_wrk(output: str) -> dict[str, Any]:
    """Requests/s, latency (average, percentiles, max) and errors from wrk --latency output."""
    figures: dict[str, Any] = {}
    if match := re.search(r"Requests/sec:\s+([\d.]+)", output):
        figures["requests_per_s"] = round(float(match[1]), 1)
    if match := re.search(r"(\d+) requests in ([\d.]+\w+)", output):
        figures["requests"] = int(match[1])
        figures["duration_s"] = round(_ms(match[2]) / 1000, 2)
    if match := re.search(r"Latency\s+([\d.]+\w+)\s+([\d.]+\w+)\s+([\d.]+\w+)", output):
        figures["latency_avg_ms"] = _ms(match[1])
        figures["latency_stdev_ms"] = _ms(match[2])
        figures["latency_max_ms"] = _ms(match[3])
    for share, figure in re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+\w+)", output, re.MULTILINE):
        figures[f"latency_p{share}_ms"] = _ms(figure)
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        figures["non_2xx_3xx"] = int(match[1])
    if match := re.search(r"Socket errors: (.*)", output):
        figures["socket_errors"] = match[1].strip()
    return figures


# In the child process, set up on one size's database.


def measure(multiplier: int, *, regenerate: bool) -> dict[str, Any]:
    from django.core.management import call_command

    _say(f"{multiplier}x council: {large_council.database_path(multiplier)}")
    built = large_council.ensure(multiplier=multiplier, fresh=regenerate)
    _say(f"{built['values']:,} values, " + ("reused" if built["reused"] else "built"))
    call_command("collectstatic", interactive=False, clear=True, verbosity=0)
    return {
        "council": built,
        "dashboard": _internal_page("/"),
        "service_scorecard": _internal_page("/services/svc00/"),
        "public": _public_page("/public/", runs=RUNS),
        "public_data_csv": _public_page("/public/data.csv", runs=30, uncached_runs=1),
    }


def _say(text: str) -> None:
    # stdout carries the figures back to make bench; progress goes to stderr.
    print(f"  {text}", file=sys.stderr, flush=True)


def _internal_page(url: str) -> dict[str, Any]:
    """A signed-in page as a CMT member sees it: p50/p95 and queries of one request."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from targets.models import User

    client = Client(HTTP_HOST=HOST)
    client.force_login(User.objects.get(username="cmt"))

    def get() -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    result = {"url": url, **timings(get, runs=RUNS, warm=WARM)}
    with CaptureQueriesContext(connection) as queries:
        get()
    result["queries"] = len(queries)
    return result


def _public_page(url: str, *, runs: int, uncached_runs: int = UNCACHED_RUNS) -> dict[str, Any]:
    """An anonymous public page: its first render (cold process, empty cache), renders with
    the cache emptied each time, then cached requests (the fingerprint query, then the cache)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=HOST)
    size = 0

    def get() -> None:
        nonlocal size
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        size = len(response.content)

    def uncached() -> None:
        cache.clear()
        get()

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        get()
        first_ms = round((time.perf_counter() - start) * 1000, 2)
    result: dict[str, Any] = {
        "url": url,
        "bytes": size,
        "first_render": {"ms": first_ms, "queries": len(queries)},
    }
    if uncached_runs > 1:
        result["uncached"] = timings(uncached, runs=uncached_runs, warm=1)
    get()  # back in the cache
    result["cached"] = timings(get, runs=runs, warm=WARM)
    with CaptureQueriesContext(connection) as queries:
        get()
    result["cached"]["queries"] = len(queries)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description="Measure one size of the large council.")
    parser.add_argument("--multiplier", type=int, required=True)
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = f"sqlite:///{large_council.database_path(args.multiplier)}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
    import django

    from config.gc_tuning import tune_for_web

    django.setup()
    tune_for_web()  # as config/wsgi.py does for the real server
    # No setup_test_environment(): its template instrumentation (a copy of every context for
    # the test Client) costs tens of milliseconds on a big page and no server pays it.
    figures = measure(args.multiplier, regenerate=args.fresh)
    print(json.dumps(figures), flush=True)


if __name__ == "__main__":
    main()
