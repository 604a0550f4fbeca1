"""The champions' network: one champion of each kind per service; the page, its CSV export and
the API take the same filter; the CSV never lets a name become a formula."""

from __future__ import annotations

import csv
import io

import pytest
from bs4 import BeautifulSoup
from django.db import IntegrityError, transaction
from rest_framework.test import APIClient

from targets.models import Service, ServiceRole, User
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def named(waste: Service, housing: Service, dora: User, hannah: User, bob: User) -> None:
    ServiceRole.objects.create(user=hannah, service=waste, role="innovation_champion")
    ServiceRole.objects.create(user=bob, service=housing, role="unison_champion")
    hannah.job_title = '=HYPERLINK("http://evil")'
    hannah.save()


def test_a_service_has_one_champion_of_each_kind(named: None, waste: Service, alice: User) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceRole.objects.create(user=alice, service=waste, role="innovation_champion")
    ServiceRole.objects.create(user=alice, service=waste, role="unison_champion")


def test_the_page_shows_each_champion_and_the_gaps(named: None, alice: User) -> None:
    page = BeautifulSoup(client_for(alice).get("/champions/").content, "html.parser")
    rows = {
        tr.th.get_text(" ", strip=True).split(" Head:")[0]: [
            td.get_text(" ", strip=True) for td in tr.find_all("td")
        ]
        for tr in page.select("table.champions tbody tr")
    }
    assert rows["Waste and Recycling"][0].startswith(str(User.objects.get(username="dora")))
    assert rows["Waste and Recycling"][2] == "✗ None named"
    assert rows["Housing"][:2] == ["✗ None named", "✗ None named"]
    assert "3 champions not yet named" in page.get_text(" ", strip=True)


def test_the_filter_is_shared_by_page_csv_and_api(named: None, carol: User) -> None:
    client = client_for(carol)
    page = BeautifulSoup(
        client.get("/champions/?missing=innovation_champion").content, "html.parser"
    )
    shown = [tr.th.get_text(" ", strip=True) for tr in page.select("table.champions tbody tr")]
    assert [s.split(" Head:")[0] for s in shown] == ["Housing"]
    export = client.get("/champions/export.csv?missing=innovation_champion")
    lines = list(csv.reader(io.StringIO(export.content.decode())))
    assert {line[0] for line in lines[1:]} == {"housing"} and len(lines) == 4
    api = APIClient()
    api.force_authenticate(carol)
    body = api.get("/api/v1/champions/?missing=innovation_champion").json()
    assert [r["service"] for r in body["results"]] == ["housing"]
    assert body["results"][0]["unison_champion"]["username"] == "bob"
    refused = client.get("/champions/?missing=mascot")
    assert refused.status_code == 400


def test_the_csv_escapes_what_a_spreadsheet_would_run(named: None, pat: User) -> None:
    export = client_for(pat).get("/champions/export.csv?service=waste")
    assert export["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(export.content.decode())))
    innovation = next(line for line in lines if line[3] == "Innovation champion")
    assert innovation[5] == '\'=HYPERLINK("http://evil")'


def test_scrutiny_sees_no_champions(named: None, sam: User) -> None:
    assert client_for(sam).get("/champions/").status_code == 403
    assert client_for(sam).get("/champions/export.csv").status_code == 403
    api = APIClient()
    api.force_authenticate(sam)
    assert api.get("/api/v1/champions/").json()["results"] == []
