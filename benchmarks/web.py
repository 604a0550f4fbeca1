"""The large council's pages, measured at 1× and 10× history, and the public page under load and
in a browser.

`run_size(m)` runs this module as its own process (`python -m benchmarks.web --multiplier m`)
against the size's scratch database, production-like (DEBUG off, `benchmarks.settings`), and
reads back its figures: server time through Django's test Client (no network), query counts,
HTML sizes and the JavaScript each page loads. `public_throughput(m)` serves the size's database
with Gunicorn as production runs it (config/gunicorn.py) on a free loopback port and loads
/public/ with wrk (50 connections, 10 s). `public_first_visit()` opens /public/ in headless
Chromium (Playwright), each time as a first visit (a new browser context: nothing cached), and
times it until the page is interactive.

On PostgreSQL the servers use Redis as their cache (`BENCH_REDIS_URL`, default
redis://127.0.0.1:6379/0), as production does, under a key prefix of the run's own that is
deleted afterwards; on SQLite, the embedded default, they use Django's memory cache.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
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
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from benchmarks import databases, large_council
from benchmarks.run import ROOT, timings

RUNS = 50  # timed requests per page, after WARM untimed ones
WARM = 3
UNCACHED_RUNS = 10
FIRST_VISITS = 5  # first visits to /public/ in Chromium
HOST = "127.0.0.1"  # the only allowed host: no setup_test_environment() to add "testserver"
WRK = ["-t2", "-c50", "-d10s", "--latency", "--timeout", "5s"]
WARM_UP = ["-t2", "-c50", "-d2s", "--timeout", "5s"]
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
GUNICORN_CONFIG = "config/gunicorn.py"  # production's settings, relative to the tree measured
# The pages of the large council measured by the child (BENCH_PAGES chooses among them).
PAGES = ("dashboard", "service_scorecard", "public", "public_measure", "public_data_csv")
# A cache key prefix of this run's own, so that a Redis shared with others is never flushed.
CACHE_PREFIX = os.environ.get("BENCH_CACHE_PREFIX") or f"goldthread-bench-{uuid.uuid4().hex[:8]}"


def redis_url() -> str | None:
    """The Redis the servers use on PostgreSQL, if one answers."""
    url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except Exception:
        return None
    return url


def bench_env(multiplier: int) -> dict[str, str]:
    """A production-like environment on the size's database (plain HTTP on loopback)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "DATABASE_URL": large_council.database_url(multiplier),
        "DEBUG": "0",
        "GOLDTHREAD_TESTING": "0",
        "SECRET_KEY": "bench-only-not-secret",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
        "BENCH_CACHE_PREFIX": CACHE_PREFIX,
    }
    for name in ("PYTEST_ADDOPTS", "CACHE_URL", "REDIS_URL"):
        env.pop(name, None)
    if databases.vendor() == "postgresql" and (url := redis_url()):
        env["CACHE_URL"] = url
    return env


def cache_name(env: dict[str, str]) -> str:
    return "redis" if env.get("CACHE_URL") else "memory"


def drop_cache_keys() -> None:
    """Delete this run's keys from Redis (nothing else's)."""
    url = redis_url()
    if databases.vendor() != "postgresql" or url is None:
        return
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match=f"{CACHE_PREFIX}:*", count=1000))
    for start in range(0, len(keys), 1000):
        client.delete(*keys[start : start + 1000])


def fresh() -> bool:
    """Regenerate the large councils even if their databases are fine (BENCH_FRESH=1)."""
    return os.environ.get("BENCH_FRESH", "") not in ("", "0")


def pages() -> list[str]:
    """The pages to measure: BENCH_PAGES (comma-separated names of PAGES), or all."""
    chosen = [p.strip() for p in os.environ.get("BENCH_PAGES", "").split(",") if p.strip()]
    unknown = sorted(set(chosen) - set(PAGES))
    if unknown:
        raise SystemExit(f"BENCH_PAGES: unknown {unknown}; choose among {list(PAGES)}")
    return chosen or list(PAGES)


# In make bench's process.


