"""Value for money on a hand-built council: cost per head against nearest neighbours, the
performance quartile, the grid and the FSR priority list, each worked out on paper."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from benchmarking.models import Authority, BenchmarkValue, ComparatorGroup, Metric
from oim import vfm
from oim.models import ServiceCostMetric
from tests.benchmarking.conftest import authority, group, metric, values
from tests.oim.conftest import TODAY, YEAR, World

pytestmark = pytest.mark.django_db
D = Decimal
COUNCIL = "E07000001"
OTHERS = ["E07000002", "E07000003", "E07000004", "E07000005"]


@pytest.fixture
def costs(world: World) -> None:
    home = authority(COUNCIL, "Our District")
    for code in OTHERS:
        authority(code)
    group("nearest-ours", OTHERS, kind=ComparatorGroup.Kind.NEAREST, owner=home)
    cheap = metric("COST1", polarity="down", decimals=2, unit="currency")
    dear = metric("COST2", polarity="down", decimals=2, unit="currency")
    values(
        cheap, "2017/18", dict(zip([COUNCIL, *OTHERS], ["50", "30", "40", "60", "70"], strict=True))
    )
    values(
        dear, "2017/18", dict(zip([COUNCIL, *OTHERS], ["90", "30", "40", "60", "70"], strict=True))
    )
    # A later period than the year asked for is never used.
    values(dear, "2026/27", {COUNCIL: "1", OTHERS[0]: "99"})
    ServiceCostMetric.objects.create(service=world.services["waste"], metric=cheap)
    ServiceCostMetric.objects.create(service=world.services["housing"], metric=dear)


@override_settings(COUNCIL_AREA_CODE=COUNCIL)
def test_cost_per_head_against_the_nearest_neighbours(world: World, costs: None) -> None:
    rows = {r.service.code: r for r in vfm.vfm_rows(YEAR, today=TODAY)}
    waste = rows["waste"].cost
    assert waste is not None
    # 30, 40, 50, 60, 70: median 50, P25 40; lower is cheaper: 50 is in quartile 2
    assert (waste.value, waste.median, waste.quartile, waste.rank_text) == (
        D("50.00"),
        D("50.00"),
        2,
        "3/5",
    )
    assert waste.against_median == D("100.0")
    housing = rows["housing"].cost
    assert housing is not None and housing.period == "2017/18"
    assert (housing.median, housing.quartile, housing.against_median) == (D("60.00"), 4, D("150.0"))
    assert rows["planning"].cost is None
    assert rows["planning"].cost_problem == "no benchmark metric of spend"


@override_settings(COUNCIL_AREA_CODE=COUNCIL)
def test_the_fsr_priority_list_by_the_documented_rule(world: World, costs: None) -> None:
    rows = {r.service.code: r for r in vfm.vfm_rows(YEAR, today=TODAY)}
    # % on target: housing 100 (quartile 1 of the two), waste 50 (quartile 4)
    assert rows["housing"].performance_quartile == 1
    assert rows["waste"].performance_quartile == 4
    # need: waste 2 + 4 = 6, housing 4 + 1 = 5; shares of £8.5m: 0.7647 and 0.2353
    assert rows["waste"].need == 6 and rows["waste"].budget_share == D("0.7647")
    assert rows["waste"].priority_score == D("10.59")  # 6 × 1.7647 = 10.5882
    assert rows["housing"].priority_score == D("6.18")  # 5 × 1.2353 = 6.1765
    listed = vfm.fsr_priority_list(YEAR, today=TODAY)
    assert [(r.service.code, r.priority) for r in listed] == [("waste", 1), ("housing", 2)]
    assert rows["planning"].missing == [
        "cost quartile (no benchmark metric of spend)",
        "performance quartile (no linked benchmark quartile and no measure rated in the year)",
    ]
    cells = vfm.grid(rows.values())
    assert [r.service.code for r in cells[3][1]] == ["waste"]  # performance 4, cost 2
    assert [r.service.code for r in cells[0][3]] == ["housing"]


@override_settings(COUNCIL_AREA_CODE=COUNCIL)
def test_cost_against_the_median_feeds_the_oim_factor(world: World, costs: None) -> None:
    from oim import assessments
    from tests.oim.conftest import factor

    factor("cost", "Cost per head", "cost_vs_nearest", "1", "85 100 115", up=False)
    ranking = assessments.assess(YEAR, today=TODAY, services=[world.services["housing"]])
    line = next(li for li in ranking.services[0].lines if li.factor.name == "Cost per head")
    assert (line.raw, line.score) == (D("150.0"), 1)
    assert line.basis == (
        "£90.00 per head (COST2, 2017/18) against a nearest-neighbour median of £60.00."
    )


def test_import_outturn_makes_spending_per_head_from_the_real_file() -> None:
    real = Path(settings.BASE_DIR) / "data" / "real"
    call_command("import_authorities", str(real / "uk_local_authorities.csv"), stdout=StringIO())
    out = StringIO()
    call_command(
        "import_outturn", str(real / "revenue_outturn_2017-18.csv"), "--line", "490", stdout=out
    )
    metric_ = Metric.objects.get(code="RO490-HEAD")
    assert metric_.title == "Net spending on housing services (GFRA only) per head"
    oxford = Authority.objects.get(code="E07000178")
    value = BenchmarkValue.objects.get(metric=metric_, authority=oxford, period="2017/18").value
    # Oxford's line 490 in the file, £000 × 1,000 ÷ its 2020 population, to the penny.
    assert oxford.population == 151584
    assert value == D("38.10")


def test_import_outturn_names_an_unknown_line() -> None:
    real = Path(settings.BASE_DIR) / "data" / "real"
    with pytest.raises(Exception, match="No service line 123"):
        call_command("import_outturn", str(real / "revenue_outturn_2017-18.csv"), "--line", "123")
