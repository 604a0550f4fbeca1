"""Which database the benchmarks run on, and the scratch databases they make there.

`make bench` runs on SQLite unless `DATABASE_URL` names a PostgreSQL server. The bench never
writes into the database that URL names: it takes the server (and the name, as a prefix) and
makes scratch databases of its own beside it, one per purpose:

| purpose | SQLite | PostgreSQL (`DATABASE_URL=…/gt`; `gt_bench` gives the same names) |
|---|---|---|
| `demo` | `$TMPDIR/goldthread-bench.sqlite3` | `gt_bench_demo` |
| `large_1x`, `large_10x` | `$TMPDIR/goldthread-bench-large-1x.sqlite3`, … | `gt_bench_large_1x` |
| `national` | `$TMPDIR/goldthread-bench-benchmarking/bench.sqlite3` | `gt_bench_national` |
| `complaints` | `$TMPDIR/goldthread-bench-complaints.sqlite3` | `gt_bench_complaints` |

`BENCH_TAG` (set by `make bench-compare` for the other commit) adds a tag to every name, so that
the two commits never share a database whose schema may differ.

The server's URL is handed to child processes in `BENCH_SERVER_URL`, because each child is
started with `DATABASE_URL` set to its own scratch database.
"""

from __future__ import annotations

import os
import platform
import re
import sqlite3
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

SERVER_ENV = "BENCH_SERVER_URL"
PURPOSES = ("demo", "large_1x", "large_10x", "national", "complaints")


def server_url() -> str:
    """The URL the bench was started with ('' for SQLite)."""
    url = os.environ.get(SERVER_ENV)
    if url is None:
        url = os.environ.get("DATABASE_URL", "")
        os.environ[SERVER_ENV] = url
    return url


def vendor() -> str:
    """'postgresql' or 'sqlite'."""
    scheme = urlsplit(server_url()).scheme
    if scheme.startswith("postgres") or scheme == "pgsql":
        return "postgresql"
    if scheme in ("", "sqlite"):
        return "sqlite"
    raise SystemExit(f"make bench runs on SQLite or PostgreSQL, not {scheme!r}.")


def tag() -> str:
    value = os.environ.get("BENCH_TAG", "")
    if value and not re.fullmatch(r"[a-z0-9]+", value):
        raise SystemExit(f"BENCH_TAG must be lower-case letters and digits, not {value!r}.")
    return value


def _sqlite_path(purpose: str) -> Path:
    base = Path(tempfile.gettempdir())
    suffix = f"-{tag()}" if tag() else ""
    if purpose == "demo":
        return base / f"goldthread-bench{suffix}.sqlite3"
    if purpose.startswith("large_"):
        return base / f"goldthread-bench{suffix}-large-{purpose.removeprefix('large_')}.sqlite3"
    if purpose == "national":
        return base / f"goldthread-bench{suffix}-benchmarking" / "bench.sqlite3"
    return base / f"goldthread-bench{suffix}-{purpose}.sqlite3"


def database_name(purpose: str) -> str:
    """The scratch database's name on the PostgreSQL server."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown purpose {purpose!r}")
    base = urlsplit(server_url()).path.lstrip("/") or "goldthread"
    middle = "" if "bench" in base else "bench"  # gt_bench_demo, not gt_bench_bench_demo
    return "_".join(part for part in (base, middle, tag(), purpose) if part)


def url(purpose: str) -> str:
    """The DATABASE_URL of one purpose's scratch database."""
    if vendor() == "sqlite":
        path = _sqlite_path(purpose)
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"
    parts = urlsplit(server_url())
    return urlunsplit(parts._replace(path="/" + database_name(purpose)))


def is_scratch(database_url: str) -> bool:
    """True for a database this module makes (and may therefore delete)."""
    return any(database_url == url(purpose) for purpose in PURPOSES)


def _maintenance() -> Any:
    import psycopg

    parts = urlsplit(server_url())
    return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)


def reset(purpose: str) -> str:
    """An empty scratch database for the purpose (dropped and made again); its URL."""
    if vendor() == "sqlite":
        path = _sqlite_path(purpose)
        for leftover in (path, *(Path(f"{path}{s}") for s in ("-journal", "-wal", "-shm"))):
            leftover.unlink(missing_ok=True)
        return url(purpose)
    from psycopg import sql

    name = sql.Identifier(database_name(purpose))
    with _maintenance() as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))
    return url(purpose)


def ensure_exists(purpose: str) -> str:
    """The purpose's scratch database, made empty if it does not exist yet; its URL."""
    if vendor() == "sqlite":
        return url(purpose)
    from psycopg import sql

    with _maintenance() as conn:
        found = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [database_name(purpose)]
        ).fetchone()
        if found is None:
            conn.execute(
                sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database_name(purpose)))
            )
    return url(purpose)


def describe() -> dict[str, Any]:
    """The database engine and the versions that matter to its figures."""
    if vendor() == "sqlite":
        return {
            "database": "sqlite",
            "server_version": sqlite3.sqlite_version,
            "driver": f"sqlite3 (Python {platform.python_version()})",
        }
    import psycopg

    with _maintenance() as conn:
        version = conn.execute("SHOW server_version").fetchone()
    return {
        "database": "postgresql",
        "server_version": version[0] if version else "?",
        "driver": f"psycopg {psycopg.__version__} ({psycopg.pq.__impl__})",
        "server": f"{urlsplit(server_url()).hostname}:{urlsplit(server_url()).port or 5432}",
    }