def ensure_size(multiplier: int) -> dict[str, Any]:
    """Build the council at this history depth unless its database is already one."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.large_council", "--multiplier", str(multiplier)]
        + (["--fresh"] if fresh() else []),
        env=bench_env(multiplier),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        timeout=1800,
        check=True,
    )
    built: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return built


def run_size(multiplier: int) -> dict[str, Any]:
    """Build (or reuse) the council at this history depth and measure its pages in a child."""
    command = [sys.executable, "-m", "benchmarks.web", "--multiplier", str(multiplier)]
    env = bench_env(multiplier)
    try:
        done = subprocess.run(
            [*command, *(["--fresh"] if fresh() else [])],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
            timeout=1800,
            check=True,
        )
    finally:
        drop_cache_keys()
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    figures["cache"] = cache_name(env)
    return figures


def large_council_1x() -> dict[str, Any]:
    return run_size(1)


def large_council_10x() -> dict[str, Any]:
    return run_size(10)


def gunicorn_options() -> list[str]:
    """Production's Gunicorn settings (config/gunicorn.py, as the Dockerfile runs it); a tree
    without that file (an older commit in make bench-compare) ran 2 sync workers."""
    if (ROOT / GUNICORN_CONFIG).exists():
        return ["--config", GUNICORN_CONFIG]
    return ["--workers", "2"]


def server_name(multiplier: int) -> str:
    if (ROOT / GUNICORN_CONFIG).exists():
        return f"gunicorn, {GUNICORN_CONFIG}, DEBUG off, {multiplier}x database"
    return f"gunicorn, 2 sync workers, DEBUG off, {multiplier}x database"


@contextlib.contextmanager
def serve(multiplier: int) -> Iterator[tuple[str, dict[str, str]]]:
    """Gunicorn as production runs it on the size's database at a free loopback port: its base
    URL."""
    ensure_size(multiplier)
    env = bench_env(multiplier)
    collect_static(env)
    address = f"127.0.0.1:{_free_port()}"
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi:application"]
            + [*gunicorn_options(), "--bind", address],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            _wait_until_up(f"http://{address}/public/", server, log)
            yield f"http://{address}", env
        finally:
            _stop(server)
            drop_cache_keys()


def public_throughput(multiplier: int) -> dict[str, Any]:
    """wrk against /public/ of the council served by Gunicorn as production runs it."""
    wrk = shutil.which("wrk")
    if wrk is None:
        print("  wrk is not installed (apt-get install wrk): throughput skipped.", flush=True)
        return {"skipped": "wrk not installed"}
    with serve(multiplier) as (base, env):
        url = f"{base}/public/"
        for _ in range(20):  # the workers build and cache the page before the clock starts
            _get(url)
        # Then two seconds at the same load, unmeasured: every worker's every thread opens its
        # connections to the database and Redis now, not in the run measured.
        subprocess.run([wrk, *WARM_UP, url], capture_output=True, timeout=60, check=True)
        load = os.getloadavg()[0]
        done = subprocess.run(
            [wrk, *WRK, url], capture_output=True, text=True, timeout=60, check=True
        )
    return {
        "server": server_name(multiplier),
        "cache": cache_name(env),
        "load": "wrk " + " ".join(WRK),
        "load_average_before": round(load, 2),  # wrk and both workers share the 2 cores
        **parse_wrk(done.stdout),
    }


def public_throughput_1x() -> dict[str, Any]:
    return public_throughput(1)


def public_throughput_10x() -> dict[str, Any]:
    return public_throughput(10)


# The first visit in a browser: until the page is interactive. Lighthouse's time to interactive,
# simplified: the later of DOMContentLoaded's end and the end of the last long task (a task of
# the main thread over 50 ms, which would delay a click) once the network and the main thread
# have been quiet for QUIET_MS.
QUIET_MS = 1000
LONG_TASKS = """
window.__longTasks = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    window.__longTasks.push([entry.startTime, entry.duration]);
  }
}).observe({type: "longtask", buffered: true});
"""
TIMINGS = """
() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  const tasks = window.__longTasks || [];
  const lastTask = tasks.reduce((end, [start, d]) => Math.max(end, start + d), 0);
  const scripts = performance.getEntriesByType("resource")
    .filter((r) => r.initiatorType === "script");
  return {
    first_contentful_paint_ms: paint ? paint.startTime : null,
    dom_content_loaded_ms: nav.domContentLoadedEventEnd,
    load_ms: nav.loadEventEnd,
    long_tasks: tasks.length,
    long_tasks_ms: tasks.reduce((sum, [, d]) => sum + d, 0),
    interactive_ms: Math.max(nav.domContentLoadedEventEnd, lastTask),
    html_bytes: nav.encodedBodySize,
    script_bytes: scripts.reduce((sum, r) => sum + r.encodedBodySize, 0),
    script_decoded_bytes: scripts.reduce((sum, r) => sum + r.decodedBodySize, 0),
    scripts: scripts.length,
  };
}
"""


def public_first_visit() -> dict[str, Any]:
    """First visits to /public/ (1x council, Gunicorn) in headless Chromium: median and worst."""
    if not CHROMIUM.exists():
        return {"skipped": f"no Chromium at {CHROMIUM} (apt-get install chromium)"}
    from playwright.sync_api import sync_playwright

    visits = []
    with serve(1) as (base, env), sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        try:
            _get(f"{base}/public/")  # the server's cache is warm; the browser's is not
            for _ in range(FIRST_VISITS):
                context = browser.new_context()  # a first visit: no cache, no cookies
                try:
                    page = context.new_page()
                    page.add_init_script(LONG_TASKS)
                    page.goto(f"{base}/public/", wait_until="networkidle", timeout=30_000)
                    _wait_quiet(page)
                    visits.append(page.evaluate(TIMINGS))
                finally:
                    context.close()
        finally:
            browser.close()
    visits.sort(key=lambda v: v["interactive_ms"])
    middle = visits[len(visits) // 2]
    return {
        "url": "/public/",
        "visits": len(visits),
        "browser": f"chromium {_chromium_version()}, headless, new context per visit",
        "server": server_name(1),
        "cache": cache_name(env),
        "interactive_ms": round(middle["interactive_ms"], 1),
        "interactive_max_ms": round(visits[-1]["interactive_ms"], 1),
        "median_visit": {k: round(v, 1) if isinstance(v, float) else v for k, v in middle.items()},
    }


def _wait_quiet(page: Any) -> None:
    """Wait until no long task has ended for QUIET_MS (at most 15 s)."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        idle = page.evaluate(
            "() => performance.now() - (window.__longTasks || [])"
            ".reduce((end, [s, d]) => Math.max(end, s + d), 0)"
        )
        if idle >= QUIET_MS:
            return
        page.wait_for_timeout(QUIET_MS - idle + 50)


