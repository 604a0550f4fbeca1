"""The benchmark upload page: the performance team's, with the import's report."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile

from benchmarking.models import Authority, BenchmarkValue, Metric
from targets.models import User
from tests.conftest import client_for

pytestmark = [pytest.mark.django_db]
URL = "/benchmarking/upload/"
FILE = b"area_code,period,value\nE07000001,2023/24,40\nE07000002,2023/24,NA\nE07000003,2024,1\n"


def post(user: User, data: bytes = FILE, **fields: Any) -> Any:
    form = {"metric": "RATE", "title": "A rate", "decimals": "1", "polarity": "up", **fields}
    return client_for(user).post(URL, {**form, "file": SimpleUploadedFile("rates.csv", data)})


def text(response: Any) -> str:
    return BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)


@pytest.mark.parametrize("persona", ["alice", "hannah", "carol", "sam"])
def test_only_the_performance_team_uploads(request: pytest.FixtureRequest, persona: str) -> None:
    user = request.getfixturevalue(persona)
    assert client_for(user).get(URL).status_code == 403
    assert post(user).status_code == 403


def test_an_upload_imports_and_reports(pat: User, five: list[Authority]) -> None:
    response = post(pat)
    assert response.status_code == 200
    page = text(response)
    assert "Imported benchmark values of RATE: 3 rows read, 1 written (1 new, 0 changed)" in page
    assert "Skipped 1 row: no value (NA or empty)." in page
    assert "Not imported, 1 row: calendar-year periods" in page
    assert BenchmarkValue.objects.count() == 1
    again = text(post(pat))
    assert "0 written (0 new, 0 changed), 1 unchanged" in again


def test_a_bad_file_writes_nothing_and_lists_why(pat: User, five: list[Authority]) -> None:
    response = post(pat, b"area_code,period,value\nE07000001,2023/24,lots\n")
    assert response.status_code == 400
    rows = BeautifulSoup(response.content, "html.parser").select("#import-errors tbody tr")
    assert [r.get_text(" ", strip=True) for r in rows] == ["2 value Value must be a number"]
    assert not Metric.objects.exists()


def test_a_new_metric_needs_a_title(pat: User, five: list[Authority]) -> None:
    response = post(pat, title="")
    assert response.status_code == 400
    assert "RATE is a new metric: give its title." in text(response)


def test_a_dry_run_saves_nothing(pat: User, five: list[Authority]) -> None:
    response = post(pat, dry_run="on")
    assert "Check only, nothing was written" in text(response)
    assert not BenchmarkValue.objects.exists()


def test_where_selects_one_series(pat: User, five: list[Authority]) -> None:
    data = (
        b"area_code,period,measure,value\n"
        b"E07000001,2023/24,Percentage,40\n"
        b"E07000001,2023/24,Tonnes,9\n"
    )
    assert post(pat, data).status_code == 400
    response = post(pat, data, where="measure=Percentage")
    assert response.status_code == 200
    assert BenchmarkValue.objects.get().value == 40
    assert post(pat, data, where="Percentage").status_code == 400
