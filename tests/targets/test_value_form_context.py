"""The single-value form (`/measures/CODE/enter/`) shows the month grid's context, and keeps its
status line and what was typed after a refusal."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from targets import services
from targets.models import Measure, Service, User, Value
from tests.conftest import client_for
from tests.factories import MeasureFactory, TargetFactory, ValueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(datetime(2026, 11, 26, 12, tzinfo=UTC), tick=False)


@pytest.fixture
def measure(waste: Service) -> Measure:
    measure = MeasureFactory(code="WST-01", title="Bins collected on time", service=waste)
    TargetFactory(measure=measure, year=2026, value=Decimal("50"))
    return measure


def url(measure: Measure, period: str = "2026-10") -> str:
    return reverse("value_edit", args=[measure.code]) + f"?period={period}"


def soup(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def facts(response: Any) -> str:
    found = soup(response).select_one(".facts")
    assert found is not None
    return " ".join(found.get_text(" ", strip=True).split())


def test_shows_last_period_and_same_period_last_year(alice: User, measure: Measure) -> None:
    ValueFactory(measure=measure, period="2026-09", actual=Decimal("48.25"), status="draft")
    ValueFactory(measure=measure, period="2025-10", actual=Decimal("51"))
    shown = facts(client_for(alice).get(url(measure)))
    assert "Target 50.0%" in shown
    assert "Last period (Sep 2026) 48.3% draft" in shown
    assert "Same period last year (Oct 2025) 51.0%" in shown
    assert "Status New" in shown


def test_shows_the_status_and_rag_of_the_stored_value(alice: User, measure: Measure) -> None:
    ValueFactory(measure=measure, period="2026-10", actual=Decimal("48"), status="draft")
    shown = facts(client_for(alice).get(url(measure)))
    assert "Status Draft" in shown
    assert "RAG now ! Within tolerance" in shown


def test_returned_value_says_who_returned_it_and_why(
    alice: User, hannah: User, measure: Measure
) -> None:
    value = ValueFactory(
        measure=measure, period="2026-10", status="submitted", entered_by=alice, submitted_by=alice
    )
    services.value_return(value, user=hannah, reason="Use the validated count.")
    hannah.first_name, hannah.last_name = "Hannah", "Head"
    hannah.save()
    response = client_for(alice).get(url(measure))
    assert "Status Returned" in facts(response)
    notice = soup(response).select_one(".notice--warning")
    assert notice is not None
    assert " ".join(notice.get_text(" ", strip=True).split()) == (
        "Returned to you by Hannah Head on 26 Nov 2026 Use the validated count."
    )


def test_status_line_and_entries_survive_a_refusal(alice: User, measure: Measure) -> None:
    response = client_for(alice).post(
        url(measure),
        {
            "version": 0,
            "actual": "30",
            "commentary": "Crews off sick.",
            "dq_flag": "final",
            "action": "submit",
        },
    )
    assert response.status_code == 200
    assert not Value.objects.exists()
    page = soup(response)
    preview = page.select_one("#rag-preview")
    assert preview is not None and "Off target" in preview.get_text()
    assert page.select_one("input[name=actual]")["value"] == "30"
    assert page.select_one("textarea[name=commentary]").get_text().strip() == "Crews off sick."
    note = page.select_one("[data-required-note]")
    assert note is not None and not note.has_attr("hidden")


def test_status_line_survives_an_error_in_another_field(alice: User, measure: Measure) -> None:
    response = client_for(alice).post(
        url(measure),
        {"version": 0, "actual": "55", "forecast": "soon", "dq_flag": "final", "action": "save"},
    )
    assert response.status_code == 200
    preview = soup(response).select_one("#rag-preview")
    assert preview is not None and "On target" in preview.get_text()
    assert not Value.objects.exists()


def test_live_preview_refuses_what_is_not_a_number(alice: User, measure: Measure) -> None:
    client = client_for(alice)
    base = reverse("value_preview", args=[measure.code]) + "?period=2026-10"
    for figure, message in (
        ("lots", "Value must be a number"),
        ("NaN", "Value must be a number"),
        ("Infinity", "Value must be a number"),
        ("1e30", "Value has too many digits"),
    ):
        response = client.get(f"{base}&actual={figure}")
        assert (response.status_code, response.json()) == (400, {"error": message})
    red = client.get(f"{base}&actual=20").json()
    assert (red["rag"], red["corrective_action_required"]) == ("red", True)