def _chromium_version() -> str:
    try:
        done = subprocess.run(
            [str(CHROMIUM), "--version"], capture_output=True, text=True, timeout=20
        )
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    match = re.search(r"[\d.]+", done.stdout)
    return match[0] if match else "?"


def collect_static(env: dict[str, str]) -> None:
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
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if _get(url) == 200:
                return
        except OSError:
            time.sleep(0.2)
    log.seek(0)
    tail = log.read()[-3000:].decode(errors="replace")
    raise RuntimeError(f"Gunicorn did not serve {url} within 60 s:\n{tail}")


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

    _say(f"{multiplier}x council: {large_council.database_url(multiplier)}")
    built = large_council.ensure(multiplier=multiplier, fresh=regenerate)
    _say(f"{built['values']:,} values, " + ("reused" if built["reused"] else "built"))
    call_command("collectstatic", interactive=False, clear=True, verbosity=0)
    figures: dict[str, Any] = {"council": built}
    chosen = pages()
    # The dashboard goes first: its first render is that of a cold process.
    if "dashboard" in chosen:
        figures["dashboard"] = _internal_page("/")
    if "service_scorecard" in chosen:
        figures["service_scorecard"] = _internal_page("/services/svc00/")
    if "public" in chosen:
        figures["public"] = _public_page("/public/", runs=RUNS)
    if "public_measure" in chosen:
        figures["public_measure"] = _public_page("/public/measures/LC-0000/", runs=RUNS)
    if "public_data_csv" in chosen:
        figures["public_data_csv"] = _public_page("/public/data.csv", runs=30, uncached_runs=1)
    return figures


def _say(text: str) -> None:
    # stdout carries the figures back to make bench; progress goes to stderr.
    print(f"  {text}", file=sys.stderr, flush=True)


def clear_cache() -> None:
    """Empty the cache of the pages: this run's keys only (a Redis may be shared)."""
    from django.core.cache import cache
    from django.core.cache.backends.redis import RedisCache

    if isinstance(cache, RedisCache):
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{CACHE_PREFIX}:*", count=1000))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()
    try:  # the public outputs' copies in this process's memory, over Redis
        from reporting.public_cache import clear_local
    except ImportError:  # an older commit (make bench-compare) without them
        return
    clear_local()


