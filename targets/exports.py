"""Cells for CSV and XLSX exports: text a spreadsheet would run as a formula is neutralised,
numbers stay numbers. Every app's exports use these (an app may import from `targets`).

The rule (OWASP, CSV injection): text that starts with `=`, `+`, `-`, `@`, a tab or a carriage
return gets a leading single quote, so that opening the file shows the text and runs nothing.
Numbers are not text: an int, Decimal or float is written as a number (a numeric cell in a
workbook, plain digits in a CSV), and so is text that is nothing but a number, such as "-3.2",
which no spreadsheet would run as a formula.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

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
