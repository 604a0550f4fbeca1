"""Reading one row's cells as typed values, recording every problem in the report.

Numbers are strict: an optional sign, digits with optional thousands commas, an optional decimal
point ("-1,234.5"); no %, £ or spaces. They are rounded to 6 decimal places, as stored. A cell
that starts with "=" is a formula and is refused: the importer never evaluates anything.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from targets.imports.reader import Cell
from targets.imports.report import ImportReport

MAX_CELL_CHARS = 10_000
# Figures are stored with up to 14 digits before the point and 6 after.
MAX_MAGNITUDE = Decimal(10) ** 14
_NUMBER = re.compile(r"[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)")
_TRUE = {"yes", "y", "true", "1"}
_FALSE = {"no", "n", "false", "0"}
LABELS = {
    "dq_flag": "Data quality flag",
    "tolerance_pct": "Tolerance (%)",
    "tolerance_abs": "Absolute tolerance",
    "active_from": "Active from",
    "active_to": "Active to",
    "due_days": "Due days",
    "data_source": "Data source",
    "corrective_action": "Corrective action",
}


def label(column: str) -> str:
    return LABELS.get(column, column.replace("_", " ").capitalize())


@functools.cache
def _places(places: int) -> Decimal:
    return Decimal(1).scaleb(-places)


class RowCells:
    """One row's cells; each reader returns None (or "") and records the problem when invalid."""

    def __init__(
        self, number: int, values: dict[str, Cell], columns: frozenset[str], report: ImportReport
    ) -> None:
        self.number = number
        self.ok = True
        self._values = values
        self._columns = columns
        self._report = report

    def has(self, column: str) -> bool:
        """Whether the file has this column at all (an absent column leaves a field as it is)."""
        return column in self._columns

    def error(self, column: str | None, reason: str) -> None:
        self.ok = False
        self._report.add(self.number, column, reason)

    def _raw(self, column: str, required: bool) -> Cell:
        value = self._values.get(column)
        if isinstance(value, str):
            if len(value) > MAX_CELL_CHARS:
                self.error(column, f"The cell is longer than {MAX_CELL_CHARS:,} characters")
                return None
            if value.startswith("="):
                self.error(column, "Formulas are not accepted: enter the value itself")
                return None
        elif value is None and required:
            self.error(column, f"{label(column)} is required")
        return value

    def text(self, column: str, *, required: bool = False, max_length: int | None = None) -> str:
        if not required and column not in self._values:  # a column the file does not have
            return ""
        value = self._raw(column, required)
        if value is None:
            return ""
        text = format(value.normalize(), "f") if isinstance(value, Decimal) else value
        if max_length is not None and len(text) > max_length:
            self.error(column, f"{label(column)} is longer than {max_length} characters")
            return ""
        return text

    def decimal(
        self,
        column: str,
        *,
        required: bool = False,
        places: int = 6,
        minimum: Decimal | None = None,
        maximum: Decimal = MAX_MAGNITUDE,
    ) -> Decimal | None:
        if not required and column not in self._values:  # a column the file does not have
            return None
        value = self._raw(column, required)
        if value is None:
            return None
        if isinstance(value, str):
            if not _NUMBER.fullmatch(value):
                self.error(column, f"{label(column)} must be a number")
                return None
            value = Decimal(value.replace(",", ""))
        try:
            number = value.quantize(_places(places), rounding=ROUND_HALF_UP)
        except InvalidOperation:  # too many digits for the context, or not finite
            number = None
        if number is None or abs(number) >= maximum:
            self.error(column, f"{label(column)} is too large")
            return None
        if minimum is not None and number < minimum:
            self.error(column, f"{label(column)} cannot be less than {minimum}")
            return None
        return number

    def integer(
        self, column: str, *, required: bool = False, minimum: int, maximum: int
    ) -> int | None:
        value = self._raw(column, required)
        if value is None:
            return None
        number = value if isinstance(value, Decimal) else None
        if isinstance(value, str) and value.lstrip("+-").isdigit() and len(value) < 10:
            number = Decimal(value)
        if number is None or number != number.to_integral_value():
            self.error(column, f"{label(column)} must be a whole number")
            return None
        if not minimum <= number <= maximum:
            self.error(column, f"{label(column)} must be between {minimum} and {maximum}")
            return None
        return int(number)

    def choice(self, column: str, choices: Iterable[str], *, required: bool = False) -> str | None:
        """One of `choices`, in any case."""
        text = self.text(column, required=required)
        if not text:
            return None
        options = list(choices)
        if text.lower() not in options:
            self.error(column, f"{label(column)} must be one of {', '.join(options)}")
            return None
        return text.lower()

    def boolean(self, column: str) -> bool | None:
        text = self.text(column).lower()
        if not text:
            return None
        if text in _TRUE | _FALSE:
            return text in _TRUE
        self.error(column, f"{label(column)} must be yes or no")
        return None
