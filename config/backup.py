"""Back up and restore the whole database: `pg_dump`/`pg_restore` on PostgreSQL, SQLite's online
backup API on SQLite. Uploaded files (MEDIA_ROOT) are backed up separately, as files.

PostgreSQL dumps use pg_dump's custom format: compressed, restorable into an empty database by
`pg_restore` (or `manage.py restore`), object by object, without the original roles.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils import timezone


class BackupError(Exception):
    """Backing up or restoring failed, with a message saying why."""


def default_path(alias: str = "default") -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    suffix = "dump" if connections[alias].vendor == "postgresql" else "sqlite3"
    return Path(settings.BACKUP_DIR) / f"goldthread-{stamp}.{suffix}"


def backup(output: Path | None = None, *, alias: str = "default") -> Path:
    """Write a consistent copy of the database to `output`; return its path."""
    connection = connections[alias]
    path = Path(output) if output else default_path(alias)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    try:
        if connection.vendor == "postgresql":
            _run(["pg_dump", "--format=custom", "--file", str(partial)], connection.settings_dict)
        elif connection.vendor == "sqlite":
            connection.ensure_connection()
            target = sqlite3.connect(partial)
            try:
                connection.connection.backup(target)  # type: ignore[union-attr]
            finally:
                target.close()
        else:
            raise BackupError(f"No backup for the {connection.vendor} database engine.")
        # Only a finished dump takes the name: a name never holds half a backup.
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def table_count(alias: str = "default") -> int:
    with connections[alias].cursor() as cursor:
        return len(connections[alias].introspection.table_names(cursor))


def restore(dump: Path, *, force: bool = False, alias: str = "default") -> None:
    """Load `dump` into the database, replacing what it holds; refuse a database with tables
    in it unless `force`."""
    dump = Path(dump)
    if not dump.is_file():
        raise BackupError(f"No backup file at {dump}.")
    connection = connections[alias]
    tables = table_count(alias)
    if tables and not force:
        raise BackupError(
            f"The database {connection.settings_dict['NAME']} is not empty ({tables} tables). "
            "Restoring replaces everything in it: run again with --force if you mean that."
        )
    if connection.vendor == "postgresql":
        connection.close()
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                str(dump),
            ],
            connection.settings_dict,
        )
    elif connection.vendor == "sqlite":
        source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
        try:
            if source.execute("PRAGMA integrity_check").fetchone() != ("ok",):
                raise BackupError(f"{dump} is not a sound SQLite database.")
            connection.ensure_connection()
            source.backup(connection.connection)  # type: ignore[arg-type]
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{dump} is not a SQLite backup: {exc}") from exc
        finally:
            source.close()
    else:
        raise BackupError(f"No restore for the {connection.vendor} database engine.")


def _run(command: list[str], database: dict[str, Any]) -> None:
    """Run a PostgreSQL client tool against the database, the password in its environment
    (never on the command line, where `ps` would show it)."""
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (apt-get install postgresql-client).")
    env = {**os.environ}
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    connect = ["--dbname", str(database["NAME"])]
    if database.get("HOST"):
        connect += ["--host", str(database["HOST"])]
    if database.get("PORT"):
        connect += ["--port", str(database["PORT"])]
    if database.get("USER"):
        connect += ["--username", str(database["USER"])]
    result = subprocess.run(
        [*command, *connect, "--no-password"], env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")
