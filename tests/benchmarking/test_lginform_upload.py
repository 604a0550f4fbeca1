"""Every service shares its benchmark data: an exercise records the day its data went to LG
Inform, and the compliance page shows, per service, whether an exercise of the year (not
cancelled) was shared."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from bs4 import BeautifulSoup

from benchmarking.models import Exercise
from benchmarking.services import compliance
from targets.models import Service, User
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
FORM = {
    "year": "2026",
    "title": "Collection costs",
    "sector": "within",
    "partner": "APSE",
    "scope": "Cost per household",
    "status": "complete",
}


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(datetime(2026, 11, 20, 12, tzinfo=UTC), tick=False)


def make(service: Service, **fields: Any) -> Exercise:
    data: dict[str, Any] = {**FORM, "year": 2026, **fields}
    return Exercise.objects.create(service=service, **data)


def test_the_upload_date_is_recorded_and_cannot_be_in_the_future(
    hannah: User, waste: Service
) -> None:
    client = client_for(hannah)
    data = {**FORM, "service": waste.pk, "lginform_uploaded_on": "2026-12-01"}
    refused = client.post("/benchmarking/exercises/new/", data)
    assert refused.status_code == 400
    assert "The upload date cannot be in the future." in refused.content.decode()
    saved = client.post(
        "/benchmarking/exercises/new/", {**data, "lginform_uploaded_on": "2026-10-15"}
    )
    assert saved.status_code == 302
    exercise = Exercise.objects.get()
    assert exercise.lginform_uploaded_on == date(2026, 10, 15)
    page = BeautifulSoup(client.get(exercise.get_absolute_url()).content, "html.parser")
    assert "15 October 2026" in page.get_text()


def test_compliance_counts_the_years_uploads_but_not_cancelled_ones(
    waste: Service, housing: Service, pat: User
) -> None:
    make(waste, lginform_uploaded_on=date(2026, 6, 1))
    make(waste, title="Later", lginform_uploaded_on=date(2026, 9, 3))
    make(housing, status="cancelled", lginform_uploaded_on=date(2026, 9, 3))
    make(housing, year=2025, title="Last year", lginform_uploaded_on=date(2025, 9, 3))
    rows = {r.service.code: r for r in compliance(2026)}
    assert (rows["waste"].has_shared, rows["waste"].last_shared) == (True, date(2026, 9, 3))
    assert (rows["housing"].has_shared, rows["housing"].last_shared) == (False, None)
    page = BeautifulSoup(
        client_for(pat).get("/benchmarking/compliance/?year=2026").content, "html.parser"
    )
    shown = {
        tr.th.get_text(strip=True): tr.find_all("td")[-1].get_text(" ", strip=True)
        for tr in page.select("table[aria-labelledby=all-title] tbody tr")
    }
    assert shown == {"Waste and Recycling": "✓ Shared 3 Sep 2026", "Housing": "✗ Not shared"}
