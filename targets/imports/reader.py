"""Reading a CSV or XLSX upload safely into rows of cells.

The file's type is decided by its content, never its name: an .xlsx is a zip archive holding
xl/workbook.xml; anything else must be UTF-8 text. Hostile files are refused before any parser
sees them where possible: over-size files, zip bombs (by declared sizes and compression ratios —
Python's zipfile refuses to inflate a member past its declared size), old binary .xls and other
binary files. openpyxl parses the workbook's XML with defusedxml, which refuses entity
declarations ("billion laughs") and external entities.
"""

from __future__ import annotations

import csv
import io
import posixpath
import re
import zipfile
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from typing import IO

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from targets.imports.report import FileRejected, RowError

Cell = str | Decimal | None

# An .xlsx of half a million rows is well under these; a zip bomb is far over them.
XLSX_MAX_MEMBERS = 1000
XLSX_MAX_UNCOMPRESSED = 200 * 1024 * 1024
XLSX_MAX_RATIO = 100
# Small members (styles, a sheet of repeated blanks) can compress very well and do no harm.
XLSX_RATIO_CHECKED_FROM = 1024 * 1024

MAX_LINE_CHARS = 1_000_000
_PREFIXED_ROW_TAG = re.compile(rb"<\w+:row[\s/>]")
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_ZIP_MAGIC = b"PK\x03\x04"
_SIGNATURES: list[tuple[bytes, str]] = [
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "The file is an old Excel workbook (.xls) or a password-protected one: "
        "save it as .xlsx (Excel Workbook) or as CSV UTF-8, without a password",
    ),
    (b"%PDF", "The file is a PDF, not a spreadsheet: upload a CSV or .xlsx file"),
    (b"\x89PNG", "The file is an image, not a spreadsheet: upload a CSV or .xlsx file"),
    (b"\xff\xd8\xff", "The file is an image, not a spreadsheet: upload a CSV or .xlsx file"),
    (b"GIF8", "The file is an image, not a spreadsheet: upload a CSV or .xlsx file"),
    (b"\xff\xfe", "The file is UTF-16 text: save it as CSV UTF-8 (comma delimited)"),
    (b"\xfe\xff", "The file is UTF-16 text: save it as CSV UTF-8 (comma delimited)"),
]


@dataclass
class Table:
    """A file's rows: `columns` are the header's names (lower case); rows are numbered as the
    spreadsheet numbers them (the header is row 1) and hold only the columns asked for."""

    columns: frozenset[str]
    rows: list[tuple[int, dict[str, Cell]]]


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.0f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} bytes"


def read_table(
    stream: IO[bytes],
    *,
    required: Collection[str],
    optional: Collection[str] = (),
    dates_as_months: bool = True,
) -> Table:
    """Read the first sheet (or the CSV) into a Table; raise FileRejected if it cannot be.

    `dates_as_months=False` keeps a workbook's dates whole (a file of dates, not periods)."""
    limit = settings.IMPORT_MAX_BYTES
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise FileRejected(f"The file is larger than the {_size(limit)} limit: split it up")
    if not data.strip():
        raise FileRejected("The file is empty")
    max_rows = settings.IMPORT_MAX_ROWS
    too_many = f"The file has more than {max_rows:,} rows: split it into smaller files"
    if data.startswith(_ZIP_MAGIC):
        raw_rows = _xlsx_rows(data, wanted={*required, *optional}, max_rows=max_rows + 1)
    else:
        text = _text(data)
        if _csv_row_count(text, max_rows + 1) > max_rows + 1:
            raise FileRejected(too_many)
        raw_rows = _csv_rows(text)
    try:
        header = next(raw_rows)
    except StopIteration:
        raise FileRejected("The file is empty") from None
    known = {*required, *optional}
    columns = _columns(header, required=required, known=known)
    wanted = {name: i for i, name in enumerate(columns) if name in known}
    rows: list[tuple[int, dict[str, Cell]]] = []
    for number, raw in enumerate(raw_rows, start=2):
        if number > max_rows + 1:
            raise FileRejected(too_many)
        # Only the columns asked for are read; a row with nothing in them is skipped.
        width = len(raw)
        cells = {
            name: None
            if i >= width
            # every cell of a CSV is text: `_cell` without its checks
            else (value.strip() or None)
            if type(value := raw[i]) is str
            else _cell(value, dates_as_months)
            for name, i in wanted.items()
        }
        if any(value is not None for value in cells.values()):
            rows.append((number, cells))
    if not rows:
        raise FileRejected("The file has no rows below its header: there is nothing to import")
    return Table(columns=frozenset(columns), rows=rows)


