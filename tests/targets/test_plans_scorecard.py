"""The service scorecard groups the service's measures by its improvement plan."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine
from bs4 import BeautifulSoup

from targets.models import Measure, Priority, Service, User
from tests.conftest import client_for
from tests.factories import MeasureFactory, ObjectiveFactory, ServicePlanFactory, ValueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def november_2026() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 11, 26, 12, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def measures(waste: Service) -> dict[str, Measure]:
    made = {}
    for code in ("WST-01", "WST-02", "WST-03", "WST-04"):
        made[code] = MeasureFactory(service=waste, code=code)
        ValueFactory(measure=made[code], period="2026-10", actual=Decimal(50))
    return made


def headings(page: BeautifulSoup) -> list[str]:
    return [h.get_text(" ", strip=True) for h in page.select("section > h2[id^=section-]")]


def rows(page: BeautifulSoup, n: int) -> list[str]:
    section = page.select_one(f"[aria-labelledby=section-{n}]")
    return [th.a.get_text() for th in section.select("tbody th")]


def test_plan_targets_come_first_under_their_objectives(
    waste: Service, measures: dict[str, Measure], priority: Priority, carol: User
) -> None:
    plan = ServicePlanFactory(service=waste, year=2026, summary="Recycle more, for less.")
    plan.measures.set([measures["WST-03"], measures["WST-02"], measures["WST-04"]])
    first = ObjectiveFactory(plan=plan, priority=priority, title="Recycle more", order=1)
    first.measures.set([measures["WST-03"]])
    second = ObjectiveFactory(plan=plan, priority=priority, title="Fewer missed bins", order=2)
    second.measures.set([measures["WST-03"], measures["WST-02"]])  # WST-03 shown once, above

    page = BeautifulSoup(client_for(carol).get("/services/waste/").content, "html.parser")

    assert headings(page) == [
        "Objective, serving priority 4. A cleaner greener city Recycle more (1)",
        "Objective, serving priority 4. A cleaner greener city Fewer missed bins (1)",
        "Other service targets in the plan (1)",
        "Measures not in the plan (1)",
    ]
    assert [rows(page, n) for n in (1, 2, 3, 4)] == [["WST-03"], ["WST-02"], ["WST-04"], ["WST-01"]]
    panel = page.select_one("[aria-labelledby=plan-title]").get_text(" ", strip=True)
    assert "Service improvement plan 2026/27" in panel and "Draft" in panel
    assert "3 service targets, 2 objectives" in panel and "Recycle more, for less." in panel
    assert page.select_one("[aria-labelledby=plan-title] a")["href"] == "/plans/waste/2026/"


def test_without_a_plan_measures_are_grouped_by_kind(
    measures: dict[str, Measure], carol: User
) -> None:
    page = BeautifulSoup(client_for(carol).get("/services/waste/").content, "html.parser")
    assert headings(page) == ["Service measures (4)"]
    assert "has no improvement plan for 2026/27 yet" in page.get_text()


def test_scrutiny_sees_the_grouping_without_plan_links(
    waste: Service, measures: dict[str, Measure], priority: Priority, sam: User
) -> None:
    plan = ServicePlanFactory(service=waste, year=2026)
    plan.measures.set([measures["WST-01"]])
    page = BeautifulSoup(client_for(sam).get("/services/waste/").content, "html.parser")
    assert headings(page)[0].startswith("Other service targets in the plan")
    assert page.select_one("[aria-labelledby=plan-title] a") is None
