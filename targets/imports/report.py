"""What an import found and did: counts, and every problem with its row and column."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RowError:
    """One problem: `row` as the spreadsheet numbers it (header = 1); None for the whole file."""

    row: int | None
    column: str | None
    reason: str

    def __str__(self) -> str:
        if self.row is None:
            return self.reason
        where = f"row {self.row}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.reason}"


class FileRejected(Exception):
    """The file cannot be read as a table at all (not a spreadsheet, too big, a zip bomb…)."""

    def __init__(self, *errors: RowError | str) -> None:
        self.errors = [e if isinstance(e, RowError) else RowError(None, None, e) for e in errors]
        super().__init__("; ".join(str(e) for e in self.errors))


@dataclass
class ImportReport:
    kind: str
    dry_run: bool = False
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    batch: str = ""
    # What else the import did, in words: "CP05: first year moved back from 2026/27 to 2019/20".
    notes: list[str] = field(default_factory=list)
    # Rows whose figure was questioned and explained: (measure, period code, question).
    questioned: list[Any] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def bad_rows(self) -> int:
        return len({e.row for e in self.errors if e.row is not None})

    def add(self, row: int | None, column: str | None, reason: str) -> None:
        self.errors.append(RowError(row, column, reason))

    def sort_errors(self) -> None:
        """Put problems in row order (whole-file ones first), as checks find them out of order."""
        self.errors.sort(key=lambda error: error.row or 0)

    @property
    def summary(self) -> str:
        """One sentence: what was (or would be) done, or why nothing was."""
        if not self.ok:
            problems = f"{len(self.errors)} problem{'s' if len(self.errors) != 1 else ''}"
            if self.bad_rows:
                problems += f" in {self.bad_rows} row{'s' if self.bad_rows != 1 else ''}"
            return f"Nothing was imported: the file has {problems}."
        counts = (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged "
            f"({self.rows} row{'s' if self.rows != 1 else ''})"
        )
        if self.dry_run:
            return f"Check only, nothing was written: the {self.kind} import would give {counts}."
        return f"Imported {self.kind}: {counts}."

    def lines(self) -> list[str]:
        return [str(error) for error in self.errors]
