"""Peer reviews, market intelligence and the savings plan, through their pages and the API."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from bs4 import BeautifulSoup

from fsr.models import MarketIntelligence, PeerReview, SavingsLine
from targets.models import Action, ChangeRecord, Service, User
from tests.conftest import client_for
from tests.fsr.conftest import review

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(datetime(2026, 11, 20, 12, tzinfo=UTC), tick=False)


def soup(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def peer(service: Service, **fields: Any) -> PeerReview:
    fields = {
        "reviewer_organisation": "Cambridge City Council",
        "reviewer_name": "Head of Streetscene",
        "scope": "Collection rounds",
        "started_on": date(2026, 3, 2),
        **fields,
    }
    return PeerReview.objects.create(service=service, **fields)


# Peer reviews


def test_a_head_records_a_peer_review_and_its_recommendations(
    hannah: User, alice: User, waste: Service
) -> None:
    fsr = review(waste)
    client = client_for(hannah)
    response = client.post(
        "/fsr/peer-reviews/new/",
        {
            "service": waste.pk,
            "review": fsr.pk,
            "reviewer_organisation": "Cambridge City Council",
            "reviewer_name": "Head of Streetscene",
            "scope": "Collection rounds and the depot",
            "started_on": "2026-03-02",
            "ended_on": "2026-03-04",
            "findings": "Rounds are unbalanced.",
        },
    )
    found = PeerReview.objects.get()
    assert response.status_code == 302 and response["Location"] == found.get_absolute_url()
    assert found.review == fsr
    response = client.post(
        f"/fsr/peer-reviews/{found.pk}/recommendations/new/",
        {
            "title": "Rebalance the rounds",
            "owner": alice.pk,
            "due": "2026-09-30",
            "status": "in_progress",
        },
    )
    assert response.status_code == 302
    action = Action.objects.get()
    assert (action.service, action.source) == (waste, Action.Source.PEER_REVIEW)
    assert list(found.recommendations.all()) == [action]
    page = soup(client.get(found.get_absolute_url()))
    assert "Rebalance the rounds" in page.find("h2", id="recs-title").find_next("table").get_text()
    assert ChangeRecord.objects.filter(object_type="peerreview", user=hannah).count() == 1
    api = client_for(hannah).get("/api/v1/peer-reviews/?service=waste").json()["results"]
    assert api[0]["recommendations"][0]["title"] == "Rebalance the rounds"


def test_a_peer_review_cannot_end_before_it_starts(hannah: User, waste: Service) -> None:
    response = client_for(hannah).post(
        "/fsr/peer-reviews/new/",
        {
            "service": waste.pk,
            "reviewer_organisation": "LGA",
            "scope": "All",
            "started_on": "2026-03-02",
            "ended_on": "2026-03-01",
        },
    )
    assert response.status_code == 400
    assert "The end is before the start." in soup(response).select_one(".error-summary").get_text()


def test_a_peer_review_links_only_a_review_of_its_service(
    pat: User, waste: Service, housing: Service
) -> None:
    other = review(housing)
    response = client_for(pat).post(
        "/fsr/peer-reviews/new/",
        {
            "service": waste.pk,
            "review": other.pk,
            "reviewer_organisation": "LGA",
            "scope": "All",
            "started_on": "2026-03-02",
        },
    )
    assert response.status_code == 400
    assert "Choose a review of the same service." in soup(response).get_text()


def test_officers_read_their_own_services_peer_reviews(
    alice: User, bob: User, waste: Service
) -> None:
    found = peer(waste)
    assert client_for(alice).get(found.get_absolute_url()).status_code == 200
    assert client_for(bob).get(found.get_absolute_url()).status_code == 404
    assert client_for(alice).get(f"/fsr/peer-reviews/{found.pk}/edit/").status_code == 403
    assert client_for(bob).get("/api/v1/peer-reviews/").json()["results"] == []


# Market intelligence


def test_a_head_adds_market_intelligence_for_their_service(
    hannah: User, waste: Service, housing: Service
) -> None:
    data = {
        "service": waste.pk,
        "source": "APSE performance networks",
        "sector": "private",
        "competitor": "Biffa",
        "noted_on": "2026-10-01",
        "summary": "Biffa quoted £68 per household a year to a neighbouring district.",
    }
    response = client_for(hannah).post("/fsr/intelligence/new/", data)
    assert response.status_code == 302
    note = MarketIntelligence.objects.get()
    assert (note.service, note.added_by, note.competitor) == (waste, hannah, "Biffa")
    refused = client_for(hannah).post("/fsr/intelligence/new/", {**data, "service": housing.pk})
    assert refused.status_code == 400
    listing = soup(client_for(hannah).get("/fsr/intelligence/?q=biffa"))
    assert "£68 per household" in listing.select_one(".library-entry").get_text()
    api = client_for(hannah).get("/api/v1/market-intelligence/?sector=private").json()["results"]
    assert api[0]["competitor"] == "Biffa"


def test_an_officer_cannot_add_market_intelligence(alice: User, waste: Service) -> None:
    assert client_for(alice).get("/fsr/intelligence/new/").status_code == 403
    note = MarketIntelligence.objects.create(
        service=waste,
        source="Trade press",
        sector="private",
        noted_on=date(2026, 1, 1),
        summary="x",
    )
    assert client_for(alice).get(f"/fsr/intelligence/{note.pk}/edit/").status_code == 403


# The savings plan


@pytest.fixture
def lines(waste: Service, housing: Service) -> None:
    SavingsLine.objects.create(
        year=2026,
        service=waste,
        source="fsr",
        title="Round redesign",
        target=Decimal("200000"),
        delivered=Decimal("150000"),
    )
    SavingsLine.objects.create(
        year=2026,
        service=housing,
        source="procurement",
        title="Repairs contract",
        target=Decimal("100000"),
        delivered=None,
    )
    SavingsLine.objects.create(
        year=2026,
        source="idea",
        idea_reference="IDEA-12",
        title="Paperless committee",
        target=Decimal("15000"),
        delivered=Decimal("16000"),
    )
    SavingsLine.objects.create(
        year=2025,
        service=waste,
        source="fsr",
        title="Older",
        target=Decimal("1"),
    )


def test_the_savings_plan_totals_by_source(carol: User, lines: None) -> None:
    page = soup(client_for(carol).get("/fsr/savings/?year=2026"))
    assert page.select_one(".lede").get_text(" ", strip=True) == (
        "£166,000 delivered of £315,000 planned (52.7%); 1 line not reported yet."
    )
    table = page.find("h2", id="sources-title").find_next("table")
    rows = [[c.get_text(" ", strip=True) for c in tr(["th", "td"])] for tr in table("tr")[1:]]
    assert rows == [
        ["Service review", "1", "£200,000", "£150,000", "75.0%", "0"],
        ["Idea", "1", "£15,000", "£16,000", "106.7%", "0"],
        ["Procurement", "1", "£100,000", "£0", "0.0%", "1"],
        ["All sources", "3", "£315,000", "£166,000", "52.7%", "1"],
    ]
    lines_table = page.find("h2", id="lines-title").find_next("table").get_text(" ", strip=True)
    assert "not reported" in lines_table and "Older" not in lines_table
    assert page.find("script", id="savings-data") is not None


def test_officers_see_their_own_services_savings_lines(alice: User, lines: None) -> None:
    page = soup(client_for(alice).get("/fsr/savings/?year=2026"))
    text = page.find("h2", id="lines-title").find_next("table").get_text()
    assert "Round redesign" in text and "Repairs contract" not in text
    assert "Paperless committee" not in text
    api = client_for(alice).get("/api/v1/savings/?year=2026").json()["results"]
    assert [line["title"] for line in api] == ["Round redesign"]


def test_the_performance_team_keeps_the_savings_plan(
    pat: User, hannah: User, waste: Service
) -> None:
    data = {
        "year": "2026",
        "service": waste.pk,
        "source": "procurement",
        "title": "Fleet fuel card",
        "target": "12000",
        "delivered": "",
    }
    assert client_for(hannah).post("/fsr/savings/new/", data).status_code == 403
    response = client_for(pat).post("/fsr/savings/new/", data)
    assert response.status_code == 302 and response["Location"] == "/fsr/savings/?year=2026"
    line = SavingsLine.objects.get()
    assert (line.target, line.delivered) == (Decimal("12000.00"), None)
    refused = client_for(pat).post("/fsr/savings/new/", {**data, "target": "-5"})
    assert refused.status_code == 400


def test_every_page_answers(pat: User, waste: Service, lines: None) -> None:
    fsr = review(waste)
    found = peer(waste, review=fsr)
    client = client_for(pat)
    for path in (
        "/fsr/",
        "/fsr/reviews/",
        "/fsr/reviews/?service=waste&kind=fsr&status=planned&year=2025",
        "/fsr/reviews/new/",
        f"/fsr/reviews/{fsr.pk}/",
        f"/fsr/reviews/{fsr.pk}/edit/",
        f"/fsr/reviews/{fsr.pk}/plan/",
        f"/fsr/reviews/{fsr.pk}/actions/new/",
        f"/fsr/reviews/{fsr.pk}/market-test/",
        "/fsr/peer-reviews/",
        "/fsr/peer-reviews/new/",
        f"/fsr/peer-reviews/{found.pk}/",
        f"/fsr/peer-reviews/{found.pk}/edit/",
        f"/fsr/peer-reviews/{found.pk}/recommendations/new/",
        "/fsr/intelligence/",
        "/fsr/intelligence/new/",
        "/fsr/savings/",
        "/fsr/savings/new/",
        "/api/v1/reviews/",
        "/api/v1/market-tests/",
        "/api/v1/peer-reviews/",
        "/api/v1/market-intelligence/",
        "/api/v1/savings/",
        "/api/v1/review-programme/",
    ):
        assert client.get(path).status_code == 200, path


def test_a_bad_filter_is_answered_with_400(pat: User) -> None:
    assert client_for(pat).get("/fsr/reviews/?service=nowhere").status_code == 400
    assert client_for(pat).get("/api/v1/reviews/?year=abc").status_code == 400


def test_the_navigation_has_one_reviews_link(carol: User) -> None:
    page = soup(client_for(carol).get("/fsr/"))
    links = page.select_one("nav[aria-label=Main]").find_all("a", string="Reviews")
    assert len(links) == 1 and links[0]["aria-current"] == "page"


@pytest.mark.parametrize("path", ["/fsr/reviews/", "/api/v1/reviews/", "/api/v1/peer-reviews/"])
def test_the_lists_cost_the_same_queries_whatever_their_length(
    pat: User, waste: Service, path: str
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.fsr.conftest import milestone

    def add(n: int) -> None:
        for i in range(n):
            found = review(waste, title=f"Review {i}")
            milestone(found, date(2025, 9, 1))
            found.actions.add(Action.objects.create(service=waste, title="a", source="review"))
            peer(waste, review=found)

    client = client_for(pat)
    add(1)
    client.get(path)
    with CaptureQueriesContext(connection) as few:
        assert client.get(path).status_code == 200
    add(5)
    with CaptureQueriesContext(connection) as many:
        assert client.get(path).status_code == 200
    assert len(many) == len(few)
