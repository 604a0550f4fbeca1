"""Writing a metric's new and changed benchmark values, in bulk.

SQLite: executemany of one INSERT and one UPDATE, in the import's transaction. PostgreSQL: the
rows are copied (`COPY … FROM STDIN`) into a temporary staging table, then one set-based upsert
writes them, changing a stored value only where it differs. The rows are already checked and
compared with what is stored (`values._write`), so both write exactly the same values.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.db import connections, router

from benchmarking.models import BenchmarkValue

ValueRow = tuple[int, str, Decimal]  # (authority id, period code, value)
STAGING = "gt_benchmark_values_staging"
# Rows per executemany on SQLite: memory, not speed (the driver loops in C).
SQLITE_BATCH = 50_000


def _connection():  # type: ignore[no-untyped-def]
    return connections[router.db_for_write(BenchmarkValue)]


def write_values(metric_id: int, new: Sequence[ValueRow], changed: Sequence[ValueRow]) -> None:
    """INSERT `new` and UPDATE `changed` values of the metric (inside the caller's transaction)."""
    connection = _connection()
    if connection.vendor == "postgresql":
        _copy_upsert(connection, metric_id, [*new, *changed])
    else:
        _executemany(connection, metric_id, new, changed)


def _names(connection) -> tuple[str, dict[str, str]]:  # type: ignore[no-untyped-def]
    meta = BenchmarkValue._meta
    quote = connection.ops.quote_name
    columns = {
        name: quote(meta.get_field(name).column)  # type: ignore[union-attr]
        for name in ("metric", "authority", "period", "value")
    }
    return quote(meta.db_table), columns


def _executemany(
    connection,  # type: ignore[no-untyped-def]
    metric_id: int,
    new: Sequence[ValueRow],
    changed: Sequence[ValueRow],
) -> None:
    # The drivers take ints, strs and Decimals as they are, as the ORM passes them.
    table, c = _names(connection)
    insert = (
        f"INSERT INTO {table} ({c['metric']}, {c['authority']}, {c['period']}, {c['value']}) "
        "VALUES (%s, %s, %s, %s)"
    )
    update = (
        f"UPDATE {table} SET {c['value']} = %s "
        f"WHERE {c['metric']} = %s AND {c['period']} = %s AND {c['authority']} = %s"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(new), SQLITE_BATCH):
            cursor.executemany(
                insert, [(metric_id, a, p, v) for a, p, v in new[start : start + SQLITE_BATCH]]
            )
        for start in range(0, len(changed), SQLITE_BATCH):
            cursor.executemany(
                update, [(v, metric_id, p, a) for a, p, v in changed[start : start + SQLITE_BATCH]]
            )


def _copy_upsert(connection, metric_id: int, rows: Sequence[ValueRow]) -> None:  # type: ignore[no-untyped-def]
    table, c = _names(connection)
    with connection.cursor() as cursor:
        # A temporary table lives as long as the session; its rows only as long as the
        # transaction (and are deleted after use, for an import nested in a longer one).
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {STAGING} "
            "(authority_id bigint NOT NULL, period varchar(12) NOT NULL, "
            "value numeric(20, 6) NOT NULL) ON COMMIT DELETE ROWS"
        )
        with cursor.cursor.copy(f"COPY {STAGING} (authority_id, period, value) FROM STDIN") as copy:
            # Ids, period codes (checked: no tab, newline or backslash) and Decimals need no
            # escaping in COPY's text format.
            for start in range(0, len(rows), 10_000):
                copy.write("".join(f"{a}\t{p}\t{v}\n" for a, p, v in rows[start : start + 10_000]))
        cursor.execute(
            f"INSERT INTO {table} AS stored "
            f"({c['metric']}, {c['authority']}, {c['period']}, {c['value']}) "
            f"SELECT %s, authority_id, period, value FROM {STAGING} "
            f"ON CONFLICT ({c['metric']}, {c['period']}, {c['authority']}) "
            f"DO UPDATE SET {c['value']} = EXCLUDED.{c['value']} "
            f"WHERE stored.{c['value']} IS DISTINCT FROM EXCLUDED.{c['value']}",
            [metric_id],
        )
        cursor.execute(f"DELETE FROM {STAGING}")
