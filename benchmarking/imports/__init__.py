"""Benchmarking imports: the register of authorities, comparator groups and metric values.

They read files with the register's safe reader (`targets.imports.reader`) and report with its
RowError; see `report.py` for what is imported, skipped or refused.
"""

from __future__ import annotations

from benchmarking.imports.authorities import import_authorities
from benchmarking.imports.groups import import_groups
from benchmarking.imports.report import BenchmarkImportReport
from benchmarking.imports.values import (
    MetricSpec,
    ValueChange,
    import_benchmark_table,
    import_benchmarks,
)

__all__ = [
    "BenchmarkImportReport",
    "MetricSpec",
    "ValueChange",
    "import_authorities",
    "import_benchmark_table",
    "import_benchmarks",
    "import_groups",
]
