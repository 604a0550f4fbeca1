"""Reviews end to end: the nine-month limit in every route, who may do what, the workflow with
its baseline and outcome from our data, and the market-testing recommendation."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import PermissionDenied, ValidationError

from fsr import services
from fsr.models import MarketTest, Milestone, Review, SavingsLine
from fsr.services import TransitionError
from targets.models import Action, ChangeRecord, Service, User
from tests.conftest import client_for
from tests.factories import MeasureFactory, TargetFactory, ValueFactory
from tests.fsr.conftest import budget, milestone, review

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(datetime(2026, 11, 20, 12, tzinfo=UTC), tick=False)


def soup(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def form(service: Service, sponsor: User, **fields: str) -> dict[str, Any]:
    return {
        "service": service.pk,
        "kind": "fsr",
        "title": "Review of waste collection",
        "scope": "Collection rounds, the depot and trade waste",
        "sponsor": sponsor.pk,
        "project_manager": sponsor.pk,
        "start": "2026-05-31",
        "planned_end": "2027-02-28",
        "aim_performance_pct": "20",
        "aim_cost_pct": "20",
        "findings": "",
        **fields,
    }


# The nine-month limit: pages, the API, the service layer and the model.


def test_a_review_of_exactly_nine_months_is_accepted(pat: User, waste: Service) -> None:
    response = client_for(pat).post("/fsr/reviews/new/", form(waste, pat))
    saved = Review.objects.get()
    assert response.status_code == 302 and response["Location"] == saved.get_absolute_url()
    assert (saved.start, saved.planned_end, saved.status) == (
        date(2026, 5, 31),
        date(2027, 2, 28),
        Review.Status.PLANNED,
    )
    assert (saved.aim_performance_pct, saved.aim_cost_pct) == (Decimal(20), Decimal(20))


@pytest.mark.parametrize(
    ("planned_end", "named"),
    [("2027-03-01", "not 1 March 2027"), ("2027-03-31", "not 31 March 2027")],
)
def test_a_review_longer_than_nine_months_is_refused_on_the_page(
    pat: User, waste: Service, planned_end: str, named: str
) -> None:
    response = client_for(pat).post("/fsr/reviews/new/", form(waste, pat, planned_end=planned_end))
    assert response.status_code == 400
    summary = soup(response).select_one(".error-summary")
    assert summary is not None
    text = summary.get_text(" ", strip=True)
    assert "at most nine months" in text
    assert "starts on 31 May 2026" in text and "end by 28 February 2027" in text and named in text
    assert summary.select_one("a")["href"] == "#id_planned_end"
    assert not Review.objects.exists()


def test_a_review_planned_for_ten_months_is_refused_by_the_api(pat: User, waste: Service) -> None:
    body = {
        "service": "waste",
        "kind": "fsr",
        "title": "Ten months",
        "scope": "Everything",
        "sponsor": "pat",
        "project_manager": "pat",
        "start": "2026-04-01",
        "planned_end": "2027-02-01",
    }
    response = client_for(pat).post("/api/v1/reviews/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["planned_end"] == [
        "A review may last at most nine months: it starts on 1 April 2026, so it must be "
        "planned to end by 1 January 2027, not 1 February 2027."
    ]
    assert not Review.objects.exists()

    body["planned_end"] = "2027-01-01"
    response = client_for(pat).post("/api/v1/reviews/", body, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["latest_planned_end"] == "2027-01-01"
    assert response.json()["baseline"]["cost"] is None


def test_the_api_refuses_a_change_that_makes_a_review_too_long(pat: User, waste: Service) -> None:
    found = review(waste, start=date(2026, 4, 1), planned_end=date(2026, 12, 31))
    response = client_for(pat).patch(
        f"/api/v1/reviews/{found.pk}/",
        {"planned_end": "2027-01-02"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "at most nine months" in response.json()["planned_end"][0]


def test_the_service_layer_refuses_a_ten_month_review(pat: User, waste: Service) -> None:
    too_long = Review(
        service=waste,
        title="Too long",
        scope="All",
        sponsor=pat,
        project_manager=pat,
        start=date(2026, 4, 1),
        planned_end=date(2027, 2, 1),
    )
    with pytest.raises(ValidationError) as caught:
        services.review_save(review=too_long, user=pat)
    assert "at most nine months" in caught.value.message_dict["planned_end"][0]
    assert not Review.objects.exists()


# Who may do what


def test_only_the_performance_team_plans_reviews(hannah: User, waste: Service) -> None:
    assert client_for(hannah).get("/fsr/reviews/new/").status_code == 403
    assert client_for(hannah).post("/fsr/reviews/new/", form(waste, hannah)).status_code == 403
    response = client_for(hannah).post(
        "/api/v1/reviews/",
        {
            "service": "waste",
            "title": "x",
            "scope": "y",
            "sponsor": "hannah",
            "project_manager": "hannah",
            "start": "2026-04-01",
            "planned_end": "2026-12-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 403


def test_a_head_of_service_changes_their_own_services_review(hannah: User, waste: Service) -> None:
    found = review(waste, sponsor=hannah, project_manager=hannah)
    data = form(waste, hannah, title="Renamed", start="2025-05-01", planned_end="2026-01-31")
    response = client_for(hannah).post(f"/fsr/reviews/{found.pk}/edit/", data)
    assert response.status_code == 302
    found.refresh_from_db()
    assert found.title == "Renamed" and found.service == waste
    record = ChangeRecord.objects.get(object_type="review", object_id=found.pk)
    assert record.user == hannah and record.changes["title"] == [
        "Fundamental review of Waste and Recycling",
        "Renamed",
    ]


def test_a_head_cannot_change_another_services_review(hannah: User, housing: Service) -> None:
    other = review(housing)
    assert client_for(hannah).get(f"/fsr/reviews/{other.pk}/edit/").status_code == 404


@pytest.mark.parametrize("persona", ["carol", "sam", "pat", "alice", "hannah"])
def test_who_reads_a_waste_review(
    persona: str, request: pytest.FixtureRequest, waste: Service
) -> None:
    user = request.getfixturevalue(persona)
    found = review(waste)
    assert client_for(user).get(f"/fsr/reviews/{found.pk}/").status_code == 200
    assert client_for(user).get(f"/api/v1/reviews/{found.pk}/").status_code == 200


def test_officers_of_other_services_cannot_read_a_review(bob: User, waste: Service) -> None:
    found = review(waste)
    assert client_for(bob).get(f"/fsr/reviews/{found.pk}/").status_code == 404
    assert client_for(bob).get("/api/v1/reviews/").json()["results"] == []
    assert "Fundamental review" not in client_for(bob).get("/fsr/reviews/").content.decode()


def test_an_officer_cannot_change_their_services_review(alice: User, waste: Service) -> None:
    found = review(waste)
    assert client_for(alice).get(f"/fsr/reviews/{found.pk}/edit/").status_code == 403
    assert client_for(alice).get(f"/fsr/reviews/{found.pk}/plan/").status_code == 403
    response = client_for(alice).post(f"/fsr/reviews/{found.pk}/status/", {"to": "in_progress"})
    assert response.status_code == 403


# The workflow, with the baseline and outcome measured from our data


@pytest.fixture
def data(waste: Service) -> None:
    """Two waste measures with targets of 80 (higher is better); one of two on target in April
    2025, both in February 2026; net budgets of £1m in 2025/26 and £0.8m in 2026/27."""
    first = MeasureFactory(code="W1", service=waste)
    second = MeasureFactory(code="W2", service=waste)
    for measure in (first, second):
        for year in (2025, 2026):
            TargetFactory(measure=measure, year=year, value=Decimal(80))
    ValueFactory(measure=first, period="2025-04", actual=Decimal(85))
    ValueFactory(measure=second, period="2025-04", actual=Decimal(60))
    ValueFactory(measure=first, period="2026-02", actual=Decimal(90))
    ValueFactory(measure=second, period="2026-02", actual=Decimal(81))
    # Not published: never counted.
    ValueFactory(measure=second, period="2026-03", actual=Decimal(10), status="submitted")
    budget(waste, 2025, "1000000")
    budget(waste, 2026, "800000")


def test_the_review_workflow_measures_baseline_and_outcome(
    pat: User, waste: Service, data: None
) -> None:
    found = review(waste, start=date(2025, 5, 15), planned_end=date(2026, 1, 31))
    client = client_for(pat)
    assert client.post(f"/fsr/reviews/{found.pk}/status/", {"to": "in_progress"}).status_code == 302
    found.refresh_from_db()
    assert found.status == Review.Status.IN_PROGRESS
    assert (found.baseline_cost, found.baseline_cost_year) == (Decimal("1000000.00"), 2025)
    assert (found.baseline_month, found.baseline_green, found.baseline_rated) == ("2025-04", 1, 2)
    assert found.baseline_percent == Decimal("50.0")

    # The plan must exist before it can be agreed.
    client.post(f"/fsr/reviews/{found.pk}/status/", {"to": "agreed", "on": "2026-01-20"})
    found.refresh_from_db()
    assert found.status == Review.Status.IN_PROGRESS
    milestone(found, date(2026, 6, 30), done_on=date(2026, 6, 1))
    # ... and so must its external challenge, staff involvement and future specification.
    response = client.post(
        f"/fsr/reviews/{found.pk}/status/", {"to": "agreed", "on": "2026-01-20"}, follow=True
    )
    found.refresh_from_db()
    assert found.status == Review.Status.IN_PROGRESS
    assert "Record the high performers it was compared with" in response.content.decode()
    challenged(found)
    client.post(f"/fsr/reviews/{found.pk}/status/", {"to": "agreed", "on": "2026-01-20"})
    found.refresh_from_db()
    assert (found.status, found.ended_on) == (Review.Status.AGREED, date(2026, 1, 20))

    client.post(f"/fsr/reviews/{found.pk}/status/", {"to": "complete"})
    found.refresh_from_db()
    assert (found.status, found.completed_on) == (Review.Status.COMPLETE, date(2026, 11, 20))
    assert (found.outcome_cost, found.outcome_cost_year) == (Decimal("800000.00"), 2026)
    assert (found.outcome_month, found.outcome_green, found.outcome_rated) == ("2026-02", 2, 2)
    comparison = found.comparison
    assert (comparison.savings, comparison.savings_pct) == (Decimal("200000.00"), Decimal("20.0"))
    assert comparison.cost_aim_met is True
    assert (comparison.change_points, comparison.change_pct) == (Decimal("50.0"), Decimal("100.0"))
    assert comparison.performance_aim_met is True

    page = soup(client.get(f"/fsr/reviews/{found.pk}/"))
    figures = page.find("h2", id="figures-title").find_next("table").get_text(" ", strip=True)
    assert "£1,000,000" in figures and "£800,000" in figures and "Saved £200,000 (20.0%)" in figures
    assert "50.0%" in figures and "100.0%" in figures and "+50.0 points" in figures
    api = client.get(f"/api/v1/reviews/{found.pk}/").json()
    assert api["baseline"]["percent_on_target"] == "50.0"
    assert api["outcome"]["cost"] == "800000.00"
    assert api["comparison"]["savings"] == "200000.00"
    assert api["comparison"]["cost_aim_met"] is True

    # Later changes to the budget never rewrite the stored baseline.
    waste.budgets.filter(year=2025).update(net_budget=Decimal(5))
    found.refresh_from_db()
    assert found.baseline_cost == Decimal("1000000.00")


def test_missing_data_is_shown_as_missing_never_zero(pat: User, waste: Service) -> None:
    found = review(waste, start=date(2025, 5, 15), planned_end=date(2026, 1, 31))
    services.review_transition(review=found, to="in_progress", user=pat)
    found.refresh_from_db()
    assert found.baseline_cost is None and found.baseline_rated is None
    page = soup(client_for(pat).get(f"/fsr/reviews/{found.pk}/"))
    table = page.find("h2", id="figures-title").find_next("table")
    for row in table.select("tbody tr"):
        baseline, _aim, outcome, change, met = row.select("td")
        for cell in (baseline, outcome, change):
            assert cell.select(".missing") and "£0" not in cell.get_text()
        assert met.get_text(strip=True) == "Not known yet"
    api = client_for(pat).get(f"/api/v1/reviews/{found.pk}/").json()
    assert api["baseline"]["cost"] is None and api["baseline"]["percent_on_target"] is None


def test_a_review_cannot_skip_a_status(pat: User, waste: Service) -> None:
    found = review(waste)
    with pytest.raises(TransitionError, match="planned cannot become complete"):
        services.review_transition(review=found, to="complete", user=pat)
    response = client_for(pat).post(f"/fsr/reviews/{found.pk}/status/", {"to": "complete"})
    assert response.status_code == 302
    found.refresh_from_db()
    assert found.status == Review.Status.PLANNED


def test_the_api_moves_a_review_on(pat: User, waste: Service) -> None:
    found = review(waste)
    client = client_for(pat)
    response = client.post(
        f"/api/v1/reviews/{found.pk}/status/",
        {"to": "in_progress"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "in_progress"
    response = client.post(
        f"/api/v1/reviews/{found.pk}/status/", {"to": "complete"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "cannot become complete" in response.json()["to"][0]


def test_an_abandoned_review_stays_abandoned(pat: User, waste: Service) -> None:
    found = review(waste)
    services.review_transition(review=found, to="abandoned", user=pat)
    with pytest.raises(TransitionError):
        services.review_transition(review=found, to="in_progress", user=pat)


# Milestones and improvement actions


def test_milestones_are_edited_inline(hannah: User, alice: User, waste: Service) -> None:
    found = review(waste)
    kept = milestone(found, date(2025, 7, 1), title="Baseline agreed")
    gone = milestone(found, date(2025, 8, 1), title="Options appraisal")
    data = {
        "milestones-TOTAL_FORMS": "3",
        "milestones-INITIAL_FORMS": "2",
        "milestones-MIN_NUM_FORMS": "0",
        "milestones-MAX_NUM_FORMS": "1000",
        "milestones-0-id": kept.pk,
        "milestones-0-title": "Baseline agreed by CMT",
        "milestones-0-owner": alice.pk,
        "milestones-0-due": "2025-07-01",
        "milestones-0-done_on": "2025-06-28",
        "milestones-1-id": gone.pk,
        "milestones-1-title": "Options appraisal",
        "milestones-1-due": "2025-08-01",
        "milestones-1-DELETE": "on",
        "milestones-2-title": "Report to CEB",
        "milestones-2-owner": hannah.pk,
        "milestones-2-due": "2025-12-10",
    }
    response = client_for(hannah).post(f"/fsr/reviews/{found.pk}/plan/", data)
    assert response.status_code == 302
    rows = list(found.milestones.values_list("title", "owner__username", "due", "done_on"))
    assert rows == [
        ("Baseline agreed by CMT", "alice", date(2025, 7, 1), date(2025, 6, 28)),
        ("Report to CEB", "hannah", date(2025, 12, 10), None),
    ]
    kinds = set(ChangeRecord.objects.filter(object_type="milestone").values_list("action"))
    assert kinds == {("create",), ("update",), ("delete",)}


def test_a_milestone_needs_a_due_date(hannah: User, waste: Service) -> None:
    found = review(waste)
    data = {
        "milestones-TOTAL_FORMS": "1",
        "milestones-INITIAL_FORMS": "0",
        "milestones-MIN_NUM_FORMS": "0",
        "milestones-MAX_NUM_FORMS": "1000",
        "milestones-0-title": "Report to CEB",
        "milestones-0-due": "",
    }
    response = client_for(hannah).post(f"/fsr/reviews/{found.pk}/plan/", data)
    assert response.status_code == 400
    summary = soup(response).select_one(".error-summary").get_text(" ", strip=True)
    assert "Row 1, due: This field is required." in summary
    assert not Milestone.objects.exists()


def test_an_improvement_action_joins_the_services_actions(hannah: User, waste: Service) -> None:
    found = review(waste)
    response = client_for(hannah).post(
        f"/fsr/reviews/{found.pk}/actions/new/",
        {
            "title": "Re-route collections",
            "owner": hannah.pk,
            "due": "2026-03-31",
            "status": "not_started",
        },
    )
    assert response.status_code == 302
    action = Action.objects.get()
    assert (action.service, action.source) == (waste, Action.Source.REVIEW)
    assert list(found.actions.all()) == [action]


# Missed dates: due for a market-testing recommendation to CEB


def challenged(found: Review) -> None:
    found.other_comparators = "South Cambridgeshire (APSE top quartile)"
    found.challenge_evidence = "APSE benchmarking 2025/26"
    found.staff_involvement = "Two staff workshops"
    found.future_specification = "Weekly collections, 99.9% collected first time"
    found.save()


def unable_review(service: Service) -> Review:
    """An agreed review whose improvement action is past its due date."""
    found = agreed_review(service)
    late = Action.objects.create(
        service=service, title="New depot rota", due=date(2026, 9, 30), source="review"
    )
    found.actions.add(late)
    return found


def agreed_review(service: Service, **fields: Any) -> Review:
    return review(
        service,
        status=Review.Status.AGREED,
        start=date(2025, 5, 1),
        planned_end=date(2026, 1, 31),
        ended_on=date(2026, 1, 20),
        **fields,
    )


def test_missed_plan_dates_make_a_review_due_for_market_testing(
    pat: User, carol: User, waste: Service
) -> None:
    found = agreed_review(waste)
    milestone(found, date(2026, 12, 1))  # not yet due
    page = soup(client_for(carol).get(f"/fsr/reviews/{found.pk}/"))
    assert page.select_one("#market-testing") is None

    action = Action.objects.create(
        service=waste, title="New depot rota", due=date(2026, 9, 30), source="review"
    )
    found.actions.add(action)
    page = soup(client_for(carol).get(f"/fsr/reviews/{found.pk}/"))
    notice = page.select_one("#market-testing").get_text(" ", strip=True)
    assert "Unable to deliver: due for a market-testing recommendation to CEB" in notice
    assert "1 improvement action past due" in notice
    programme = soup(client_for(carol).get("/fsr/"))
    listed = programme.find("h2", id="market-title").find_next("ul").get_text()
    assert found.title in listed
    api = client_for(carol).get("/api/v1/reviews/?missed_dates=true").json()["results"]
    assert [r["id"] for r in api] == [found.pk] and api[0]["missed_dates"] is True

    response = client_for(pat).post(
        f"/fsr/reviews/{found.pk}/market-test/",
        {
            "recommended_on": "2026-11-01",
            "in_house_bid": "2400000",
            "external_bids": "Two bids: £2.6m and £2.3m a year",
            # CEB's decision cannot be slipped in by the performance team.
            "approval": "approved",
            "decision": "retain",
            "decision_on": "2026-11-15",
            "notes": "",
        },
    )
    assert response.status_code == 302
    test = MarketTest.objects.get()
    assert (test.in_house_bid, test.approval, test.decision) == (Decimal("2400000.00"), "", "")
    notice = soup(client_for(carol).get(f"/fsr/reviews/{found.pk}/")).select_one("#market-testing")
    assert "CEB has not decided yet" in notice.get_text(" ", strip=True)
    programme = soup(client_for(carol).get("/fsr/"))
    assert found.title not in programme.find("h2", id="market-title").find_next("p").get_text()
    assert client_for(carol).get("/api/v1/market-tests/").json()["results"][0]["service"] == "waste"


def test_a_done_action_or_milestone_is_not_missed(carol: User, waste: Service) -> None:
    found = agreed_review(waste)
    milestone(found, date(2026, 3, 1), done_on=date(2026, 3, 5))
    action = Action.objects.create(
        service=waste, title="Done", due=date(2026, 2, 1), status="done", source="review"
    )
    found.actions.add(action)
    assert not Review.objects.with_missed_dates(date(2026, 11, 20)).exists()
    assert (
        soup(client_for(carol).get(f"/fsr/reviews/{found.pk}/")).select_one("#market-testing")
        is None
    )


def test_an_open_review_is_never_due_for_market_testing(waste: Service) -> None:
    found = review(waste, status=Review.Status.IN_PROGRESS)
    milestone(found, date(2025, 6, 1))
    assert not Review.objects.with_missed_dates(date(2026, 11, 20)).exists()


def test_a_market_test_decision_needs_its_minute(ceb: User, waste: Service) -> None:
    found = unable_review(waste)
    MarketTest.objects.create(review=found, recommended_on=date(2026, 11, 1))
    response = client_for(ceb).post(
        f"/fsr/reviews/{found.pk}/market-test/decision/",
        {"approval": "approved", "decided_on": "2026-11-10", "minute_reference": " "},
    )
    assert response.status_code == 400
    assert (
        "Give the reference of CEB's minute."
        in soup(response).select_one(".error-summary").get_text()
    )


def test_only_the_performance_team_records_market_tests(hannah: User, waste: Service) -> None:
    found = unable_review(waste)
    assert client_for(hannah).get(f"/fsr/reviews/{found.pk}/market-test/").status_code == 403
    with pytest.raises(PermissionDenied):
        services.market_test_save(
            market_test=MarketTest(review=found, recommended_on=date(2026, 11, 1)), user=hannah
        )


# Savings from a complete review


def test_a_complete_reviews_savings_go_into_the_savings_plan_once(
    pat: User, waste: Service
) -> None:
    found = review(
        waste,
        status=Review.Status.COMPLETE,
        ended_on=date(2026, 1, 20),
        baseline_cost=Decimal("1000000"),
        outcome_cost=Decimal("850000"),
        outcome_cost_year=2026,
    )
    response = client_for(pat).post(f"/fsr/reviews/{found.pk}/savings/")
    assert response.status_code == 302 and response["Location"] == "/fsr/savings/?year=2026"
    line = SavingsLine.objects.get()
    assert (line.year, line.source, line.review, line.service) == (2026, "fsr", found, waste)
    assert (line.target, line.delivered) == (Decimal("200000.00"), Decimal("150000"))
    client_for(pat).post(f"/fsr/reviews/{found.pk}/savings/")
    assert SavingsLine.objects.count() == 1


def test_savings_cannot_be_added_without_the_figures(pat: User, waste: Service) -> None:
    found = review(waste, status=Review.Status.COMPLETE, ended_on=date(2026, 1, 20))
    with pytest.raises(TransitionError, match="cannot be measured yet"):
        services.savings_from_review(review=found, user=pat)


def test_a_review_that_saved_nothing_adds_no_savings_line(pat: User, waste: Service) -> None:
    found = review(
        waste,
        status=Review.Status.COMPLETE,
        ended_on=date(2026, 1, 20),
        baseline_cost=Decimal("1000000"),
        outcome_cost=Decimal("1040000"),
        outcome_cost_year=2026,
    )
    with pytest.raises(TransitionError, match="budget rose by £40,000"):
        services.savings_from_review(review=found, user=pat)
    assert not SavingsLine.objects.exists()
