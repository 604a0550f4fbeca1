"""Helpers for the benchmarking tests: small registers built by hand, and the real files."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from benchmarking.imports import BenchmarkImportReport, MetricSpec, import_benchmarks
from benchmarking.models import Authority, BenchmarkValue, ComparatorGroup, GroupVersion, Metric

REAL = Path(settings.BASE_DIR) / "data" / "real"
OXFORD = "E07000178"


def authority(code: str, name: str | None = None, type: str = "NMD") -> Authority:
    return Authority.objects.create(
        code=code, name=name or f"Council {code}", type=type, type_name="Non-metropolitan district"
    )


def metric(code: str = "M1", **fields: Any) -> Metric:
    fields.setdefault("title", f"Metric {code}")
    fields.setdefault("decimals", 1)
    return Metric.objects.create(code=code, **fields)


def values(metric: Metric, period: str, figures: Mapping[str, str | Decimal]) -> None:
    ids = dict(Authority.objects.filter(code__in=list(figures)).values_list("code", "pk"))
    BenchmarkValue.objects.bulk_create(
        BenchmarkValue(metric=metric, authority_id=ids[code], period=period, value=Decimal(v))
        for code, v in figures.items()
    )


def group(
    slug: str,
    members: Iterable[str],
    *,
    valid_from: int | None = None,
    kind: str = ComparatorGroup.Kind.NAMED,
    owner: Authority | None = None,
) -> ComparatorGroup:
    found, _ = ComparatorGroup.objects.get_or_create(
        slug=slug,
        defaults={"name": slug.replace("-", " ").title(), "kind": kind, "authority": owner},
    )
    version = GroupVersion.objects.create(group=found, valid_from=valid_from)
    version.members.set(Authority.objects.filter(code__in=list(members)))
    return found


def csv_file(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode())


def import_csv(text: str, code: str = "M1", **spec: Any) -> BenchmarkImportReport:
    spec.setdefault("title", f"Metric {code}")
    return import_benchmarks(csv_file(text), MetricSpec(code, **spec))


@pytest.fixture
def five() -> list[Authority]:
    """Five districts A…E (E07000001…E07000005) and one unitary (E06000001)."""
    made = [authority(f"E0700000{i}", f"District {'ABCDE'[i - 1]}") for i in range(1, 6)]
    made.append(authority("E06000001", "Unitary F", type="UA"))
    return made
