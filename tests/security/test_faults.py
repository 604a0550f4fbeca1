"""Faults (issue 10, item 6): Redis stopped, and the database unreachable.

Redis: each test starts a `redis-server` of its own on a free port, without persistence (so a
restart loses whatever it held, as a crashed Redis would), and stops it at will. With it down,
pages keep serving (the cache fails open) and report requests are recorded; when it is back, the
scheduler's sweep and a real Celery worker make every requested pack exactly once.

Database: a plain 503 page with Retry-After, no stack trace, within two seconds, and the site
recovers by itself when the database returns (in process, and against a real server process).
"""

from __future__ import annotations

import contextlib
import importlib
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import redis
from bs4 import BeautifulSoup
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import OperationalError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from config.celery import app as celery_app
from reporting import services
from reporting.models import ReportRun, ReportSchedule, RunStatus
from targets.models import Measure, User, ValueStatus
from tests.conftest import client_for
from tests.reporting.test_runs import build_council

ROOT = Path(__file__).resolve().parents[2]
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RedisServer:
    """A redis-server of the test's own: no disk, its own port, started and stopped at will."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def sec_redis(tmp_path: Path) -> Iterator[RedisServer]:
    if not Path(REDIS_SERVER).exists():
        message = "fault tests need redis-server: apt-get install redis-server"
        if os.environ.get("CI") or os.environ.get("GOLDTHREAD_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def sec_redis_cache(sec_redis: RedisServer, settings: Any) -> RedisServer:
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": sec_redis.url(1),
            # As production sets them; and back at once, so the test need not wait.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "RETRY_AFTER": 0},
        }
    }
    return sec_redis


@pytest.fixture
def sec_today(time_machine: Any) -> None:
    time_machine.move_to(datetime(2026, 11, 26, 12, tzinfo=UTC), tick=True)


@pytest.fixture
def sec_council(waste: Any, housing: Any, priority: Any) -> dict[str, Measure]:
    council = build_council(waste, housing, priority)
    Measure.objects.filter(code="CP10").update(is_public=True)
    council["CP10"].values.update(status=ValueStatus.PUBLISHED)
    return council


def timed_get(client: Client, url: str) -> tuple[Any, float]:
    started = time.perf_counter()
    response = client.get(url)
    return response, time.perf_counter() - started


# --- Redis as the cache ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_pages_keep_serving_while_the_cache_is_down(
    sec_redis_cache: RedisServer, sec_council: dict[str, Measure], carol: User, sec_today: None
) -> None:
    staff = client_for(carol)
    pages = {
        "dashboard": (staff, reverse("home") + "?period=2026-09"),
        "service page": (staff, reverse("service_scorecard", args=["waste"])),
        "public page": (Client(), reverse("public_home")),
        "public measure": (Client(), reverse("public_measure", args=["CP10"])),
        "open data CSV": (Client(), reverse("public_data_csv")),
    }
    up = {name: client.get(url).content for name, (client, url) in pages.items()}
    stored = redis.Redis(port=sec_redis_cache.port, db=1).keys("*")
    assert stored, "with Redis up the pages are cached there"

    sec_redis_cache.stop()
    for name, (client, url) in pages.items():
        response, seconds = timed_get(client, url)
        print(f"Redis down: {name} answered {response.status_code} in {seconds * 1000:.0f} ms")
        assert response.status_code == 200, name
        assert seconds < 5, f"{name} hung for {seconds:.1f}s"
        if client is not staff:  # staff pages differ by their CSRF token
            assert response.content == up[name], name

    sec_redis_cache.start()  # an empty Redis: the cache fills again
    for name, (client, url) in pages.items():
        assert client.get(url).status_code == 200, name
    assert redis.Redis(port=sec_redis_cache.port, db=1).keys("*")


def test_cache_calls_fail_open_and_back_off(settings: Any) -> None:
    from config.cache import ResilientRedisCache

    closed = free_port()
    backend = ResilientRedisCache(
        f"redis://127.0.0.1:{closed}/0",
        {"OPTIONS": {"socket_connect_timeout": 0.5, "RETRY_AFTER": 30}},
    )
    assert backend.get("k", "fallback") == "fallback"
    backend.set("k", 1)
    assert backend.get_many(["a", "b"]) == {}
    assert backend.add("k", 1) is False
    assert backend.delete("k") is False
    assert backend.has_key("k") is False
    assert backend.set_many({"a": 1}) == ["a"]
    backend.delete_many(["a"])
    assert backend.clear() is False
    # Within RETRY_AFTER of a failure Redis is not tried at all.
    assert backend._down_until > time.monotonic() + 25
    started = time.perf_counter()
    for _ in range(1000):
        backend.get("k")
    assert time.perf_counter() - started < 0.5


# --- Redis as the broker: report runs -------------------------------------------------------------


@pytest.fixture
def sec_broker(
    sec_redis: RedisServer, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> RedisServer:
    """Celery publishing to the test's own Redis instead of running tasks in process."""
    conf = celery_app.conf
    monkeypatch.setitem(conf, "broker_url", sec_redis.url(0))
    monkeypatch.setitem(conf, "task_always_eager", False)
    monkeypatch.setitem(conf, "broker_connection_timeout", 0.5)
    monkeypatch.setitem(
        conf, "broker_transport_options", {"socket_connect_timeout": 0.5, "socket_timeout": 5}
    )
    # Forget connections made for another broker (pools are made once, on first use).
    monkeypatch.setattr(celery_app, "_pool", None)
    monkeypatch.setattr(celery_app.amqp, "_producer_pool", None)
    # Every waiting run is published again at the next sweep, whatever its age.
    settings.REPORT_RUN_REQUEUE_MINUTES = 0
    yield sec_redis
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()


