"""Writing a metric's new and changed benchmark values, in bulk.

SQLite: one INSERT … SELECT from a JSON text of the new rows, and an executemany of one
UPDATE, in the import's transaction. PostgreSQL: the new values are copied straight into the
table (`COPY … FROM STDIN`); the changed ones into a temporary staging table, then one
set-based UPDATE writes them, changing a stored value only where it differs; the commit does
not wait for the WAL's flush (`synchronous_commit`). The rows are already checked and
compared with what is stored (`values._write`), so both write exactly the same values.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import cast

from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper
from django.db.models import Field

from benchmarking.models import Authority, BenchmarkValue, Metric

ValueRow = tuple[int, str, Decimal]  # (authority id, period code, value)
STAGING = "gt_benchmark_values_staging"
# Rows per statement on SQLite: memory, not speed.
SQLITE_BATCH = 50_000
COPY_BATCH = 10_000


def _connection() -> BaseDatabaseWrapper:
    return connections[router.db_for_write(BenchmarkValue)]


def hold_parents(metric_id: int | None) -> None:
    """Hold the metric and every authority against deletion until the transaction ends.

    The values table has no foreign keys in the database (two checks per row written), so an
    import holds what its rows refer to before it reads the authorities' ids: on PostgreSQL
    with `FOR KEY SHARE` (what the foreign keys' own checks took, once a row), which keeps out
    deletes and key changes but not other imports or edits. On SQLite, which writes one
    transaction at a time, another connection's delete cannot land between the import's read
    and its commit: it waits for the import, or the import's write fails as locked.
    """
    connection = _connection()
    if connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {quote(Authority._meta.db_table)} FOR KEY SHARE")
        if metric_id is not None:
            cursor.execute(
                f"SELECT 1 FROM {quote(Metric._meta.db_table)} WHERE id = %s FOR KEY SHARE",
                [metric_id],
            )


def write_values(metric_id: int, new: Sequence[ValueRow], changed: Sequence[ValueRow]) -> None:
    """INSERT `new` and UPDATE `changed` values of the metric (inside the caller's transaction)."""
    connection = _connection()
    if connection.vendor == "postgresql":
        _copy_write(connection, metric_id, new, changed)
    else:
        _executemany(connection, metric_id, new, changed)


def _names(connection: BaseDatabaseWrapper) -> tuple[str, dict[str, str]]:
    meta = BenchmarkValue._meta
    quote = connection.ops.quote_name
    columns = {
        name: quote(str(cast(Field, meta.get_field(name)).column))
        for name in ("metric", "authority", "period", "value")
    }
    return quote(meta.db_table), columns


def _executemany(
    connection: BaseDatabaseWrapper,
    metric_id: int,
    new: Sequence[ValueRow],
    changed: Sequence[ValueRow],
) -> None:
    # The drivers take ints, strs and Decimals as they are, as the ORM passes them.
    table, c = _names(connection)
    # The new rows as one JSON text, read by SQLite's json_each in one statement: a statement
    # per row (executemany) ran the table's AUTOINCREMENT bookkeeping once a row.
    insert = (
        f"INSERT INTO {table} ({c['metric']}, {c['authority']}, {c['period']}, {c['value']}) "
        "SELECT %s, json_extract(row.value, '$[0]'), json_extract(row.value, '$[1]'), "
        "json_extract(row.value, '$[2]') FROM json_each(%s) AS row"
    )
    update = (
        f"UPDATE {table} SET {c['value']} = %s "
        f"WHERE {c['metric']} = %s AND {c['period']} = %s AND {c['authority']} = %s"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(new), SQLITE_BATCH):
            cursor.execute(insert, [metric_id, _json_rows(new[start : start + SQLITE_BATCH])])
        for start in range(0, len(changed), SQLITE_BATCH):
            cursor.executemany(
                update, [(v, metric_id, p, a) for a, p, v in changed[start : start + SQLITE_BATCH]]
            )


def _json_rows(rows: Sequence[ValueRow]) -> str:
    """[[authority id, "period", "value"], …]: the value as the text the driver would have
    bound for the Decimal (`str`), so that SQLite stores it as it stored the parameter."""
    return "[" + ",".join([f'[{a},"{p}","{v}"]' for a, p, v in rows]) + "]"


def _copy(cursor: CursorWrapper, sql: str, rows: Sequence[ValueRow], prefix: str = "") -> None:
    """COPY the rows in text format, each line `prefix` then authority, period and value."""
    with cursor.cursor.copy(sql) as copy:
        for start in range(0, len(rows), COPY_BATCH):
            batch = rows[start : start + COPY_BATCH]
            copy.write("".join([f"{prefix}{a}\t{p}\t{v}\n" for a, p, v in batch]))


def _copy_write(
    connection: BaseDatabaseWrapper,
    metric_id: int,
    new: Sequence[ValueRow],
    changed: Sequence[ValueRow],
) -> None:
    # Ids, checked period codes (no tab, newline or backslash) and Decimals need no escaping in
    # COPY's text format.
    table, c = _names(connection)
    with connection.cursor() as cursor:
        # The import's commit does not wait for its WAL to reach the disk (a flush per metric
        # was most of a national table's time on a busy disk): a server crash in the fraction
        # of a second after it may lose the whole import, never a part of it, and running the
        # import again writes it. Only this transaction's commit: SET LOCAL ends with it.
        cursor.execute("SET LOCAL synchronous_commit = off")
        if new:
            # Straight into the table: a value another import wrote meanwhile is an
            # IntegrityError, as an INSERT's would be, and nothing of this import is kept.
            _copy(
                cursor,
                f"COPY {table} ({c['metric']}, {c['authority']}, {c['period']}, {c['value']}) "
                "FROM STDIN",
                new,
                f"{metric_id}\t",
            )
        if not changed:
            return
        # A temporary table lives as long as the session, its rows only as long as the
        # transaction; they are deleted after use too, for an import inside a longer one.
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {STAGING} "
            "(authority_id bigint NOT NULL, period varchar(12) NOT NULL, "
            "value numeric(20, 6) NOT NULL) ON COMMIT DELETE ROWS"
        )
        _copy(
            cursor,
            f"COPY {STAGING} (authority_id, period, value) FROM STDIN",
            changed,
        )
        cursor.execute(
            f"UPDATE {table} AS stored SET {c['value']} = staged.value FROM {STAGING} AS staged "
            f"WHERE stored.{c['metric']} = %s AND stored.{c['period']} = staged.period "
            f"AND stored.{c['authority']} = staged.authority_id "
            f"AND stored.{c['value']} IS DISTINCT FROM staged.value",
            [metric_id],
        )
        cursor.execute(f"DELETE FROM {STAGING}")
