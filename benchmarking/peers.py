"""Benchmark peers' figures for our measures' periods: what `targets.questions` (found at run time,
so `targets` imports nothing of ours) compares a value with before it is submitted."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings

from benchmarking.models import BenchmarkValue


def peer_values(pairs: Iterable[tuple[int, str]]) -> dict[tuple[int, str], list[Decimal]]:
    """{(measure id, period code): other authorities' values} of the metrics linked to those
    measures, for exactly those periods (the council's own value left out), in one query."""
    wanted = set(pairs)
    if not wanted:
        return {}
    found: dict[tuple[int, str], list[Decimal]] = defaultdict(list)
    rows = (
        BenchmarkValue.objects.filter(
            metric__measure_id__in={m for m, _ in wanted}, period__in={p for _, p in wanted}
        )
        .exclude(authority__code=settings.COUNCIL_AREA_CODE)
        .values_list("metric__measure_id", "period", "value")
    )
    for measure_id, period, value in rows:
        if (measure_id, period) in wanted:
            found[(measure_id, period)].append(value)
    return dict(found)
