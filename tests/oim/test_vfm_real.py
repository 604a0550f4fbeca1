"""Value for money recomputed by hand from the real published files: Oxford's waste service
(revenue outturn line 590 per head; DEFRA's recycling rate linked to its measure), with the
arithmetic done here from the CSV files, independently of the import and of pandas."""

from __future__ import annotations

import csv
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from django.conf import settings

from benchmarking.imports import MetricSpec, import_authorities, import_benchmarks, import_groups
from oim import vfm
from oim.models import ServiceCostMetric
from oim.outturn import import_per_head
from tests.factories import MeasureFactory, ServiceFactory, TargetFactory, ValueFactory

pytestmark = pytest.mark.django_db
D = Decimal
OXFORD = "E07000178"
LINE = "590: Environmental and regulatory services"
REAL = Path(settings.BASE_DIR) / "data" / "real"


def _rows(name: str) -> list[dict[str, str]]:
    with (REAL / name).open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def _percentile(values: list[Decimal], p: Decimal) -> Decimal:
    """Linear interpolation between the closest ranks (Excel's PERCENTILE.INC)."""
    ordered = sorted(values)
    h = (len(ordered) - 1) * p
    low = int(h)
    if low + 1 >= len(ordered):
        return ordered[low]
    return ordered[low] + (h - low) * (ordered[low + 1] - ordered[low])


def _cheapest_quartile(value: Decimal, values: list[Decimal]) -> int:
    p25, p50, p75 = (_percentile(values, D(q)) for q in ("0.25", "0.5", "0.75"))
    return 1 if value <= p25 else 2 if value <= p50 else 3 if value <= p75 else 4


def _best_quartile(value: Decimal, values: list[Decimal]) -> int:
    p25, p50, p75 = (_percentile(values, D(q)) for q in ("0.25", "0.5", "0.75"))
    return 1 if value >= p75 else 2 if value >= p50 else 3 if value >= p25 else 4


@pytest.fixture
def loaded() -> None:
    with (REAL / "uk_local_authorities.csv").open("rb") as f:
        assert import_authorities(f).ok
    with (REAL / "nearest_neighbours.csv").open("rb") as f:
        assert import_groups(f, source="nearest_neighbours.csv").ok
    with (REAL / "revenue_outturn_2017-18.csv").open("rb") as f:
        report, _ = import_per_head(f, line="590", code="RO590-HEAD")
        assert report.ok
    waste = ServiceFactory(code="waste", name="Waste and recycling")
    MeasureFactory(code="NI192", service=waste)
    spec = MetricSpec(
        "ENV18", title="Recycling", polarity="up", decimals=1, unit="percent", measure="NI192"
    )
    with (REAL / "recycling_rates_env18.csv").open("rb") as f:
        assert import_benchmarks(f, spec).ok
    from benchmarking.models import Metric

    ServiceCostMetric.objects.create(service=waste, metric=Metric.objects.get(code="RO590-HEAD"))


def test_waste_row_recomputed_by_hand_from_the_real_files(loaded: None) -> None:
    """(One test: loading the real files takes most of its time.)"""
    register = {r["gss-code"]: r for r in _rows("uk_local_authorities.csv")}
    population = {
        code: D(r["pop-2020"]) for code, r in register.items() if r["pop-2020"] not in ("", "0")
    }
    per_head: dict[str, Decimal] = {}
    for row in _rows("revenue_outturn_2017-18.csv"):
        code = row["ONS Code"].strip()
        try:
            spend = D(row[LINE])
        except ArithmeticError:
            continue
        if code in population:
            per_head[code] = (spend * 1000 / population[code]).quantize(D("0.01"), ROUND_HALF_UP)
    group = {
        r["neighbour_code"]
        for r in _rows("nearest_neighbours.csv")
        if r["authority_code"] == OXFORD
    }
    assert len(group) == 16 and OXFORD in group
    nearest = [per_head[c] for c in group if c in per_head]
    districts = [v for c, v in per_head.items() if register[c]["local-authority-type"] == "NMD"]
    ours = per_head[OXFORD]

    recycling = {
        r["area_code"]: D(r["value"]).quantize(D("0.1"), ROUND_HALF_UP)
        for r in _rows("recycling_rates_env18.csv")
        if r["period"] == "2017/18" and r["area_code"] in group and r["value"] != "NA"
    }

    row = next(r for r in vfm.vfm_rows(2017, today=date(2018, 6, 1)) if r.service.code == "waste")
    assert row.cost is not None and row.cost_all is not None
    assert row.cost.value == ours
    assert abs(row.cost.median - _percentile(nearest, D("0.5"))) < D("0.005")
    assert row.cost.quartile == _cheapest_quartile(ours, nearest)
    assert row.cost.rank_text == f"{1 + sum(v < ours for v in nearest)}/{len(nearest)}"
    assert row.cost.n == len(nearest) == 16
    # Side by side: every shire district with a figure.
    assert row.cost_all.n == len(districts) > 150
    assert abs(row.cost_all.median - _percentile(districts, D("0.5"))) < D("0.005")
    assert row.cost_all.quartile == _cheapest_quartile(ours, districts)
    assert row.cost_all.rank_text == f"{1 + sum(v < ours for v in districts)}/{len(districts)}"
    assert row.cost_all.group_label == "All non-metropolitan districts (NMD)"
    # Performance: the national recycling figures' quartile, not the council's own ranking.
    assert row.performance_source == vfm.QuartileSource.BENCHMARK
    assert row.performance_quartile == _best_quartile(recycling[OXFORD], list(recycling.values()))
    assert "ENV18 2017/18" in row.performance_basis

    # A service with no linked benchmark quartile falls back to the council's own ranking.
    parks = ServiceFactory(code="parks", name="Parks")
    halls = ServiceFactory(code="halls", name="Halls")
    for service, code, actual in ((parks, "PK1", "90"), (halls, "HL1", "10")):
        measure = MeasureFactory(code=code, service=service, active_from=2017)
        TargetFactory(measure=measure, year=2017, value=D("50"))
        ValueFactory(measure=measure, period="2018-03", actual=D(actual))
    rows = {r.service.code: r for r in vfm.vfm_rows(2017, today=date(2018, 6, 1))}
    # Parks 100% on target, Halls 0%: of two, the better is quartile 1, the other 4.
    assert rows["parks"].performance_source == vfm.QuartileSource.OWN_RANKING
    assert (rows["parks"].performance_quartile, rows["halls"].performance_quartile) == (1, 4)
    assert "own ranking" in rows["parks"].performance_basis
    assert rows["waste"].performance_source == vfm.QuartileSource.BENCHMARK
