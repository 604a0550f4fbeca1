"""Writing many rows at once without a model instance per row: COPY on PostgreSQL, batched
executemany elsewhere.

Rows are tuples of values the drivers take as they are (str, int, Decimal, None, and datetimes
already adapted with `connection.ops.adapt_datetimefield_value`); a JSON column takes its JSON
text. The audit trail's bulk writer (`targets.audit.write_records`) and the imports use it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

from django.db import connections

# Rows per executemany: a batch's parameters are built in memory before it is sent.
ROWS_PER_BATCH = 5000


def batches(rows: Iterable[Any], size: int = ROWS_PER_BATCH) -> Iterator[list[Any]]:
    """The rows in lists of at most `size`."""
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def insert_rows(
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    using: str = "default",
) -> None:
    """INSERT `rows` (each a sequence of `columns`' values) into `table`."""
    connection = connections[using]
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})"
        for batch in batches(rows):
            cursor.executemany(sql, batch)
