"""Production settings: `manage.py check --deploy` is clean, and unsafe set-ups are refused."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # A production process: none of the test run's own switches (async-unsafe is for browser tests).
    test_only = {"DEBUG", "GOLDTHREAD_TESTING", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in test_only}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "GOLDTHREAD_TESTING": "0", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings() -> None:
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="a-long-random-production-secret-" + "x7Kq9" * 10,
        ALLOWED_HOSTS="performance.example.gov.uk",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = _manage("check", DEBUG="0", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_broker_url_switches_celery_from_in_process_to_the_broker() -> None:
    code = (
        "from django.conf import settings as s;"
        "print(s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL)"
    )
    eager = _manage("shell", "--no-imports", "-c", code, DEBUG="1")
    assert eager.stdout.split() == ["True", "memory://"]
    redis = _manage(
        "shell", "--no-imports", "-c", code, DEBUG="1", CELERY_BROKER_URL="redis://127.0.0.1:6379/0"
    )
    assert redis.stdout.split() == ["False", "redis://127.0.0.1:6379/0"]


def test_database_url_selects_the_database() -> None:
    code = "from django.conf import settings as s; print(s.DATABASES['default']['ENGINE'])"
    default = _manage("shell", "--no-imports", "-c", code, DEBUG="1", DATABASE_URL="")
    assert default.stdout.strip() == "django.db.backends.sqlite3"
    postgres = _manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        DEBUG="1",
        DATABASE_URL="postgres://u@127.0.0.1:5432/goldthread",
    )
    assert postgres.stdout.strip() == "django.db.backends.postgresql"


def test_production_and_the_bench_start_gunicorn_with_one_config_file() -> None:
    """config/gunicorn.py holds the web server's settings: threaded workers, 2 per core by
    default, each overridable; the Dockerfile, docker-compose and the throughput bench use it."""
    import runpy
    from unittest import mock

    names = (
        "WEB_CONCURRENCY",
        "GUNICORN_THREADS",
        "GUNICORN_ACCESS_LOG",
        "GUNICORN_WORKER_CLASS",
        "GUNICORN_DATA_WAIT",
    )
    with (
        mock.patch.dict(os.environ, dict.fromkeys(names, "")),
        mock.patch("multiprocessing.cpu_count", return_value=2),
    ):
        default = runpy.run_path(str(ROOT / "config" / "gunicorn.py"))
    assert (default["worker_class"], default["workers"], default["threads"]) == ("gthread", 4, 2)
    assert default["accesslog"] is None
    assert default["preload_app"] is True  # workers forked with every view loaded (wsgi.py)
    with mock.patch.dict(os.environ, {"WEB_CONCURRENCY": "3", "GUNICORN_ACCESS_LOG": "-"}):
        chosen = runpy.run_path(str(ROOT / "config" / "gunicorn.py"))
    assert (chosen["workers"], chosen["accesslog"]) == (3, "-")

    # A silent new connection holds a thread 50 ms, not Gunicorn's 5 s: each worker sets the
    # wait its threaded worker reads (still read by name, so an upgrade that drops it fails).
    import inspect

    from gunicorn.workers import gthread

    assert "DEFAULT_WORKER_DATA_TIMEOUT" in inspect.getsource(gthread.ThreadWorker.handle)
    before = gthread.DEFAULT_WORKER_DATA_TIMEOUT
    try:
        default["post_fork"](None, None)
        assert gthread.DEFAULT_WORKER_DATA_TIMEOUT == default["DATA_WAIT"] == 0.05
        with mock.patch.dict(os.environ, {"GUNICORN_DATA_WAIT": "0.2"}):
            runpy.run_path(str(ROOT / "config" / "gunicorn.py"))["post_fork"](None, None)
        assert gthread.DEFAULT_WORKER_DATA_TIMEOUT == 0.2
    finally:
        gthread.DEFAULT_WORKER_DATA_TIMEOUT = before

    command = "--config config/gunicorn.py"
    assert '"--config", "config/gunicorn.py"' in (ROOT / "Dockerfile").read_text()
    assert command in (ROOT / "docker-compose.yml").read_text()
    from benchmarks.web import gunicorn_options

    assert gunicorn_options() == ["--config", "config/gunicorn.py"]