def _names(header: Sequence[object]) -> list[str]:
    return [str(_cell(h) or "").strip().lower() for h in header]


def _columns(
    header: Sequence[object], *, required: Collection[str], known: Collection[str]
) -> list[str]:
    """The header's names; a column read twice or a required one missing is refused."""
    names = _names(header)
    if len(names) == 1 and (";" in names[0] or "\t" in names[0]):
        raise FileRejected(
            "The columns are separated by semicolons or tabs: save the file as CSV UTF-8 "
            "(comma delimited)"
        )
    errors = []
    seen: set[str] = set()
    for name in names:
        if name in known and name in seen:
            errors.append(RowError(1, name, "The column appears more than once"))
        seen.add(name)
    errors += [
        RowError(1, name, "Required column is missing") for name in required if name not in seen
    ]
    if errors:
        raise FileRejected(*errors)
    return names


def _text(data: bytes) -> str:
    for signature, message in _SIGNATURES:
        if data.startswith(signature):
            raise FileRejected(message)
    if b"\x00" in data:
        raise FileRejected(
            "The file contains NUL bytes, so it is not CSV text: upload a CSV (UTF-8) or .xlsx file"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileRejected(
            f"The file is not UTF-8 text (the first problem is on line {line}): "
            "save it as CSV UTF-8 (comma delimited) or as .xlsx"
        ) from None


def _lines(text: str) -> Iterator[str]:
    # The csv module limits a cell's length but not a row's width: a line of a million commas
    # would become a list of a million cells.
    for line in io.StringIO(text, newline=""):
        if len(line) > MAX_LINE_CHARS:
            raise FileRejected(f"A line of the file is longer than {MAX_LINE_CHARS:,} characters")
        yield line


def _csv_row_count(text: str, limit: int) -> int:
    """How many rows the CSV text holds, counted before any row is built, so that a file of a
    million rows is refused at once rather than after half a million rows are in memory.

    A row is a line unless a quoted cell holds a line break: without quotes, counting line
    breaks is exact (and fast); with them, fewer lines than the limit still means fewer rows,
    and only a file with more lines than the limit is read through the CSV parser to count."""
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    if lines <= limit or '"' not in text:
        return lines
    return sum(1 for _ in _csv_rows(text))


def _csv_rows(text: str) -> Iterator[list[str]]:
    reader = csv.reader(_lines(text))
    read = 0
    try:
        for row in reader:
            read += 1
            yield row
    except csv.Error as exc:
        raise FileRejected(RowError(read + 1, None, f"The row cannot be read: {exc}")) from None


def _check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise FileRejected("The file looks like an .xlsx workbook but is damaged") from None
    with archive:
        members = archive.infolist()
    if len(members) > XLSX_MAX_MEMBERS:
        raise FileRejected(f"The workbook has more than {XLSX_MAX_MEMBERS} parts: it is refused")
    bomb = "The workbook is refused: it would expand to {}, a possible zip bomb"
    total = sum(m.file_size for m in members)
    if total > XLSX_MAX_UNCOMPRESSED:
        raise FileRejected(bomb.format(f"more than {_size(XLSX_MAX_UNCOMPRESSED)}"))
    for member in members:
        if member.file_size >= XLSX_RATIO_CHECKED_FROM and member.file_size > (
            XLSX_MAX_RATIO * max(member.compress_size, 1)
        ):
            raise FileRejected(bomb.format(f"over {XLSX_MAX_RATIO} times its size"))
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names:
        raise FileRejected(
            "The file is a zip archive but not an .xlsx workbook: save it as .xlsx or CSV UTF-8"
        )


def _first_sheet(archive: zipfile.ZipFile) -> list[str]:
    """The zip member holding the workbook's first sheet, read from the workbook's own index
    (defusedxml: its XML may be hostile too); every worksheet if the index says nothing."""
    names = set(archive.namelist())
    try:
        book = SafeElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = SafeElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except KeyError:
        book = rels = None
    sheet = book.find(f"{{{_MAIN}}}sheets/{{{_MAIN}}}sheet") if book is not None else None
    if sheet is not None and rels is not None:
        rid = sheet.get(f"{{{_RELS}}}id")
        for rel in rels:
            target = rel.get("Target") or ""
            if rel.get("Id") == rid:
                path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                path = posixpath.normpath(path)
                if path in names:
                    return [path]
    return sorted(n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml"))


def _count_xml_rows(data: bytes, member: str, limit: int) -> int:
    """How many <row> elements the sheet's XML holds, counted while inflating it in chunks
    (never all of it in memory), stopping once past `limit`."""
    counted = 0
    tail = b""
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(member) as stream:
        while counted <= limit and (chunk := stream.read(1024 * 1024)):
            text = tail + chunk
            counted += _row_tags(text)
            # Keep the end of the chunk (minus any whole tag in it) for the next one.
            tail = text[-16:]
            counted -= _row_tags(tail)
    return counted + _row_tags(tail)


def _row_tags(text: bytes) -> int:
    """How many <row> start tags `text` holds (bytes.count is fast; the regular expression,
    for tags with a namespace prefix, is needed only when there is one)."""
    count = sum(text.count(b"<row" + end) for end in (b" ", b">", b"/", b"\t", b"\r", b"\n"))
    if b":row" in text:
        count += len(_PREFIXED_ROW_TAG.findall(text))
    return count


def _xlsx_rows(
    data: bytes, *, wanted: Collection[str], max_rows: int | None = None
) -> Iterator[Sequence[object]]:
    """The header row, then the others cut to the last column wanted; refused if the sheet has
    more than `max_rows` rows, the header included."""
    # openpyxl is imported here, not with the module: every process that loads the apps (the
    # admin's import pages) would otherwise pay for it (0.2 s), and few ever read a workbook.
    import openpyxl
    from openpyxl.xml import DEFUSEDXML

    if max_rows is None:
        max_rows = settings.IMPORT_MAX_ROWS + 1
    if not DEFUSEDXML:
        raise ImproperlyConfigured("defusedxml must be installed for openpyxl to read .xlsx safely")
    _check_zip(data)
    damaged = "The .xlsx file cannot be read (it may be damaged): save it again, or as CSV UTF-8"
    entities = "The workbook is refused: its XML declares entities, which are not accepted"
    # Count the rows before openpyxl opens the workbook: opening a sheet that does not declare
    # its size parses all of it, which for a million rows takes a minute.
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sheets = _first_sheet(archive)
        rows = max((_count_xml_rows(data, sheet, max_rows) for sheet in sheets), default=0)
    except Exception as exc:  # a damaged index or member: refused as openpyxl would be
        raise FileRejected(entities if _defused(exc) else damaged) from None
    if rows > max_rows:
        raise FileRejected(
            f"The file has more than {max_rows - 1:,} rows: split it into smaller files"
        )
    try:
        # Formulas are read as formulas ("=SUM(A1:A3)"), so that the importer refuses them
        # instead of taking whatever result the file claims to have cached.
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds of error for a malformed workbook
        raise FileRejected(entities if _defused(exc) else damaged) from None
    try:
        if not workbook.worksheets:
            raise FileRejected("The workbook has no worksheet")
        sheet = workbook.worksheets[0]
        # Ignore the sheet's declared size: rows are padded to it, and a hostile file can
        # declare a million columns.
        sheet.reset_dimensions()
        header = next(sheet.iter_rows(max_row=1, values_only=True), ())
        yield header
        # Reading only up to the last wanted column keeps a row with a cell in column XFD from
        # becoming 16,384 cells.
        used = [i + 1 for i, name in enumerate(_names(header)) if name in wanted]
        yield from sheet.iter_rows(min_row=2, max_col=max(used, default=1), values_only=True)
    except FileRejected:
        raise
    except Exception as exc:
        raise FileRejected(entities if _defused(exc) else damaged) from None
    finally:
        workbook.close()


def _defused(exc: BaseException | None) -> bool:
    """Whether defusedxml refused the XML, perhaps under an error openpyxl raised about it."""
    while exc is not None:
        if isinstance(exc, DefusedXmlException):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _cell(value: object, dates_as_months: bool = True) -> Cell:
    """A cell as text or a Decimal: stripped, empty as None, spreadsheet numbers as Decimals."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        number = Decimal(str(value))
        if not number.is_finite():
            return str(value)
        # Spreadsheets store binary floats: 0.1 + 0.2 arrives as 0.30000000000000004.
        if number.as_tuple().exponent < -6:  # type: ignore[operator]
            number = number.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)
        return number
    if isinstance(value, datetime) and value.time() == time(0):
        value = value.date()
    if isinstance(value, date) and not isinstance(value, datetime):
        # A month typed as 2025-04 becomes 1 Apr 2025 in Excel: read it back as the month.
        return value.strftime("%Y-%m") if value.day == 1 and dates_as_months else value.isoformat()
    return str(value)
