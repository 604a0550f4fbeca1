"""/api/v1/scorecard/: rows and summary, agreeing with the dashboard."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from targets.models import Measure, Priority, Service, User, ValueStatus
from tests.conftest import client_for
from tests.factories import MeasureFactory, PriorityFactory, TargetFactory, ValueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(datetime(2026, 11, 26, 12, tzinfo=UTC), tick=False)


@pytest.fixture
def council(waste: Service, housing: Service, priority: Priority) -> None:
    """Four corporate measures: green, amber (lower is better), red that turned red, late."""
    other = PriorityFactory(number=1, name="Meeting housing needs")

    def measure(code: str, service: Service, prio: Priority, **kw: Any) -> Measure:
        m = MeasureFactory(
            code=code,
            service=service,
            kind=Measure.Kind.CORPORATE,
            priority=prio,
            tolerance_pct=Decimal(10),
            **kw,
        )
        TargetFactory(measure=m, year=2026, value=Decimal(50))
        TargetFactory(measure=m, year=2025, value=Decimal(50))
        return m

    green = measure("CP01", housing, other)
    ValueFactory(measure=green, period="2026-10", actual=Decimal(60))
    amber = measure("CP02", housing, other, polarity=Measure.Polarity.DOWN)
    ValueFactory(measure=amber, period="2026-10", actual=Decimal(54), status=ValueStatus.SUBMITTED)
    red = measure("CP03", waste, priority)
    ValueFactory(measure=red, period="2026-09", actual=Decimal(52))
    ValueFactory(
        measure=red, period="2026-10", actual=Decimal(30), corrective_action="Extra crews."
    )
    measure("CP04", waste, priority)  # nothing entered: late
    MeasureFactory(code="SV01", service=waste)  # a service measure


def test_rows_and_summary(carol: User, council: None) -> None:
    body = client_for(carol).get("/api/v1/scorecard/", {"kind": "corporate"}).json()
    assert body["period"] == "2026-10"
    assert body["summary"] == {
        "rated": 3,
        "green": 1,
        "amber": 1,
        "red": 1,
        "grey": 1,
        "late": 1,
        "percent_on_target": 33,
        "text": "1 of 3 (33%) on target",
    }
    rows = {r["code"]: r for r in body["rows"]}
    assert set(rows) == {"CP01", "CP02", "CP03", "CP04"}
    assert rows["CP02"]["rag"] == "amber" and rows["CP02"]["not_yet_approved"] is True
    assert rows["CP03"]["dot_short"] == "worsening"
    assert rows["CP04"]["rag_reason"] == "no_data" and rows["CP04"]["late"] is True
    assert rows["CP01"]["target"] == "50.000000"


def test_scrutiny_sees_published_only(sam: User, council: None) -> None:
    rows = {r["code"]: r for r in client_for(sam).get("/api/v1/scorecard/").json()["rows"]}
    assert rows["CP02"]["actual"] is None
    assert rows["CP02"]["rag_reason"] == "no_data"


def test_filters_by_service_priority_and_rag(
    carol: User, council: None, priority: Priority
) -> None:
    client = client_for(carol)
    codes = lambda r: sorted(x["code"] for x in r.json()["rows"])  # noqa: E731
    assert codes(client.get("/api/v1/scorecard/", {"service": "waste", "kind": "corporate"})) == [
        "CP03",
        "CP04",
    ]
    assert codes(client.get("/api/v1/scorecard/", {"priority": priority.pk})) == ["CP03", "CP04"]
    assert codes(client.get("/api/v1/scorecard/", {"rag": "red"})) == ["CP03"]
    assert codes(client.get("/api/v1/scorecard/", {"rag": "late"})) == ["CP04", "SV01"]
    assert "SV01" in codes(client.get("/api/v1/scorecard/", {"kind": "service"}))


def test_bad_period_is_a_clear_400(carol: User, council: None) -> None:
    response = client_for(carol).get("/api/v1/scorecard/", {"period": "2026-13"})
    assert response.status_code == 400
    assert response.json() == {"period": ["Period 2026-13 does not exist"]}
    future = client_for(carol).get("/api/v1/scorecard/", {"period": "2027-01"})
    assert future.json() == {"period": ["Jan 2027 has not ended yet."]}


def test_anonymous_is_refused() -> None:
    assert Client().get("/api/v1/scorecard/").status_code in (401, 403)


def test_api_and_dashboard_agree(carol: User, council: None) -> None:
    api = client_for(carol).get("/api/v1/scorecard/", {"kind": "corporate"}).json()
    page = BeautifulSoup(client_for(carol).get("/").content, "html.parser")
    assert page.select_one(".summary__headline").get_text(strip=True) == api["summary"]["text"]


def test_dashboard_lists_measures_that_turned_red(carol: User, council: None) -> None:
    page = BeautifulSoup(client_for(carol).get("/").content, "html.parser")
    red = page.select_one("[aria-labelledby=red-title]").get_text(" ", strip=True)
    assert "CP03" in red and "Extra crews." in red
    assert "CP01" not in red


def test_dashboard_trend_covers_24_months(carol: User, council: None) -> None:
    page = BeautifulSoup(client_for(carol).get("/").content, "html.parser")
    rows = page.select("[aria-labelledby=trend-title] tbody tr")
    assert len(rows) == 24
    assert rows[-1].th.get_text(strip=True) == "Oct 2026"
    assert "1 of 3 (33%) on target" in rows[-1].get_text()
    assert "1 of 1 (100%)" in rows[-2].get_text()  # Sep 2026: only CP03 had a value


def test_service_scorecard_shows_late_and_owner(carol: User, council: None, alice: User) -> None:
    Measure.objects.filter(code="CP04").update(updater=alice)
    page = BeautifulSoup(client_for(carol).get("/services/waste/").content, "html.parser")
    late = page.select_one("[aria-labelledby=late-title]").get_text(" ", strip=True)
    assert "CP04" in late and str(alice) in late
    assert "CP01" not in page.get_text()  # housing's


def test_year_to_date_takes_actual_and_target_over_the_same_months(
    carol: User, sam: User, waste: Service, priority: Priority
) -> None:
    """Published to June, July submitted: scrutiny's year to date runs to June, actual and
    target alike; the management team's to July."""
    visits = MeasureFactory(
        code="CP05",
        service=waste,
        kind=Measure.Kind.CORPORATE,
        priority=priority,
        unit=Measure.Unit.COUNT,
        decimals=0,
        aggregation=Measure.Aggregation.SUM,
    )
    TargetFactory(measure=visits, year=2026, value=Decimal(1200))
    for month in ("2026-04", "2026-05", "2026-06"):
        ValueFactory(measure=visits, period=month, actual=Decimal(95))
    ValueFactory(
        measure=visits, period="2026-07", actual=Decimal(130), status=ValueStatus.SUBMITTED
    )
    query = {"period": "2026-07", "kind": "corporate"}
    [scrutiny] = client_for(sam).get("/api/v1/scorecard/", query).json()["rows"]
    [staff] = client_for(carol).get("/api/v1/scorecard/", query).json()["rows"]
    assert scrutiny["actual"] is None
    assert (scrutiny["ytd_actual"], scrutiny["ytd_target"]) == ("285.000000", "300.000000")
    assert (scrutiny["ytd_span"], scrutiny["ytd_rag"]) == ("Apr–Jun", "amber")
    assert scrutiny["ytd_periods"] == ["2026-04", "2026-05", "2026-06"]
    assert (staff["ytd_actual"], staff["ytd_target"]) == ("415.000000", "400.000000")
    assert (staff["ytd_span"], staff["ytd_rag"]) == ("Apr–Jul", "green")