class TasksFinished:
    """Counts the Celery tasks the in-process worker has finished (its `task_postrun` signal),
    so the test can wait for the worker without querying the database meanwhile: on SQLite the
    test database is a shared-cache in-memory one, where two threads touching the same table at
    once get "database table is locked" at once, with no busy wait, which production (a file,
    or PostgreSQL) never sees."""

    def __init__(self) -> None:
        self.count = 0
        self._changed = threading.Condition()

    def __enter__(self) -> TasksFinished:
        task_postrun.connect(self._finished, weak=False)
        return self

    def __exit__(self, *exc: object) -> None:
        task_postrun.disconnect(self._finished)

    def _finished(self, **kwargs: Any) -> None:
        with self._changed:
            self.count += 1
            self._changed.notify_all()

    def wait_for(self, tasks: int, seconds: float = 180) -> None:
        with self._changed:
            if not self._changed.wait_for(lambda: self.count >= tasks, timeout=seconds):
                raise AssertionError(f"{self.count} of {tasks} tasks finished in {seconds}s")


@pytest.fixture
def sec_schedules() -> None:
    """The four schedules the migration seeds: an earlier test with committed data (they empty
    every table afterwards) may have taken them away."""
    if not ReportSchedule.objects.exists():
        from django.apps import apps

        importlib.import_module("reporting.migrations.0002_seed_schedules").seed(apps, None)


