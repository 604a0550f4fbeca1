"""Spreadsheet imports (CSV or XLSX) of measures, targets and values: all or nothing."""

from __future__ import annotations

from targets.imports.measures import import_measures
from targets.imports.report import FileRejected, ImportReport, RowError
from targets.imports.targets import import_targets
from targets.imports.values import import_values

__all__ = [
    "FileRejected",
    "ImportReport",
    "RowError",
    "import_measures",
    "import_targets",
    "import_values",
]
