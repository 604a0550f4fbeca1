from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from targets.models import (
    ChangeRecord,
    Measure,
    Priority,
    Service,
    Target,
    User,
    Value,
    ValueStatus,
)
from tests.conftest import client_for
from tests.factories import MeasureFactory

pytestmark = pytest.mark.django_db

VALUES = b"measure,period,value\nWST-01,2025-04,45\nWST-01,2025-05,46\n"


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(datetime(2026, 5, 20, 12, tzinfo=UTC), tick=False)


@pytest.fixture
def recycling(waste: Service) -> Measure:
    return MeasureFactory(code="WST-01", service=waste, active_from=2023)


@pytest.fixture
def rent(housing: Service) -> Measure:
    return MeasureFactory(code="HOU-01", service=housing, active_from=2023)


def _soup(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def _upload(client: Client, data: bytes, name: str = "file.csv", **fields: Any) -> Any:
    post = {"kind": "values", **fields, "file": SimpleUploadedFile(name, data)}
    return client.post(reverse("upload"), post)


def _kinds(response: Any) -> list[str]:
    return [o["value"] for o in _soup(response).select("select#id_kind option")]


def _problem_rows(response: Any) -> list[list[str]]:
    table = _soup(response).find("table", id="import-errors")
    assert table is not None
    return [
        [cell.get_text(" ", strip=True) for cell in tr.find_all(["th", "td"])]
        for tr in table.select("tbody tr")
    ]


def test_anonymous_user_is_sent_to_login() -> None:
    response = Client().get(reverse("upload"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_officer_without_measures_is_forbidden(alice: User) -> None:
    assert client_for(alice).get(reverse("upload")).status_code == 403


@pytest.mark.parametrize("persona", ["carol", "sam", "dora"])
def test_people_without_editing_rights_are_forbidden(
    persona: str, request: pytest.FixtureRequest, recycling: Measure
) -> None:
    user: User = request.getfixturevalue(persona)

    assert client_for(user).get(reverse("upload")).status_code == 403


def test_an_officer_may_upload_values_only(alice: User, recycling: Measure) -> None:
    response = client_for(alice).get(reverse("upload"))

    assert response.status_code == 200
    assert _kinds(response) == ["values"]
    soup = _soup(response)
    assert soup.find("input", {"name": "publish"}) is None
    assert soup.find("label", {"for": "id_file"}) is not None
    assert [h.name for h in soup.find_all(["h1", "h2"])] == ["h1", "h2", "h2"]


def test_the_performance_team_may_upload_all_three_and_publish(pat: User) -> None:
    response = client_for(pat).get(reverse("upload"))

    assert _kinds(response) == ["values", "targets", "measures"]
    assert _soup(response).find("input", {"name": "publish", "type": "checkbox"}) is not None


def test_an_officer_uploads_drafts_of_their_measures(alice: User, recycling: Measure) -> None:
    client = client_for(alice)

    response = _upload(client, VALUES)

    assert response.status_code == 302
    assert {v.status for v in Value.objects.all()} == {ValueStatus.DRAFT}
    assert Value.objects.count() == 2
    assert {(r.user, r.source) for r in ChangeRecord.objects.all()} == {(alice, "import")}
    page = client.get(response["Location"])
    assert "Imported values: 2 created" in _soup(page).select_one(".messages").get_text()


def test_an_officer_cannot_upload_values_of_another_service(
    alice: User, recycling: Measure, rent: Measure
) -> None:
    data = VALUES + b"HOU-01,2025-04,97\n"

    response = _upload(client_for(alice), data)

    assert response.status_code == 400
    assert Value.objects.count() == 0
    assert _problem_rows(response) == [["4", "measure", "You cannot enter values for HOU-01"]]
    soup = _soup(response)
    assert soup.select_one(".error-summary a[href='#import-errors']") is not None
    assert [th["scope"] for th in soup.select("#import-errors th")] == ["col", "col", "col", "row"]


def test_an_officer_cannot_upload_measures(alice: User, recycling: Measure) -> None:
    response = _upload(client_for(alice), b"code,title\nX,Y\n", kind="measures")

    assert response.status_code == 400
    assert Measure.objects.count() == 1
    assert _soup(response).select_one(".error-summary a[href='#id_kind']") is not None


def test_an_officer_cannot_publish_by_posting_the_field(alice: User, recycling: Measure) -> None:
    _upload(client_for(alice), VALUES, publish="on")

    assert {v.status for v in Value.objects.all()} == {ValueStatus.DRAFT}


def test_every_bad_row_is_listed_and_nothing_is_written(alice: User, recycling: Measure) -> None:
    data = b"measure,period,value\nWST-01,2025-04,45\nWST-01,2025-13,1\nWST-01,2025-06,x\n"

    response = _upload(client_for(alice), data)

    assert _problem_rows(response) == [
        ["3", "period", "Period 2025-13 does not exist"],
        ["4", "value", "Value must be a number"],
    ]
    assert Value.objects.count() == 0


def test_a_hostile_file_is_refused_with_its_reason(alice: User, recycling: Measure) -> None:
    response = _upload(client_for(alice), b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100))

    [[row, column, reason]] = _problem_rows(response)
    assert (row, column) == ("– Whole file", "")
    assert "save it as .xlsx" in reason


def test_check_only_reports_and_writes_nothing(alice: User, recycling: Measure) -> None:
    response = _upload(client_for(alice), VALUES, dry_run="on")

    assert response.status_code == 200
    assert Value.objects.count() == 0
    facts = {
        div.dt.get_text(strip=True): div.dd.get_text(strip=True)
        for div in _soup(response).select(".summary .facts div")
    }
    assert facts["Would be created"] == "2"


def test_no_file_is_an_error_linked_to_the_field(alice: User, recycling: Measure) -> None:
    response = client_for(alice).post(reverse("upload"), {"kind": "values"})

    assert response.status_code == 400
    link = _soup(response).select_one(".error-summary a")
    assert link is not None
    assert link["href"] == "#id_file"


def test_the_performance_team_uploads_measures_targets_and_published_values(
    pat: User, waste: Service, priority: Priority
) -> None:
    client = client_for(pat)
    measures = (
        b"code,title,kind,service,priority,unit,decimals,polarity,frequency,aggregation,"
        b"tolerance_pct,tolerance_abs,public,active_from\n"
        b"CP10,Waste recycled,corporate,waste,4,percent,1,up,monthly,snapshot,5,,yes,2024/25\n"
    )

    assert _upload(client, measures, kind="measures").status_code == 302
    assert (
        _upload(client, b"measure,year,target\nCP10,2025/26,50\n", kind="targets").status_code
        == 302
    )
    values = b"measure,period,value\nCP10,2024-04,44.5\n"
    assert _upload(client, values, "old.csv", publish="on").status_code == 302

    assert Target.objects.get().value == Decimal("50")
    value = Value.objects.get()
    assert (value.status, value.published_by) == (ValueStatus.PUBLISHED, pat)
    assert ChangeRecord.objects.filter(user=pat, source="import").count() == 3


def test_only_values_can_be_published(pat: User, waste: Service) -> None:
    response = _upload(client_for(pat), b"measure,year,target\n", kind="targets", publish="on")

    assert response.status_code == 400
    assert _soup(response).select_one(".error-summary a[href='#id_publish']") is not None
