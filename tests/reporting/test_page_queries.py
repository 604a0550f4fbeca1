"""Issue 18: the corporate dashboard and a service scorecard each cost a fixed number of
queries, at most 12, whatever the depth of the council's history: rendered afresh (the cache
emptied) and from the cache."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from targets import periods
from targets.models import Measure, Priority, Service, ServiceRole, TargetProfile, User, Value
from tests.conftest import client_for
from tests.factories import (
    MeasureFactory,
    ObjectiveFactory,
    ServicePlanFactory,
    TargetFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MONTH = periods.parse_period("2026-10")
PAGES = ["/", "/services/waste/"]


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(datetime(2026, 11, 26, 12, tzinfo=UTC), tick=False)


def _history(measures: list[Measure], years: range) -> None:
    """Targets (one profiled) and a published value a month for every measure and year."""
    values = []
    for measure in measures:
        for year in years:
            target = TargetFactory(measure=measure, year=year, value=Decimal("50"))
            TargetProfile.objects.create(target=target, period=f"{year}-04", value=Decimal("40"))
            for month in periods.periods_in_year(year, periods.Frequency.MONTHLY):
                if month <= MONTH:
                    values.append(Value(measure=measure, period=month.code, actual=Decimal(48)))
    Value.objects.bulk_create(values)


@pytest.fixture
def council(waste: Service, priority: Priority) -> list[Measure]:
    """A service with its head, champion and plan (objectives serving a priority); corporate
    and service measures with a year of history."""
    waste.head = UserFactory(username="hannah", first_name="Hannah")
    waste.save()
    champion = UserFactory(
        username="dora", first_name="Dora", last_name="Finch", job_title="Analyst"
    )
    ServiceRole.objects.create(user=champion, service=waste, role=ServiceRole.Role.DQ_CHAMPION)
    measures = [
        MeasureFactory(code=f"CP{n}", kind=Measure.Kind.CORPORATE, priority=priority, service=waste)
        for n in range(3)
    ] + [MeasureFactory(code=f"WST-{n}", service=waste) for n in range(3)]
    plan = ServicePlanFactory(service=waste, year=2026)
    plan.measures.set(measures[2:5])
    for order, chosen in enumerate((measures[2:4], measures[4:5])):
        ObjectiveFactory(plan=plan, priority=priority, order=order).measures.set(chosen)
    _history(measures, range(2026, 2027))
    return measures


def _count(client: Client, path: str, assert_max: Any, most: int) -> int:
    with assert_max(most) as queries:
        assert client.get(path).status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize("path", PAGES)
def test_a_page_costs_the_same_few_queries_at_any_depth_of_history(
    path: str, council: list[Measure], carol: User, django_assert_max_num_queries: Any
) -> None:
    client = client_for(carol)
    client.get(path)  # the session, warmed
    counts = []
    for years in (None, range(2016, 2026)):  # a year of history, then eleven
        if years:
            _history(council, years)
        cache.clear()  # the work of a first render, not the cache
        uncached = _count(client, path, django_assert_max_num_queries, 12)
        cached = _count(client, path, django_assert_max_num_queries, uncached)
        counts.append((uncached, cached))
    assert counts[0] == counts[1]
    assert counts[0][1] < counts[0][0]  # the figures come from the cache


def test_the_scorecard_shows_the_service_plan_head_and_champion_it_loaded(
    council: list[Measure], carol: User
) -> None:
    text = client_for(carol).get("/services/waste/").content.decode()
    assert "Head of service: Hannah" in text
    assert "Data-quality champion: Dora Finch (Analyst)." in text, text[text.find("dq-champion") :][
        :200
    ]
    assert "3 service targets, 2 objectives" in text


@pytest.mark.parametrize("path", PAGES)
def test_a_first_render_reads_the_data_quality_flags_once(
    path: str, council: list[Measure], carol: User
) -> None:
    client = client_for(carol)
    client.get(path)  # the session, warmed
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    audits = [q for q in queries.captured_queries if "targets_dataqualityaudit" in q["sql"]]
    assert len(audits) == 1
