"""The OIM pages through the test client: who sees what, the forms and what they save."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from benchmarking.models import Metric
from oim.models import (
    Accreditation,
    Factor,
    FactorAssessment,
    KeyProcess,
    QuadrantWeight,
    ServiceBudget,
    ServiceCostMetric,
)
from targets.models import ChangeRecord, Service, User
from tests.conftest import client_for
from tests.oim.conftest import YEAR, World

pytestmark = pytest.mark.django_db
D = Decimal


def soup(response: object) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "path",
    [
        "/oim/",
        "/oim/vfm/",
        "/oim/factors/",
        "/oim/processes/",
        "/oim/accreditations/",
        f"/oim/services/waste/{YEAR}/",
    ],
)
def test_staff_and_management_see_the_model(
    path: str, world: World, carol: User, alice: User
) -> None:
    assert client_for(carol).get(path).status_code == 200
    assert client_for(alice).get(path).status_code == 200


def test_scrutiny_members_read_the_ranking_but_not_the_registers(sam: User, world: World) -> None:
    client = client_for(sam)
    assert client.get("/oim/").status_code == 200
    assert client.get("/oim/vfm/").status_code == 200
    assert client.get(f"/oim/services/waste/{YEAR}/").status_code == 200
    assert client.get("/oim/factors/").status_code == 403
    assert client.get("/oim/ideas/").status_code == 200


def test_the_ranking_page_lists_ranks_missing_and_candidates(world: World, pat: User) -> None:
    page = soup(client_for(pat).get(f"/oim/?year={YEAR}"))
    rows = {
        tr.select_one("th").get_text(strip=True): [
            td.get_text(" ", strip=True) for td in tr.select("td")
        ]
        for tr in page.select("table.oim-ranking tbody tr")
    }
    assert set(rows) == {"Waste", "Housing", "Planning", "Parks", "Ict", "Benefits"}
    assert rows["Planning"][0] == "–"
    assert (
        "Not ranked: missing People, process and systems, Performance results"
        in rows["Planning"][-1]
    )
    assert "Missing" in rows["Planning"][2]
    assert page.select_one("#how-scores-are-worked-out") is not None
    assert page.select_one("#quadrant-chart-data") is not None
    assert "candidates" in page.get_text().lower()


def test_a_bad_year_is_refused_with_a_message(pat: User) -> None:
    response = client_for(pat).get("/oim/?year=banana")
    assert response.status_code == 400
    assert "'banana' is not a financial year" in soup(response).get_text()


def test_the_service_page_shows_raw_figures_scores_and_missing(world: World, pat: User) -> None:
    page = soup(client_for(pat).get(f"/oim/services/waste/{YEAR}/"))
    text = page.get_text(" ", strip=True)
    assert "1 of 2 measures on target at Mar 2026." in text
    assert "Net budget 2025/26: £6,500,000." in text
    assert page.select_one("#missing-title") is None  # waste has every figure


def test_the_performance_team_assesses_by_hand(world: World, pat: User) -> None:
    insight = world.factors["insight"]
    client = client_for(pat)
    url = f"/oim/services/housing/{YEAR}/assess/"
    assert client.get(url).status_code == 200
    bad = client.post(
        url,
        {
            f"f{insight.pk}-score": "3",
            f"f{insight.pk}-evidence": "",
            f"f{insight.pk}-assessed_on": "2026-03-02",
        },
    )
    assert bad.status_code == 400
    assert "Give the evidence for the score." in bad.content.decode()
    ok = client.post(
        url,
        {
            f"f{insight.pk}-score": "3",
            f"f{insight.pk}-evidence": "Panel notes.",
            f"f{insight.pk}-assessed_on": "2026-03-02",
        },
    )
    assert ok.status_code == 302
    saved = FactorAssessment.objects.get(
        factor=insight, service=world.services["housing"], year=YEAR
    )
    assert (saved.score, saved.assessor, saved.assessed_on) == (3, pat, date(2026, 3, 2))
    assert ChangeRecord.objects.filter(object_type="factorassessment", object_id=saved.pk).exists()
    # "Not assessed" removes it: missing again, never 0
    client.post(
        url,
        {
            f"f{insight.pk}-score": "",
            f"f{insight.pk}-evidence": "",
            f"f{insight.pk}-assessed_on": "",
        },
    )
    assert not FactorAssessment.objects.filter(pk=saved.pk).exists()
    withdrawn = ChangeRecord.objects.get(object_type="factorassessment", action="delete")
    assert withdrawn.changes["score"] == ["3", None]


def test_only_the_performance_team_configures(world: World, hannah: User, carol: User) -> None:
    for user in (hannah, carol):
        client = client_for(user)
        assert client.get(f"/oim/services/waste/{YEAR}/assess/").status_code == 403
        assert client.get("/oim/factors/new/").status_code == 403
        assert client.get("/oim/budgets/").status_code == 403
        assert client.post("/oim/factors/", {"customer": "2"}).status_code == 403


def test_a_factor_needs_rising_cut_offs(pat: User) -> None:
    client = client_for(pat)
    data = {
        "quadrant": "performance",
        "name": "Odd",
        "source": "on_target",
        "weight": "1",
        "higher_is_better": "on",
        "cut_low": "80",
        "cut_mid": "60",
        "cut_high": "90",
        "is_active": "on",
        "order": "0",
    }
    response = client.post("/oim/factors/new/", data)
    assert response.status_code == 400
    assert "The cut-offs must rise" in response.content.decode()
    assert client.post("/oim/factors/new/", {**data, "cut_mid": "85"}).status_code == 302
    assert Factor.objects.get(name="Odd").cutoffs.mid == D("85")
    hand = {**data, "name": "By hand", "source": "assessed"}
    assert "no cut-offs" in client.post("/oim/factors/new/", hand).content.decode()


def test_quadrant_weights_are_saved(pat: User) -> None:
    client = client_for(pat)
    response = client.post(
        "/oim/factors/", {"customer": "2", "people": "1", "performance": "1.5", "cost": "1"}
    )
    assert response.status_code == 302
    assert QuadrantWeight.as_dict()["customer"] == D("2")
    assert (
        client.post(
            "/oim/factors/", {"customer": "0", "people": "1", "performance": "1", "cost": "1"}
        ).status_code
        == 400
    )


def test_budgets_are_entered_all_or_nothing(world: World, pat: User) -> None:
    client = client_for(pat)
    waste = world.services["waste"]
    fields = {f"{s.code}-net_budget": "" for s in Service.objects.all()}
    fields.update({f"{waste.code}-net_budget": "7000000", "ict-net_budget": "lots"})
    assert client.post(f"/oim/budgets/?year={YEAR}", fields).status_code == 400
    assert ServiceBudget.objects.get(service=waste, year=YEAR).net_budget == D("6500000")
    fields["ict-net_budget"] = ""
    assert client.post(f"/oim/budgets/?year={YEAR}", fields).status_code == 302
    assert ServiceBudget.objects.get(service=waste, year=YEAR).net_budget == D("7000000")
    # A blank budget is missing, not £0.
    assert not ServiceBudget.objects.filter(service__code="ict", year=YEAR).exists()


def test_removing_a_services_metric_of_spend_is_recorded(world: World, pat: User) -> None:
    waste = world.services["waste"]
    spend = Metric.objects.create(code="RO-ENV", title="Waste spend per head", unit="currency")
    link = ServiceCostMetric.objects.create(service=waste, metric=spend)
    fields = {f"{s.code}-net_budget": "" for s in Service.objects.all()}
    fields[f"{waste.code}-net_budget"] = "6500000"
    response = client_for(pat).post(f"/oim/budgets/?year={YEAR}", fields)
    assert response.status_code == 302
    assert not ServiceCostMetric.objects.filter(service=waste).exists()
    entry = ChangeRecord.objects.get(object_type="servicecostmetric", action="delete")
    assert (entry.object_id, entry.user, entry.changes["metric"][1]) == (link.pk, pat, None)


def test_heads_keep_their_own_services_register(
    hannah: User, housing: Service, waste: Service
) -> None:
    client = client_for(hannah)
    other = KeyProcess.objects.create(service=housing, name="Allocations")
    assert client.get(f"/oim/processes/{other.pk}/edit/").status_code == 403
    response = client.post(
        "/oim/processes/new/",
        {"service": housing.pk, "name": "Sneaky", "documented": "on"},
    )
    assert response.status_code == 400  # housing is not among the choices
    response = client.post(
        "/oim/processes/new/",
        {
            "service": waste.pk,
            "name": "Bin delivery",
            "documented": "on",
            "last_review": "2026-01-10",
            "next_review": "2025-01-10",
        },
    )
    assert response.status_code == 400
    assert "The next review cannot be before the last." in response.content.decode()
    response = client.post(
        "/oim/processes/new/",
        {
            "service": waste.pk,
            "name": "Bin delivery",
            "documented": "on",
            "last_review": "2024-01-10",
            "next_review": "2025-01-10",
        },
    )
    assert response.status_code == 302
    page = soup(client.get("/oim/processes/?service=waste"))
    assert "Overdue" in page.get_text()


def test_accreditations_for_the_whole_council_are_the_teams(
    hannah: User, pat: User, waste: Service
) -> None:
    data = {
        "scheme": "iip",
        "status": "accredited",
        "awarded_on": "2025-01-01",
        "expires_on": "2028-01-01",
    }
    assert client_for(hannah).post("/oim/accreditations/new/", data).status_code == 400
    assert client_for(pat).post("/oim/accreditations/new/", data).status_code == 302
    lexcel = {**data, "service": waste.pk, "scheme": "other", "scheme_name": ""}
    response = client_for(hannah).post("/oim/accreditations/new/", lexcel)
    assert "Name the scheme." in response.content.decode()
    assert (
        client_for(hannah)
        .post("/oim/accreditations/new/", {**lexcel, "scheme_name": "Quest"})
        .status_code
        == 302
    )
    assert Accreditation.objects.count() == 2


def test_pages_need_a_login() -> None:
    assert Client().get("/oim/ideas/").status_code == 302