_SCRIPT = re.compile(rb"<script\b[^>]*\bsrc=\"([^\"]+)\"", re.IGNORECASE)
_SIZES: dict[str, tuple[int, int]] = {}


def scripts_of(html: bytes) -> dict[str, Any]:
    """The JavaScript a page loads from our static files: bytes as stored and gzipped."""
    from django.conf import settings

    total = zipped = 0
    names = []
    for src in _SCRIPT.findall(html):
        path = src.decode().split("?", 1)[0]
        static = "/" + settings.STATIC_URL.strip("/") + "/"
        if not path.startswith(static):
            continue  # not ours (there should be none: the CSP allows only 'self')
        if path not in _SIZES:
            data = (Path(settings.STATIC_ROOT) / path.removeprefix(static)).read_bytes()
            _SIZES[path] = (len(data), len(gzip.compress(data, compresslevel=6)))
        total += _SIZES[path][0]
        zipped += _SIZES[path][1]
        names.append(Path(path).name)
    return {"js_bytes": total, "js_gzip_bytes": zipped, "scripts": names}


def _timed_page(url: str, get: Any, runs: int) -> dict[str, Any]:
    """First render (empty cache), renders with the cache emptied each time, then requests as
    they come (cached where the page caches), with the queries of each kind."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def uncached() -> None:
        clear_cache()
        get()

    clear_cache()
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = get()
        first_ms = round((time.perf_counter() - start) * 1000, 2)
    result: dict[str, Any] = {
        "url": url,
        "bytes": len(response.content),
        **scripts_of(response.content),
        "first_render": {"ms": first_ms, "queries": len(queries)},
    }
    result["uncached"] = timings(uncached, runs=UNCACHED_RUNS, warm=1)
    with CaptureQueriesContext(connection) as queries:
        uncached()
    result["uncached"]["queries"] = len(queries)
    get()  # back in the cache
    result.update(timings(get, runs=runs, warm=WARM))
    with CaptureQueriesContext(connection) as queries:
        get()
    result["queries"] = len(queries)
    return result


def _internal_page(url: str) -> dict[str, Any]:
    """A signed-in page as a CMT member sees it: first render, uncached and usual p50/p95."""
    from django.test import Client

    from targets.models import User

    client = Client(HTTP_HOST=HOST)
    client.force_login(User.objects.get(username="cmt"))
    # The session's first request writes its idle-timeout stamp (BEGIN, UPDATE, COMMIT), whatever
    # the page: made on another page, so that the first render counts the page's own queries.
    assert client.get("/services/").status_code == 200

    def get() -> Any:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    return _timed_page(url, get, RUNS)


def _public_page(url: str, *, runs: int, uncached_runs: int = UNCACHED_RUNS) -> dict[str, Any]:
    """An anonymous public page: its first render (empty cache), renders with the cache emptied
    each time, then cached requests (the fingerprint query, then the cache)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=HOST)

    def get() -> Any:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    if uncached_runs > 1:
        result = _timed_page(url, get, runs)
    else:  # a page too slow to render many times: its first render, then from the cache
        clear_cache()
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = get()
            first_ms = round((time.perf_counter() - start) * 1000, 2)
        result = {
            "url": url,
            "bytes": len(response.content),
            "first_render": {"ms": first_ms, "queries": len(queries)},
        }
        result.update(timings(get, runs=runs, warm=WARM))
        with CaptureQueriesContext(connection) as queries:
            get()
        result["queries"] = len(queries)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description="Measure one size of the large council.")
    parser.add_argument("--multiplier", type=int, required=True)
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = large_council.database_url(args.multiplier)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
    import django

    django.setup()
    try:
        from config.gc_tuning import tune_for_web
    except ImportError:  # an older commit (make bench-compare) without it: as its server ran
        pass
    else:
        tune_for_web()  # as config/wsgi.py does for the real server
    # No setup_test_environment(): its template instrumentation (a copy of every context for
    # the test Client) costs tens of milliseconds on a big page and no server pays it.
    figures = measure(args.multiplier, regenerate=args.fresh)
    print(json.dumps(figures), flush=True)


if __name__ == "__main__":
    main()
