"""A benchmark extract's rows as plain tuples, read as they are used.

A national table is hundreds of files of thousands of rows. The register's reader
(`targets.imports.reader.read_table`) builds a dict of cells for every row before anything
else happens; for a long CSV this reads the same text with the reader's own checks (its size,
type, encoding, row count, header and line-length checks, its cells stripped and empty ones
None) into tuples of the few columns the import uses, one row at a time, so that nothing but
the text and the values found is held. Anything the fast path is not sure of — a workbook, a
file the reader refuses — is read by `read_table` itself, so its messages are the reader's.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from typing import IO

from django.conf import settings

from targets.imports import reader
from targets.imports.reader import (  # the reader's own checks, shared rather than copied
    _ZIP_MAGIC,
    Cell,
    Table,
    _columns,
    _csv_row_count,
    _csv_rows,
    _text,
    read_table,
)
from targets.imports.report import FileRejected

# (row number, area_code, period, value, the --where columns' cells)
Row = tuple[int, Cell, Cell, Cell, dict[str, Cell]]
NO_EXTRA: dict[str, Cell] = {}


@dataclass
class Rows:
    """The header's columns and the rows, numbered as the spreadsheet numbers them.

    `rows` may be read once; reading it may raise FileRejected (a line too long, a row the CSV
    parser cannot read, more rows than allowed), as `read_table` would have before any row."""

    columns: frozenset[str]
    rows: Iterable[Row]


def from_table(table: Table, extra: Collection[str] = ()) -> Rows:
    """Rows already read (a file read by `read_table`, or an answer built as one)."""
    return Rows(
        table.columns,
        (
            (
                number,
                cells.get("area_code"),
                cells.get("period"),
                cells.get("value"),
                {name: cells.get(name) for name in extra} if extra else NO_EXTRA,
            )
            for number, cells in table.rows
        ),
    )


def read_rows(
    stream: IO[bytes], *, required: Collection[str], optional: Collection[str], extra: list[str]
) -> Rows:
    """Read the file's rows; raise FileRejected as `read_table` would.

    `extra` are the columns, among `optional`, whose cells each row carries besides the three
    the import reads."""
    limit = settings.IMPORT_MAX_BYTES
    data = stream.read(limit + 1)
    rows = None if data.startswith(_ZIP_MAGIC) else _csv(data, required, optional, extra)
    if rows is None:
        table = read_table(io.BytesIO(data), required=required, optional=optional)
        return from_table(table, extra)
    return rows


def _csv(
    data: bytes, required: Collection[str], optional: Collection[str], extra: list[str]
) -> Rows | None:
    """The CSV's rows, or None when `read_table` should read (or refuse) the file itself."""
    limit, max_rows = settings.IMPORT_MAX_BYTES, settings.IMPORT_MAX_ROWS
    if len(data) > limit or not data.strip():
        return None
    try:
        text = _text(data)
        if _csv_row_count(text, max_rows + 1) > max_rows + 1:
            return None
        raw_rows = _csv_rows(text)
        header = next(raw_rows, None)
        if header is None:
            return None
        names = _columns(header, required=required, known={*required, *optional})
    except FileRejected:
        return None
    known = {*required, *optional}
    wanted = {name: i for i, name in enumerate(names) if name in known}
    if not all(name in wanted for name in ("area_code", "period", "value")):
        return None
    if len(text) <= reader.MAX_LINE_CHARS and not extra:
        # No line can be too long: read at once, by the csv module alone.
        rows = _short(text, wanted)
        if rows is not None:
            return Rows(frozenset(names), rows)
    return Rows(frozenset(names), _tuples(raw_rows, wanted, extra, max_rows))


def _short(text: str, wanted: dict[str, int]) -> list[Row] | None:
    """A short file's rows (the header's row count already checked), or None if a row is short
    of a column or cannot be read: the rows are then read one by one."""
    try:
        raw = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        return None
    area, period, value = wanted["area_code"], wanted["period"], wanted["value"]
    width = max(wanted.values()) + 1
    if any(len(row) < width for row in raw):
        return None
    rows: list[Row] = [
        (
            number,
            row[area].strip() or None,
            row[period].strip() or None,
            row[value].strip() or None,
            NO_EXTRA,
        )
        for number, row in enumerate(raw[1:], start=2)
    ]
    # A row with nothing in any column asked for is skipped, as read_table skips it.
    if any(row[1] is None and row[2] is None and row[3] is None for row in rows):
        others = [i for i in wanted.values() if i not in (area, period, value)]
        rows = [
            row
            for row in rows
            if row[1] is not None
            or row[2] is not None
            or row[3] is not None
            or any(raw[row[0] - 1][i].strip() for i in others)
        ]
    return rows or None


def _tuples(
    raw_rows: Iterator[list[str]], wanted: dict[str, int], extra: list[str], max_rows: int
) -> Iterator[Row]:
    area, period, value = wanted["area_code"], wanted["period"], wanted["value"]
    others = [i for name, i in wanted.items() if name not in ("area_code", "period", "value")]
    extras = [(name, wanted[name]) for name in extra]
    width = max(wanted.values()) + 1
    found = 0
    for number, raw in enumerate(raw_rows, start=2):
        if number > max_rows + 1:
            raise FileRejected(
                f"The file has more than {max_rows:,} rows: split it into smaller files"
            )
        if len(raw) < width:
            raw = raw + [""] * (width - len(raw))
        a, p, v = raw[area].strip() or None, raw[period].strip() or None, raw[value].strip() or None
        cells: dict[str, Cell] = (
            {name: raw[i].strip() or None for name, i in extras} if extras else NO_EXTRA
        )
        if a is None and p is None and v is None and not any(raw[i].strip() for i in others):
            continue
        found += 1
        yield number, a, p, v, cells
    if not found:
        raise FileRejected("The file has no rows below its header: there is nothing to import")
