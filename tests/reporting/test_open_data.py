"""Open data: /public/data.csv and /public/data.json, published values of public measures only."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from reporting.public_views import csv_cell
from targets import services
from targets.models import Measure, Priority, Service, User, Value, ValueStatus
from tests.factories import MeasureFactory, TargetFactory, TargetProfileFactory, ValueFactory

pytestmark = pytest.mark.django_db
OGL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(datetime(2026, 11, 26, 12, tzinfo=UTC), tick=False)


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()


@pytest.fixture
def recycling(waste: Service, priority: Priority) -> Measure:
    measure = MeasureFactory(
        code="CP10",
        title="Household waste recycled",
        kind=Measure.Kind.CORPORATE,
        priority=priority,
        service=waste,
        is_public=True,
    )
    TargetFactory(measure=measure, year=2026, value=Decimal("50"))
    ValueFactory(
        measure=measure,
        period="2026-10",
        actual=Decimal("52.04"),
        published_at=datetime(2026, 11, 12, 9, 30, tzinfo=UTC),
    )
    ValueFactory(measure=measure, period="2026-09", actual=Decimal("46"))
    return measure


def _csv(client: Client | None = None) -> tuple[str, list[dict[str, str]]]:
    response = (client or Client()).get(reverse("public_data_csv"))
    assert response.status_code == 200
    licence, _, table = response.content.decode("utf-8").partition("\r\n")
    return licence, list(csv.DictReader(io.StringIO(table)))


def _json() -> dict[str, Any]:
    response = Client().get(reverse("public_data_json"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content.decode("utf-8"))


def test_csv_names_the_licence_then_parses_as_csv(recycling: Measure) -> None:
    response = Client().get(reverse("public_data_csv"))
    assert response["Content-Type"].startswith("text/csv; charset=utf-8")
    assert response["Link"] == f'<{OGL}>; rel="license"'
    assert "attachment" in response["Content-Disposition"]
    licence, rows = _csv()
    assert licence == (
        f"# Open Government Licence v3.0: {OGL} - published by Oxford City Council"
        " - figures to Oct 2026"
    )
    assert [(r["measure_code"], r["period"]) for r in rows] == [
        ("CP10", "2026-09"),
        ("CP10", "2026-10"),
    ]
    assert rows[1] == {
        "measure_code": "CP10",
        "measure_title": "Household waste recycled",
        "priority": "A cleaner greener city",
        "service": "Waste and Recycling",
        "unit": "percent",
        "polarity": "up",
        "frequency": "monthly",
        "period": "2026-10",
        "period_label": "Oct 2026",
        "financial_year": "2026/27",
        "value": "52.0",
        "target": "50.0",
        "target_lower": "",
        "target_upper": "",
        "status": "green",
        "status_label": "On target",
        "ytd_value": "52.0",
        "ytd_target": "50.0",
        "ytd_target_lower": "",
        "ytd_target_upper": "",
        "ytd_status": "green",
        "ytd_span": "Sep–Oct",
        "ytd_periods": "2026-09 2026-10",
        "revision": "1",
        "published_at": "2026-11-12T09:30:00+00:00",
    }
    assert rows[0]["status"] == "red"


def test_json_has_the_licence_publisher_and_the_same_rows(recycling: Measure) -> None:
    document = _json()
    assert document["licence"] == {"name": "Open Government Licence v3.0", "url": OGL}
    assert document["publisher"] == "Oxford City Council"
    assert document["figures_to"] == {"month": "2026-10", "label": "Oct 2026"}
    assert [(r["period"], r["value"], r["target"]) for r in document["rows"]] == [
        ("2026-09", 46, 50),
        ("2026-10", 52, 50),
    ]
    assert set(document["rows"][0]) == set(document["columns"])


@pytest.mark.parametrize("status", [ValueStatus.DRAFT, ValueStatus.SUBMITTED, ValueStatus.APPROVED])
def test_values_not_yet_published_are_never_open_data(
    recycling: Measure, status: ValueStatus
) -> None:
    ValueFactory(measure=recycling, period="2026-11", actual=Decimal("77.7"), status=status)
    _, rows = _csv()
    assert [r["period"] for r in rows] == ["2026-09", "2026-10"]
    assert [r["period"] for r in _json()["rows"]] == ["2026-09", "2026-10"]
    assert "77.7" not in Client().get(reverse("public_data_json")).content.decode()


def test_measures_not_public_are_never_open_data(recycling: Measure, waste: Service) -> None:
    internal = MeasureFactory(code="WST-99", service=waste)
    ValueFactory(measure=internal, period="2026-10")
    assert {r["measure_code"] for r in _csv()[1]} == {"CP10"}
    assert {r["measure_code"] for r in _json()["rows"]} == {"CP10"}


def test_publishing_and_unpublishing_change_the_open_data_at_once(
    recycling: Measure, pat: User
) -> None:
    value = Value.objects.get(measure=recycling, period="2026-10")
    value.status = ValueStatus.APPROVED
    value.save()
    assert [r["period"] for r in _csv()[1]] == ["2026-09"]
    assert [r["period"] for r in _json()["rows"]] == ["2026-09"]

    services.value_publish(value, user=pat)
    assert [r["period"] for r in _csv()[1]] == ["2026-09", "2026-10"]
    assert [r["period"] for r in _json()["rows"]] == ["2026-09", "2026-10"]


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+44 calls", "'+44 calls"),
        ("-5 ways", "'-5 ways"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTabbed", "'\tTabbed"),
        ("\rReturn", "'\rReturn"),
        ("Plain title", "Plain title"),
    ],
)
def test_text_a_spreadsheet_would_run_is_quoted(text: str, written: str) -> None:
    assert csv_cell(text) == written


def test_negative_figures_stay_numbers(waste: Service) -> None:
    measure = MeasureFactory(
        code="=CMD",
        title="-Net change in £ – balance",
        service=waste,
        unit=Measure.Unit.CURRENCY,
        decimals=1,
        polarity=Measure.Polarity.NONE,
        is_public=True,
    )
    ValueFactory(measure=measure, period="2026-10", actual=Decimal("-3.2"))
    _, [row] = _csv()
    assert (row["measure_code"], row["measure_title"]) == ("'=CMD", "'-Net change in £ – balance")
    assert (row["value"], row["status"], row["status_label"]) == ("-3.2", "grey", "Data only")
    assert _json()["rows"][0]["value"] == -3.2


def test_range_targets_fill_the_lower_and_upper_columns(waste: Service) -> None:
    measure = MeasureFactory(
        code="RNG",
        service=waste,
        polarity=Measure.Polarity.RANGE,
        decimals=0,
        tolerance_abs=Decimal(2),
        is_public=True,
    )
    target = TargetFactory(measure=measure, year=2026, value=None, lower=10, upper=20)
    TargetProfileFactory(target=target, period="2026-10", value=None, lower=12, upper=18)
    ValueFactory(measure=measure, period="2026-10", actual=Decimal("19.4"))
    _, [row] = _csv()
    assert (row["value"], row["target"], row["target_lower"], row["target_upper"]) == (
        "19",
        "",
        "12",
        "18",
    )
    assert row["status"] == "amber"


def test_a_restated_value_carries_its_revision(recycling: Measure) -> None:
    Value.objects.filter(measure=recycling, period="2026-10").update(
        revision=2, actual=Decimal("49"), version=5
    )
    row = _csv()[1][1]
    assert (row["value"], row["revision"], row["status"]) == ("49.0", "2", "amber")
