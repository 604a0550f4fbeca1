"""Cells for CSV and XLSX exports: text a spreadsheet would run as a formula is neutralised,
numbers stay numbers. Every app's exports use these (an app may import from `targets`).

The rule (OWASP, CSV injection): text that starts with `=`, `+`, `-`, `@`, a tab or a carriage
return gets a leading single quote, so that opening the file shows the text and runs nothing.
Numbers are not text: an int, Decimal or float is written as a number (a numeric cell in a
workbook, plain digits in a CSV), and so is text that is nothing but a number, such as "-3.2",
which no spreadsheet would run as a formula.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from targets.params import BadParameter
from targets.rules import Direction, RagResult, round_to

if TYPE_CHECKING:
    from targets.models import Measure

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A plain number as text: a sign, digits, an optional fraction (no exponent, no thousands).
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")

Number = int | float | Decimal


def safe_text(text: str) -> str:
    """The text as a spreadsheet must show it: never as a formula."""
    if text.startswith(FORMULA_START) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def xlsx_cell(value: Any) -> Any:
    """A value for an openpyxl cell: numbers, dates and None as they are, text made safe.

    Text that is a signed plain number ("-3.2", "+4") becomes the number: shown as text it would
    need the quote, and it is a number. Control characters a workbook cannot hold (pasted into a
    commentary from another program) are dropped: openpyxl would refuse the whole file.
    """
    if value is None or _is_number(value) or isinstance(value, date | datetime):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    if text.startswith(FORMULA_START) and PLAIN_NUMBER.fullmatch(text):
        return Decimal(text)
    return safe_text(text)


def csv_cell(value: Any) -> str:
    """A value as CSV text: numbers plain (no exponent), dates in ISO 8601, text made safe."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isfinite(value):
        value = Decimal(repr(value))
    if isinstance(value, Decimal) and value.is_finite():
        return format(value, "f")
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return safe_text(str(value))


# "Export what you see": a page's current, filtered rows as a file. A page hands over the rows it
# shows, in the order it shows them, and the columns; `?export=csv` or `?export=xlsx` on the
# page's own address (its query string kept) answers the file instead of the page.

EXPORT_PARAM = "export"
EXPORT_FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    """One column of an export: its heading and how to read it from a row."""

    header: str
    value: Callable[[Any], Any]


def export_format(request: HttpRequest) -> str | None:
    """The format asked for (`?export=csv|xlsx`), None for the page; anything else is a 400."""
    asked = request.GET.get(EXPORT_PARAM)
    if asked is None:
        return None
    if asked not in EXPORT_FORMATS:
        raise BadParameter(EXPORT_PARAM, f"Choose an export of {' or '.join(EXPORT_FORMATS)}.")
    return asked


def table(rows: Iterable[Any], columns: Sequence[Column]) -> list[list[Any]]:
    """The header and one list of cells per row, in the rows' order."""
    return [[c.header for c in columns]] + [[c.value(row) for c in columns] for row in rows]


def export_response(
    request: HttpRequest, rows: Iterable[Any], columns: Sequence[Column], name: str
) -> HttpResponse | None:
    """The file of `rows` when the request asks for one (`?export=`), else None (the page).

    Every cell goes through `csv_cell`/`xlsx_cell`: text never runs as a formula.
    """
    kind = export_format(request)
    if kind is None:
        return None
    cells = table(rows, columns)
    stamp = timezone.localdate().isoformat()
    filename = f"{slugify(name) or 'export'}-{stamp}.{kind}"
    if kind == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        for line in cells:
            writer.writerow([csv_cell(cell) for cell in line])
        # A byte order mark, so that Excel reads the UTF-8 (£, –) as such.
        response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        book = Workbook(write_only=True)
        sheet = book.create_sheet(title=(slugify(name) or "export")[:31])
        for line in cells:
            sheet.append([xlsx_cell(cell) for cell in line])
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def export_query(request: HttpRequest, kind: str) -> str:
    """The page's own query string with `export=kind`: the file of exactly what is shown."""
    query = request.GET.copy()
    query[EXPORT_PARAM] = kind
    return f"{request.path}?{query.urlencode()}"


# Cells of figures as the pages show them: numbers at the measure's decimals, statuses and
# directions in words (every export of measures' rows reads them from here).


def figure_cell(measure: Measure, value: Decimal | None) -> Decimal | None:
    return None if value is None else round_to(value, measure.decimals)


def rag_cell(result: RagResult | None) -> str:
    return result.label if result is not None else ""


def travel_cell(direction: Direction | None) -> str:
    return direction.label if direction is not None else "Not known"


def target_cell(measure: Measure, spec: object) -> str:
    from targets.templatetags.goldthread import target_text

    return target_text(measure, spec) if spec is not None else ""
