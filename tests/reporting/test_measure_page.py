"""The measure page: chart data (actual, target, Amber band) and its table."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup

from targets.models import Measure, Service, User, ValueStatus
from tests.conftest import client_for
from tests.factories import MeasureFactory, TargetFactory, ValueFactory

pytestmark = pytest.mark.django_db


def chart(user: User, measure: Measure) -> dict[str, object]:
    page = BeautifulSoup(client_for(user).get(measure.get_absolute_url()).content, "html.parser")
    return json.loads(page.select_one("#measure-chart-data").string)


@pytest.mark.parametrize(
    ("polarity", "target", "band"),
    [
        ("up", {"value": Decimal(50)}, (45.0, 50.0)),
        ("down", {"value": Decimal(50)}, (50.0, 55.0)),
        ("range", {"value": None, "lower": Decimal(40), "upper": Decimal(60)}, (36.0, 66.0)),
        ("none", {"value": Decimal(50)}, (None, None)),
    ],
)
def test_chart_has_actual_target_and_amber_band(
    carol: User, waste: Service, polarity: str, target: dict[str, Decimal], band: tuple
) -> None:
    measure = MeasureFactory(service=waste, polarity=polarity, tolerance_pct=Decimal(10))
    TargetFactory(measure=measure, year=2025, **target)
    ValueFactory(measure=measure, period="2025-05", actual=Decimal(48))
    ValueFactory(measure=measure, period="2025-04", actual=Decimal(47))
    data = chart(carol, measure)
    assert data["x"] == ["Apr 2025", "May 2025"]
    assert data["actual"] == [47.0, 48.0]
    assert (data["band_low"][0], data["band_high"][0]) == band


def test_chart_leaves_out_values_the_viewer_may_not_see(sam: User, waste: Service) -> None:
    measure = MeasureFactory(service=waste)
    ValueFactory(measure=measure, period="2025-04", actual=Decimal(47))
    ValueFactory(measure=measure, period="2025-05", actual=Decimal(99), status=ValueStatus.APPROVED)
    assert chart(sam, measure)["actual"] == [47.0]
