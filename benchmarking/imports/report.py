"""What a benchmarking import found and did.

Unlike the register's imports, a published extract is imported even when some of its rows are out
of our reach (a Scottish calendar year, an area that is not a local authority): those rows are
reported, by reason, and left out. Missing values (NA, empty) are skipped and counted. A file
that cannot be read, lacks a column, or has a row that makes no sense (a value that is not a
number, the same area and period twice with different values) writes nothing at all.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from targets.imports.report import ImportReport, RowError

# Rows listed per reason on the page and the command line; the counts are always complete.
LISTED_PER_REASON = 10


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


@dataclass
class BenchmarkImportReport(ImportReport):
    skipped: Counter[str] = field(default_factory=Counter)
    not_imported: dict[str, list[RowError]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # The values written (values.ValueChange), when the caller asked to keep them.
    changes: list[Any] = field(default_factory=list)

    @property
    def written(self) -> int:
        return self.created + self.updated

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    @property
    def not_imported_total(self) -> int:
        return sum(len(rows) for rows in self.not_imported.values())

    def skip(self, reason: str) -> None:
        self.skipped[reason] += 1

    def leave_out(self, reason: str, row: int, column: str | None, detail: str) -> None:
        """A row that cannot be read: reported under `reason`, not imported."""
        self.not_imported.setdefault(reason, []).append(RowError(row, column, detail))

    @property
    def summary(self) -> str:
        if not self.ok:
            return super().summary
        counts = (
            f"{_plural(self.rows, 'row')} read, {self.written:,} written "
            f"({self.created:,} new, {self.updated:,} changed), {self.unchanged:,} unchanged, "
            f"{self.skipped_total:,} skipped, {self.not_imported_total:,} not imported"
        )
        if self.dry_run:
            return f"Check only, nothing was written: the {self.kind} import would give {counts}."
        return f"Imported {self.kind}: {counts}."

    def details(self) -> list[str]:
        """The notes, the skipped rows by reason, and the rows not imported (a few of each)."""
        lines = list(self.notes)
        for reason, count in self.skipped.most_common():
            lines.append(f"Skipped {_plural(count, 'row')}: {reason}.")
        for reason, rows in self.not_imported.items():
            lines.append(f"Not imported, {_plural(len(rows), 'row')}: {reason}.")
            lines += [f"  {row}" for row in rows[:LISTED_PER_REASON]]
            if len(rows) > LISTED_PER_REASON:
                lines.append(f"  … and {len(rows) - LISTED_PER_REASON:,} more")
        return lines
