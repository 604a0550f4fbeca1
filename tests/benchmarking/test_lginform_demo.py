"""The demo's LG Inform Plus fetch: the real client, pages and import, answered offline from
DEFRA's published figures, and recorded once as a demo fetch."""

from __future__ import annotations

import json
from io import StringIO

import pytest

from benchmarking import demo
from benchmarking.imports import MetricSpec, import_authorities, import_benchmarks
from benchmarking.lginform.client import Request
from benchmarking.lginform.demo import PublishedFiguresTransport
from benchmarking.models import BenchmarkValue, Fetch, Metric
from targets.models import ChangeRecord
from tests.benchmarking.conftest import REAL

pytestmark = [pytest.mark.django_db]
ENV18 = REAL / "recycling_rates_env18.csv"


def test_the_demo_answers_are_defra_figures_in_the_data_method_layout() -> None:
    transport = PublishedFiguresTransport(ENV18)
    url = "https://x.test/data.table?metricType=46&area=E07000178,E06000023&period=latest:2"
    answer = transport.send(Request(url, 1))
    assert answer.status == 200
    records = json.loads(answer.body)
    assert [(r["areaIdentifier"], r["periodLabel"], r["value"]) for r in records] == [
        ("E07000178", "2022/23", 48.6),
        ("E07000178", "2023/24", 48.3),
        ("E06000023", "2022/23", 45.1),
        ("E06000023", "2023/24", None),  # Bristol 2023/24 is NA in DEFRA's file
    ]
    other = transport.send(Request(url.replace("=46", "=17482"), 1))
    assert other.status == 400


def test_the_demo_records_one_fetch_of_env18_that_changes_nothing() -> None:
    with (REAL / "uk_local_authorities.csv").open("rb") as f:
        assert import_authorities(f).ok
    spec = MetricSpec("ENV18", title="Household waste recycled", unit="percent", decimals=1)
    with ENV18.open("rb") as f:
        assert import_benchmarks(f, spec).ok
    Metric.objects.create(code="LGI-17482", title="Major planning applications in time")
    before = list(BenchmarkValue.objects.order_by("pk").values_list("pk", "value"))
    out = StringIO()
    demo._lginform(out, ENV18)
    demo._lginform(out, ENV18)
    fetch = Fetch.objects.get()
    assert (fetch.metric.code, fetch.trigger, fetch.status) == ("ENV18", "demo", "done")
    assert fetch.periods == ["2021/22", "2022/23", "2023/24"]
    # 332 current English authorities, 100 a request, the latest three years each.
    assert (fetch.requests, fetch.rows_read) == (4, 996)
    # DEFRA has 867 English figures for them (Bristol 2023/24 is NA); the rest have none.
    assert (fetch.created, fetch.updated, fetch.unchanged) == (0, 0, 867)
    assert (fetch.missing, fetch.not_imported) == (129, 0)
    assert list(BenchmarkValue.objects.order_by("pk").values_list("pk", "value")) == before
    assert not ChangeRecord.objects.exists()
    ids = dict(Metric.objects.values_list("code", "lginform_id"))
    assert ids == {"ENV18": 46, "LGI-17482": 17482}
    assert "demo fetch from recorded answers: ENV18 (LG Inform 46): Imported" in out.getvalue()
