"""The risk register and corporate programmes through their services, pages and API: who may
see and change what, the matrix's rules refused with their reasons, the heat map, actions
through the one Action service, and the audit trail."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from fsr.governance import register, services
from fsr.governance.models import Programme, ProgrammeMilestone, Project, Risk, RiskMatrix
from fsr.models import SavingsLine
from targets.models import Action, ChangeRecord, Service, User
from tests.conftest import client_for
from tests.factories import MeasureFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 26)


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(datetime(2026, 11, 26, 12, tzinfo=UTC), tick=False)


def make_risk(service: Service | None, owner: User, **fields: Any) -> Risk:
    """A risk saved directly (not through the services), for arranging a test."""
    fields = {
        "kind": Risk.Kind.SERVICE if service else Risk.Kind.CORPORATE,
        "title": f"Risk of {service.name if service else 'the council'}",
        "cause": "A cause",
        "effect": "An effect",
        "controls": "Some controls",
        "inherent_likelihood": 4,
        "inherent_impact": 4,
        "residual_likelihood": 3,
        "residual_impact": 3,
        "review_date": TODAY + timedelta(days=30),
        **fields,
    }
    fields.setdefault("reference", f"T-{Risk.objects.count() + 1:02d}")
    return Risk.objects.create(service=service, owner=owner, **fields)


def form(service: Service | None, owner: User, **fields: Any) -> dict[str, Any]:
    return {
        "kind": "service" if service else "corporate",
        "service": service.pk if service else "",
        "title": "Missed collections after the round changes",
        "cause": "New rounds",
        "effect": "Complaints rise",
        "owner": owner.pk,
        "inherent_likelihood": "4",
        "inherent_impact": "3",
        "controls": "Crew briefings",
        "residual_likelihood": "2",
        "residual_impact": "3",
        "review_date": "2027-01-31",
        "priority": "",
        "status": "open",
        **fields,
    }


def soup(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


# Adding and changing risks


def test_head_adds_a_risk_of_their_service_through_the_page(hannah: User, waste: Service) -> None:
    measure = MeasureFactory(service=waste, code="WST-01")
    data = form(waste, hannah, measures=[measure.pk])
    response = client_for(hannah).post(reverse("fsr_risk_new"), data)
    risk = Risk.objects.get()
    assert response.status_code == 302 and response["Location"] == risk.get_absolute_url()
    assert risk.reference == "WASTE-R01"
    assert (risk.inherent_score, risk.residual_score) == (12, 6)
    assert list(risk.measures.all()) == [measure]
    record = ChangeRecord.objects.get(object_type="risk", object_id=risk.pk)
    assert record.action == ChangeRecord.Action.CREATE and record.user == hannah
    assert record.changes["measures"] == [None, str(measure.pk)]


def test_officer_cannot_add_a_risk(alice: User, waste: Service) -> None:
    assert client_for(alice).get(reverse("fsr_risk_new")).status_code == 403
    with pytest.raises(PermissionDenied):
        services.risk_save(risk=Risk(**_fields(waste, alice)), user=alice)
    assert not Risk.objects.exists()


def test_head_cannot_add_a_corporate_risk_nor_another_services(
    hannah: User, waste: Service, housing: Service
) -> None:
    with pytest.raises(PermissionDenied):
        services.risk_save(risk=Risk(**_fields(None, hannah)), user=hannah)
    with pytest.raises(PermissionDenied):
        services.risk_save(risk=Risk(**_fields(housing, hannah)), user=hannah)
    response = client_for(hannah).post(reverse("fsr_risk_new"), form(housing, hannah))
    assert response.status_code == 400
    assert not Risk.objects.exists()


def _fields(service: Service | None, owner: User) -> dict[str, Any]:
    return {
        "kind": Risk.Kind.SERVICE if service else Risk.Kind.CORPORATE,
        "service": service,
        "title": "A risk",
        "cause": "c",
        "effect": "e",
        "owner": owner,
        "controls": "k",
        "inherent_likelihood": 3,
        "inherent_impact": 3,
        "residual_likelihood": 2,
        "residual_impact": 2,
        "review_date": TODAY,
    }


def test_residual_above_inherent_is_refused_with_the_reason(pat: User, waste: Service) -> None:
    data = form(waste, pat, residual_likelihood="5")
    response = client_for(pat).post(reverse("fsr_risk_new"), data)
    assert response.status_code == 400
    error = soup(response).select_one("#id_residual_likelihood-error")
    assert error is not None
    assert "cannot be higher than the inherent likelihood (4)" in error.get_text()
    assert not Risk.objects.exists()


def test_scores_follow_the_councils_matrix(pat: User, waste: Service) -> None:
    services.matrix_save(matrix=RiskMatrix(size=4, medium_from=4, high_from=9), user=pat)
    with pytest.raises(ValidationError) as refused:
        services.risk_save(risk=Risk(**{**_fields(waste, pat), "inherent_impact": 5}), user=pat)
    assert refused.value.message_dict["inherent_impact"] == [
        "The impact is scored from 1 to 4 on the council's 4×4 matrix, not 5."
    ]
    risk = services.risk_save(risk=Risk(**{**_fields(waste, pat), "inherent_impact": 3}), user=pat)
    assert risk.band(RiskMatrix.current(), residual=False).value == "high"  # 3 × 3 = 9


def test_matrix_cannot_shrink_below_a_risk_scored_on_it(pat: User, waste: Service) -> None:
    make_risk(waste, pat, inherent_likelihood=5)
    with pytest.raises(ValidationError) as refused:
        services.matrix_save(matrix=RiskMatrix(size=4, medium_from=4, high_from=9), user=pat)
    assert "rescore it" in str(refused.value)
    assert not RiskMatrix.objects.exists()


def test_only_the_team_keeps_the_matrix(hannah: User) -> None:
    with pytest.raises(PermissionDenied):
        services.matrix_save(matrix=RiskMatrix(size=4, medium_from=4, high_from=9), user=hannah)


def test_owner_and_head_change_a_risk_others_cannot(
    alice: User, hannah: User, bob: User, dora: User, waste: Service
) -> None:
    risk = make_risk(waste, alice)
    for user, status in ((alice, 200), (hannah, 200), (dora, 403), (bob, 404)):
        assert client_for(user).get(reverse("fsr_risk_edit", args=[risk.pk])).status_code == status
    data = form(waste, alice, title="Renamed by its owner", reference=risk.reference)
    response = client_for(alice).post(reverse("fsr_risk_edit", args=[risk.pk]), data)
    assert response.status_code == 302
    risk.refresh_from_db()
    assert risk.title == "Renamed by its owner"
    record = ChangeRecord.objects.get(object_type="risk", action=ChangeRecord.Action.UPDATE)
    assert record.changes["title"][1] == "Renamed by its owner"


def test_owner_who_is_not_head_cannot_move_the_risk_to_the_corporate_register(
    alice: User, waste: Service
) -> None:
    risk = make_risk(waste, alice)
    risk.kind, risk.service = Risk.Kind.CORPORATE, None
    with pytest.raises(PermissionDenied):
        services.risk_save(risk=risk, user=alice)


# Reading


def test_officers_read_corporate_risks_and_their_own_services_only(
    alice: User, bob: User, pat: User, waste: Service, housing: Service
) -> None:
    corporate = make_risk(None, pat, title="CORPORATE-RISK-1")
    waste_risk = make_risk(waste, alice, title="WASTE-RISK-1")
    make_risk(housing, bob, title="HOUSING-RISK-1")
    page = client_for(bob).get(reverse("fsr_risks")).content.decode()
    assert "CORPORATE-RISK-1" in page and "HOUSING-RISK-1" in page and "WASTE-RISK-1" not in page
    assert client_for(bob).get(reverse("fsr_risk", args=[waste_risk.pk])).status_code == 404
    assert client_for(bob).get(reverse("fsr_risk", args=[corporate.pk])).status_code == 200


def test_people_with_no_role_read_no_risks(pat: User) -> None:
    make_risk(None, pat)
    nobody = UserFactory(username="nobody")
    assert client_for(nobody).get(reverse("fsr_risks")).status_code == 403
    assert client_for(nobody).get("/api/v1/risks/").json()["results"] == []


def test_heat_map_counts_open_risks_by_residual_likelihood_and_impact(
    carol: User, pat: User, waste: Service
) -> None:
    make_risk(None, pat, residual_likelihood=4, residual_impact=4)
    make_risk(waste, pat, residual_likelihood=4, residual_impact=4)
    make_risk(waste, pat, residual_likelihood=1, residual_impact=2)
    make_risk(waste, pat, residual_likelihood=4, residual_impact=4, status=Risk.Status.CLOSED)
    page = soup(client_for(carol).get(reverse("fsr_risks")))
    table = page.select_one("table.heat-map")
    assert table is not None
    rows = table.select("tbody tr")
    assert [r.th.get_text(strip=True) for r in rows] == ["5", "4", "3", "2", "1"]
    counts = {
        (int(r.th.get_text(strip=True)), i + 1): int(c.select_one(".heat-map__count").get_text())
        for r in rows
        for i, c in enumerate(r.select("td"))
    }
    assert counts[(4, 4)] == 2 and counts[(1, 2)] == 1 and sum(counts.values()) == 3
    cell = rows[1].select("td")[3]
    assert "High" in cell.get_text() and "heat-map__cell--high" in cell["class"]


def test_register_filters_by_residual_band(carol: User, pat: User, waste: Service) -> None:
    make_risk(waste, pat, title="HIGH-ONE", residual_likelihood=4, residual_impact=4)
    make_risk(waste, pat, title="LOW-ONE", residual_likelihood=1, residual_impact=2)
    page = client_for(carol).get(reverse("fsr_risks"), {"band": "high"}).content.decode()
    assert "HIGH-ONE" in page and "LOW-ONE" not in page
    bad = client_for(carol).get(reverse("fsr_risks"), {"band": "dreadful"})
    assert bad.status_code == 400


def test_register_is_read_in_a_fixed_number_of_queries(
    pat: User, waste: Service, django_assert_num_queries: Any
) -> None:
    for _ in range(3):
        make_risk(waste, pat)
    with django_assert_num_queries(2) as few:
        found = register.register(Risk.objects.all(), today=TODAY)
        assert len(found.rows) == 3
    for _ in range(10):
        make_risk(waste, pat)
    with django_assert_num_queries(len(few.captured_queries)):
        register.register(Risk.objects.all(), today=TODAY)


def test_risk_page_shows_both_scores_in_words(carol: User, pat: User, waste: Service) -> None:
    risk = make_risk(waste, pat, review_date=TODAY - timedelta(days=1))
    page = soup(client_for(carol).get(reverse("fsr_risk", args=[risk.pk])))
    facts = {
        dt.get_text(strip=True): dd.get_text(" ", strip=True)
        for dt, dd in zip(page.select("dl.facts dt"), page.select("dl.facts dd"), strict=True)
    }
    assert facts["Inherent score"].startswith("▲ High (16)")
    assert facts["Residual score"].startswith("◇ Medium (9)")
    assert "Overdue" in facts["Next review"]


# Actions


def test_risk_action_goes_through_the_action_service(hannah: User, waste: Service) -> None:
    risk = make_risk(waste, hannah)
    data = {
        "title": "Brief the crews",
        "description": "",
        "owner": hannah.pk,
        "due": "2027-01-15",
        "status": "not_started",
        "progress": "",
        "completed_on": "",
    }
    response = client_for(hannah).post(reverse("fsr_risk_action_new", args=[risk.pk]), data)
    assert response.status_code == 302
    action = risk.actions.get()
    assert (action.service, action.source, action.title) == (waste, "risk", "Brief the crews")
    assert ChangeRecord.objects.filter(object_type="action", object_id=action.pk).exists()


def test_corporate_risk_action_names_its_service(pat: User, housing: Service) -> None:
    risk = make_risk(None, pat)
    data = {
        "service": housing.pk,
        "title": "Lease more homes",
        "description": "",
        "owner": pat.pk,
        "due": "2027-01-15",
        "status": "not_started",
        "progress": "",
        "completed_on": "",
    }
    response = client_for(pat).post(reverse("fsr_risk_action_new", args=[risk.pk]), data)
    assert response.status_code == 302
    assert risk.actions.get().service == housing


def test_officer_cannot_add_actions_to_a_risk_they_do_not_own(
    alice: User, hannah: User, waste: Service
) -> None:
    risk = make_risk(waste, hannah)
    assert client_for(alice).get(reverse("fsr_risk_action_new", args=[risk.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        services.risk_action_save(risk=risk, action=Action(title="x", due=TODAY), user=alice)


# The API


def test_api_lists_scores_and_bands(carol: User, pat: User, waste: Service) -> None:
    make_risk(waste, pat, reference="WASTE-R01")
    body = client_for(carol).get("/api/v1/risks/").json()["results"][0]
    assert body["reference"] == "WASTE-R01" and body["service"] == "waste"
    assert (body["inherent_score"], body["inherent_band"]) == (16, "high")
    assert (body["residual_score"], body["residual_band"]) == (9, "medium")


def test_api_creates_a_risk_by_the_same_rules(hannah: User, alice: User, waste: Service) -> None:
    data = {
        "kind": "service",
        "service": "waste",
        "title": "Depot fire",
        "cause": "Batteries in bins",
        "effect": "Depot closed",
        "owner": "hannah",
        "inherent_likelihood": 3,
        "inherent_impact": 5,
        "controls": "Sprinklers",
        "residual_likelihood": 2,
        "residual_impact": 5,
        "review_date": "2027-02-01",
    }
    url = "/api/v1/risks/"
    assert client_for(alice).post(url, data, content_type="application/json").status_code == 403
    worse = client_for(hannah).post(
        url, {**data, "residual_impact": 6}, content_type="application/json"
    )
    assert worse.status_code == 400 and "residual_impact" in worse.json()
    made = client_for(hannah).post(url, data, content_type="application/json")
    assert made.status_code == 201, made.content
    assert made.json()["reference"] == "WASTE-R01"
    record = ChangeRecord.objects.get(object_type="risk")
    assert record.source == ChangeRecord.Source.API


def test_api_matrix(alice: User) -> None:
    assert client_for(alice).get("/api/v1/risk-matrix/").json() == {
        "size": 5,
        "medium_from": 5,
        "high_from": 15,
    }


# Programmes


@pytest.fixture
def programme(carol: User, pat: User, waste: Service) -> Programme:
    made = Programme.objects.create(
        title="Fit for the Future",
        aims="A smaller council",
        sponsor=carol,
        board="Chief Executive (chair)",
        start=date(2025, 4, 1),
        planned_end=date(2028, 3, 31),
        rag_cost="amber",
    )
    project = Project.objects.create(
        programme=made,
        title="Office accommodation",
        planned_end=date(2027, 3, 31),
        rag_time="red",
    )
    ProgrammeMilestone.objects.create(
        programme=made, project=project, title="Lease", due=TODAY - timedelta(days=3)
    )
    ProgrammeMilestone.objects.create(
        programme=made,
        title="Done",
        due=TODAY - timedelta(days=30),
        done_on=TODAY - timedelta(days=31),
    )
    ProgrammeMilestone.objects.create(programme=made, title="Later", due=TODAY + timedelta(days=30))
    made.savings.add(
        SavingsLine.objects.create(
            year=2026,
            source="other",
            title="Floor",
            target=Decimal("120000"),
            delivered=Decimal("100000"),
        ),
        SavingsLine.objects.create(
            year=2026, source="other", title="Energy", target=Decimal("80000")
        ),
    )
    made.risks.add(make_risk(waste, pat, title="WASTE-RISK-IN-PROGRAMME"))
    return made


def test_programme_rows_count_overdue_milestones_and_savings(programme: Programme) -> None:
    [row] = register.programme_rows(TODAY)
    assert row.milestones_overdue == 1
    assert (row.savings_target, row.savings_delivered) == (Decimal("200000"), Decimal("100000"))
    assert row.overall.value == "amber"


def test_programme_page_shows_projects_milestones_and_savings(
    bob: User, carol: User, programme: Programme
) -> None:
    url = reverse("fsr_corporate_programme", args=[programme.pk])
    text = soup(client_for(carol).get(url)).get_text(" ", strip=True)
    assert "Office accommodation" in text and "✗ Off track" in text and "! At risk" in text
    assert "Overdue" in text and "£100,000" in text and "£200,000" in text
    assert "WASTE-RISK-IN-PROGRAMME" in text
    # Bob (housing) reads neither waste's risk nor council-wide savings lines, even here.
    text = soup(client_for(bob).get(url)).get_text(" ", strip=True)
    assert "Office accommodation" in text
    assert "WASTE-RISK-IN-PROGRAMME" not in text and "£200,000" not in text


def test_sponsor_reports_progress_others_cannot(
    carol: User, alice: User, programme: Programme
) -> None:
    url = reverse("fsr_corporate_programme_report", args=[programme.pk])
    assert client_for(alice).get(url).status_code == 403
    data = {
        "stage": "closing",
        "rag_time": "green",
        "rag_cost": "red",
        "rag_scope": "green",
        "status_note": "Costs up",
    }
    assert client_for(carol).post(url, data).status_code == 302
    programme.refresh_from_db()
    assert (programme.stage, programme.rag_cost) == ("closing", "red")
    record = ChangeRecord.objects.get(object_type="programme")
    assert record.changes["rag_cost"] == ["amber", "red"] and record.user == carol


def test_only_the_team_sets_up_programmes(carol: User, pat: User) -> None:
    assert client_for(carol).get(reverse("fsr_corporate_programme_new")).status_code == 403
    assert client_for(pat).get(reverse("fsr_corporate_programme_new")).status_code == 200


def test_programme_api_hides_risks_the_reader_may_not_see(
    bob: User, carol: User, programme: Programme
) -> None:
    url = f"/api/v1/corporate-programmes/{programme.pk}/"
    assert client_for(carol).get(url).json()["risks"] != []
    body = client_for(bob).get(url).json()
    assert body["risks"] == [] and body["savings"] == [] and body["overall"] == "amber"
    assert [p["title"] for p in body["projects"]] == ["Office accommodation"]


def test_sponsor_marks_a_milestone_done_and_adds_one(carol: User, programme: Programme) -> None:
    url = reverse("fsr_corporate_programme_milestones", args=[programme.pk])
    milestones = list(programme.milestones.order_by("due", "pk"))
    project = programme.projects.get()
    data: dict[str, Any] = {
        "milestones-TOTAL_FORMS": str(len(milestones) + 1),
        "milestones-INITIAL_FORMS": str(len(milestones)),
        "milestones-MIN_NUM_FORMS": "0",
        "milestones-MAX_NUM_FORMS": "1000",
    }
    for i, m in enumerate(milestones):
        data |= {
            f"milestones-{i}-id": str(m.pk),
            f"milestones-{i}-title": m.title,
            f"milestones-{i}-project": str(m.project_id or ""),
            f"milestones-{i}-due": m.due.isoformat(),
            # The overdue one is done today; the others stay as they are.
            f"milestones-{i}-done_on": str(m.done_on or (TODAY if m.due < TODAY else "")),
        }
    n = len(milestones)
    data |= {
        f"milestones-{n}-title": "Lease signed",
        f"milestones-{n}-project": str(project.pk),
        f"milestones-{n}-due": "2027-02-01",
        f"milestones-{n}-done_on": "",
    }
    response = client_for(carol).post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert register.programme_rows(TODAY)[0].milestones_overdue == 0
    added = programme.milestones.get(title="Lease signed")
    assert added.project == project
    assert ChangeRecord.objects.filter(object_type="programmemilestone").count() == 2


def test_officer_cannot_change_a_programmes_milestones(alice: User, programme: Programme) -> None:
    url = reverse("fsr_corporate_programme_milestones", args=[programme.pk])
    assert client_for(alice).get(url).status_code == 403
    with pytest.raises(PermissionDenied):
        services.programme_milestones_save(programme=programme, user=alice, changed=[])