# Committed data: the worker is another thread.
@pytest.mark.django_db(transaction=True)
def test_report_requests_survive_redis_down_and_run_exactly_once(
    sec_broker: RedisServer,
    sec_schedules: None,
    sec_council: dict[str, Measure],
    pat: User,
    settings: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    # Count the packs actually made, per run, in the worker.
    made: Counter[int] = Counter()
    make = services._make

    def counting_make(run: ReportRun, *, today: Any) -> None:
        made[run.pk] += 1
        make(run, today=today)

    monkeypatch.setattr(services, "_make", counting_make)
    today = timezone.localdate()

    # 1. Redis up, no worker yet: a run is published; then Redis dies and loses the message.
    monthly = ReportSchedule.objects.get(code="monthly-corporate")
    lost = services.request_run(schedule=monthly, period=monthly.due_period(today)).run
    assert redis.Redis(port=sec_broker.port).llen("celery") == 1
    sec_broker.stop()

    # 2. Redis down: the performance team asks for two packs; the pages answer at once.
    staff = client_for(pat)
    asked: list[int] = [lost.pk]
    for code in ("cmt-bimonthly", "ceb-quarterly"):
        schedule = ReportSchedule.objects.get(code=code)
        period = schedule.recent_periods(today)[1]
        started = time.perf_counter()
        response = staff.post(
            reverse("report_generate", args=[code]), {f"{code}-period": period.code}, follow=True
        )
        seconds = time.perf_counter() - started
        print(f"Redis down: 'generate now' for {code} answered in {seconds * 1000:.0f} ms")
        # A guard against a page waiting on the broker's connection retries, not a benchmark.
        assert response.status_code == 200 and seconds < 15
        message = BeautifulSoup(response.content, "html.parser").select_one(".messages")
        assert message and "requested" in message.get_text()
        run = ReportRun.objects.get(schedule=schedule, period=period.code)
        assert run.status == RunStatus.REQUESTED
        asked.append(run.pk)
    # The scheduler's sweep while Redis is still down: due runs recorded, nothing published.
    sweep = services.start_due_runs()
    assert sweep.published == 0
    everything = list(ReportRun.objects.values_list("pk", flat=True))
    assert set(asked) <= set(everything) and len(everything) >= 3
    assert set(ReportRun.objects.values_list("status", flat=True)) == {RunStatus.REQUESTED}

    # 3. Redis is back (empty: the first message is gone). Beat sweeps twice before a worker
    # has taken anything, so every run is published twice; then a worker starts and takes all.
    sec_broker.start()
    first = services.start_due_runs()
    second = services.start_due_runs()
    assert first.published == second.published == len(everything)
    print(f"Sweeps published {first.published} then {second.published} runs")
    with (
        TasksFinished() as finished,
        start_worker(celery_app, perform_ping_check=False, shutdown_timeout=120),
    ):
        finished.wait_for(first.published + second.published)
    assert redis.Redis(port=sec_broker.port).llen("celery") == 0

    # None lost, none duplicated: each run made once, one PDF each, no new versions.
    assert sorted(ReportRun.objects.values_list("pk", flat=True)) == sorted(everything)
    for run in ReportRun.objects.filter(pk__in=everything):
        assert run.status == RunStatus.DONE, run
        assert run.attempts == 1, (run, run.attempts)
        assert Path(settings.MEDIA_ROOT, run.pdf.name).stat().st_size > 1000
    assert made == Counter({pk: 1 for pk in everything})


# --- The database unreachable ---------------------------------------------------------------------


def database_down(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every new query fails as a database that refuses connections makes it fail."""

    def unreachable(self: BaseDatabaseWrapper) -> None:
        raise OperationalError('connection to server at "db" failed: Connection refused')

    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", unreachable)


def assert_plain_503(response: Any) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    soup = BeautifulSoup(body, "html.parser")
    assert soup.h1.get_text(strip=True) == "Sorry, the service is unavailable"
    for leak in ("Traceback", "OperationalError", "Connection refused", "django", 'File "'):
        assert leak not in body, leak


@pytest.mark.django_db
def test_database_down_while_loading_the_session_gives_a_plain_503(
    monkeypatch: pytest.MonkeyPatch, carol: User, settings: Any
) -> None:
    client = client_for(carol)
    client.raise_request_exception = False
    with monkeypatch.context() as patch:
        database_down(patch)
        for url in (reverse("home"), reverse("login"), reverse("public_home"), "/api/v1/measures/"):
            response, seconds = timed_get(client, url)
            print(
                f"Database down: {url} answered {response.status_code} in {seconds * 1000:.0f} ms"
            )
            assert_plain_503(response)
            assert seconds < 2
    # The database is back: the same client, the same session, no restart.
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_database_down_inside_a_view_gives_a_plain_503(
    monkeypatch: pytest.MonkeyPatch, carol: User
) -> None:
    from reporting import views

    def query(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("server closed the connection unexpectedly")

    client = client_for(carol)
    with monkeypatch.context() as patch:
        # The dashboard reads its scorecard through CachedScorecard (its HTML is cached).
        patch.setattr(views, "CachedScorecard", query)
        assert_plain_503(client.get(reverse("home")))
    assert client.get(reverse("home")).status_code == 200


def test_other_errors_are_not_dressed_up_as_503(rf: Any) -> None:
    from config.middleware import DatabaseUnavailableMiddleware

    middleware = DatabaseUnavailableMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]
    assert middleware.process_exception(rf.get("/"), ValueError("a bug")) is None


# A real server process, with the database taken away and given back without a restart.


class Gate:
    """A TCP relay to PostgreSQL that the test can close (connections cut, port refused) and
    open again, as a database server going down and coming back would."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self.listener: socket.socket | None = None
        self.links: list[socket.socket] = []

    def open(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def close(self) -> None:
        if self.listener is not None:
            # shutdown() first: on Linux a close() alone leaves a blocked accept() listening.
            with contextlib.suppress(OSError):
                self.listener.shutdown(socket.SHUT_RDWR)
            self.listener.close()
            self.listener = None
        for link in self.links:
            with contextlib.suppress(OSError):
                link.shutdown(socket.SHUT_RDWR)
            link.close()
        self.links.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            self.links += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                sink.shutdown(socket.SHUT_WR)


def serve(database_url: str, **env: str) -> tuple[subprocess.Popen[bytes], int]:
    """Gunicorn with DEBUG off on a free port. GOLDTHREAD_TESTING keeps plain static files
    storage (production's manifest needs `collectstatic`, which this test has no reason to run)."""
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment.update(
        DEBUG="0",
        GOLDTHREAD_TESTING="1",
        SECRET_KEY="a-long-random-production-secret-" + "Rt5w" * 12,
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url,
        **env,
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",
            "30",
        ],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return process, port
        time.sleep(0.1)
    process.kill()
    raise AssertionError("gunicorn did not start: " + process.stderr.read().decode()[-2000:])


def fetch(port: int, path: str = "/login/") -> tuple[int, str, dict[str, str], float]:
    """A request as the TLS proxy in front of production passes it on, with a session cookie
    (so the session table is read)."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        headers={"X-Forwarded-Proto": "https", "Cookie": "sessionid=" + "a" * 32},
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            status, body, headers = (
                response.status,
                response.read().decode(),
                dict(response.headers),
            )
    except urllib.error.HTTPError as error:
        status, body, headers = error.code, error.read().decode(), dict(error.headers)
    return status, body, headers, time.perf_counter() - started


def assert_server_503(status: int, body: str, headers: dict[str, str], seconds: float) -> None:
    assert status == 503, body[:500]
    assert headers["Retry-After"] == "30"
    assert "Sorry, the service is unavailable" in body
    assert "Traceback" not in body and "OperationalError" not in body
    assert seconds < 2, f"503 took {seconds:.2f}s"


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only (DATABASE_URL)")
def test_a_real_server_answers_503_while_postgres_is_away_and_recovers() -> None:
    settings_dict = connection.settings_dict
    gate = Gate((settings_dict["HOST"] or "127.0.0.1", int(settings_dict["PORT"] or 5432)))
    gate.open()
    user = settings_dict["USER"]
    password = f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
    url = f"postgres://{user}{password}@127.0.0.1:{gate.port}/{settings_dict['NAME']}"
    process, port = serve(url)
    try:
        status, *_ = fetch(port)
        assert status == 200
        gate.close()  # the database goes away: open connections cut, new ones refused
        for _ in range(3):
            status, body, headers, seconds = fetch(port)
            print(f"PostgreSQL away: 503 in {seconds * 1000:.0f} ms")
            assert_server_503(status, body, headers, seconds)
        gate.open()  # back, and the same server process recovers
        status, _, _, seconds = fetch(port)
        print(f"PostgreSQL back: {status} in {seconds * 1000:.0f} ms")
        assert status == 200
    finally:
        gate.close()
        process.terminate()
        process.wait(timeout=10)


def test_postgres_connections_time_out_in_two_seconds() -> None:
    """A database host that does not answer at all costs libpq's connect timeout, 2 s, at most
    per request (it cannot be simulated here: this network answers every address)."""
    from django.conf import settings

    code = "from django.conf import settings as s; print(s.DATABASES['default']['OPTIONS'])"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "1", "DATABASE_URL": "postgres://u@db.example:5432/gt"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "{'connect_timeout': 2}", result.stderr
    if connection.vendor == "postgresql":
        assert settings.DATABASES["default"]["OPTIONS"]["connect_timeout"] == 2


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
def test_a_real_server_answers_503_while_the_sqlite_file_is_away_and_recovers(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    url = f"sqlite:///{folder / 'goldthread.sqlite3'}"
    env = {k: v for k, v in os.environ.items() if k not in {"GOLDTHREAD_TESTING"}}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env={**env, "DATABASE_URL": url, "DEBUG": "1"},
        check=True,
        timeout=300,
    )
    # SQLite has no server: a new connection per request, and the file's folder taken away.
    process, port = serve(url, DB_CONN_MAX_AGE="0")
    try:
        assert fetch(port)[0] == 200
        folder.rename(tmp_path / "away")
        for _ in range(3):
            status, body, headers, seconds = fetch(port)
            print(f"SQLite file away: 503 in {seconds * 1000:.0f} ms")
            assert_server_503(status, body, headers, seconds)
        (tmp_path / "away").rename(folder)
        assert fetch(port)[0] == 200
    finally:
        process.terminate()
        process.wait(timeout=10)
