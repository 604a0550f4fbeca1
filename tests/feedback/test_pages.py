"""The feedback pages through the test client: read by everyone signed in, changed by the
service's managers, arrangement owners and the performance team."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from feedback.models import Arrangement, MysteryShop, PanelSurvey, Round
from targets.models import Action, Objective, Priority, Service, ServicePlan, User
from tests.conftest import client_for
from tests.feedback.conftest import import_csv

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(datetime(2026, 11, 26, 12, tzinfo=UTC), tick=False)


def page(response: object) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")  # type: ignore[attr-defined]


@pytest.fixture
def survey(waste: Service, alice: User) -> Arrangement:
    return Arrangement.objects.create(
        service=waste,
        kind=Arrangement.Kind.CUSTOMER_SURVEY,
        title="Bin collection survey",
        frequency=Arrangement.Frequency.TWICE_YEARLY,
        owner=alice,
    )


def test_it_adds_an_arrangement_and_records_a_round_with_a_score(
    hannah: User, waste: Service
) -> None:
    client = client_for(hannah)
    response = client.post(
        "/feedback/arrangements/new/",
        {
            "service": waste.pk,
            "kind": "point_of_contact",
            "title": "Depot counter cards",
            "frequency": "continuous",
            "is_active": "on",
        },
    )
    arrangement = Arrangement.objects.get(title="Depot counter cards")
    assert (
        response.status_code == 302
        and response["Location"] == f"/feedback/arrangements/{arrangement.pk}/"
    )
    response = client.post(
        f"/feedback/arrangements/{arrangement.pk}/rounds/new/",
        {
            "started": "2026-04-01",
            "ended": "2026-09-30",
            "respondents": "212",
            "result": "score",
            "score": "4.2",
            "scale_min": "1",
            "scale_max": "5",
            "findings": "Residents want text alerts before a missed bin is collected.",
        },
    )
    item = Round.objects.get(arrangement=arrangement)
    assert response.status_code == 302
    assert item.satisfaction == Decimal("80.0")
    assert item.percent_satisfied is None
    detail = page(client.get(item.get_absolute_url()))
    assert "80.0%" in detail.get_text()


def test_a_round_says_what_is_wrong_and_where(hannah: User, survey: Arrangement) -> None:
    response = client_for(hannah).post(
        f"/feedback/arrangements/{survey.pk}/rounds/new/",
        {
            "started": "2026-09-30",
            "ended": "2026-04-01",
            "result": "score",
            "score": "7",
            "scale_min": "1",
            "scale_max": "5",
        },
    )
    assert response.status_code == 400
    html = page(response)
    summary = html.select_one(".error-summary")
    assert summary is not None
    links = {a["href"]: a.get_text() for a in summary.select("a")}
    assert links["#id_ended"] == "The round cannot end before it starts."
    assert links["#id_score"] == "The score must be between 1 and 5."
    assert not Round.objects.exists()


def test_the_arrangement_owner_records_rounds_but_other_officers_cannot(
    alice: User, bob: User, survey: Arrangement
) -> None:
    data = {
        "started": "2026-04-01",
        "ended": "2026-09-30",
        "result": "percent",
        "percent_satisfied": "81.5",
    }
    url = f"/feedback/arrangements/{survey.pk}/rounds/new/"
    assert client_for(bob).post(url, data).status_code == 403
    assert client_for(alice).post(url, data).status_code == 302
    assert Round.objects.get().satisfaction == Decimal("81.5")
    # Only the head of service and the performance team change the arrangement itself.
    assert client_for(alice).get(f"/feedback/arrangements/{survey.pk}/edit/").status_code == 403


def test_an_officer_cannot_add_arrangements_to_a_service_not_theirs(
    hannah: User, housing: Service
) -> None:
    response = client_for(hannah).post(
        "/feedback/arrangements/new/",
        {"service": housing.pk, "kind": "customer_survey", "title": "X", "frequency": "annual"},
    )
    assert response.status_code == 400
    assert not Arrangement.objects.exists()


def test_an_internal_survey_is_for_support_services(pat: User, waste: Service) -> None:
    response = client_for(pat).post(
        "/feedback/arrangements/new/",
        {"service": waste.pk, "kind": "internal_survey", "title": "X", "frequency": "annual"},
    )
    assert response.status_code == 400
    assert "is not a support service" in page(response).get_text()


@pytest.fixture
def plan_objective(waste: Service) -> Objective:
    priority = Priority.objects.create(number=4, name="A cleaner greener city")
    plan = ServicePlan.objects.create(service=waste, year=2026)
    return Objective.objects.create(plan=plan, priority=priority, title="Fewer missed bins")


def _action(objective: Objective | None, owner: User) -> dict[str, object]:
    return {
        "title": "Text residents before a missed bin is collected",
        "owner": owner.pk,
        "due": "2027-01-31",
        "status": "not_started",
        "objective": objective.pk if objective else "",
    }


def test_an_action_from_a_round_joins_a_draft_plan(
    alice: User, survey: Arrangement, plan_objective: Objective
) -> None:
    item = Round.objects.create(
        arrangement=survey, started=date(2026, 4, 1), ended=date(2026, 9, 30), satisfaction=80
    )
    response = client_for(alice).post(
        f"/feedback/rounds/{item.pk}/actions/new/", _action(plan_objective, alice)
    )
    assert response.status_code == 302
    action = item.actions.get()
    assert (action.source, action.service, action.objective) == (
        Action.Source.FEEDBACK,
        survey.service,
        plan_objective,
    )


def test_only_the_head_or_the_performance_team_add_to_a_signed_off_plan(
    alice: User, hannah: User, survey: Arrangement, plan_objective: Objective
) -> None:
    plan = plan_objective.plan
    plan.status = ServicePlan.Status.SIGNED_OFF
    plan.save()
    item = Round.objects.create(
        arrangement=survey, started=date(2026, 4, 1), ended=date(2026, 9, 30), satisfaction=80
    )
    url = f"/feedback/rounds/{item.pk}/actions/new/"
    # The arrangement's owner may record the action, but not put it in the signed-off plan.
    response = client_for(alice).post(url, _action(plan_objective, alice))
    assert response.status_code == 400
    assert "is signed off: only the head of service" in page(response).get_text()
    assert not Action.objects.exists()
    assert client_for(alice).post(url, _action(None, alice)).status_code == 302
    action = Action.objects.get()
    assert action.objective is None
    # The head of service puts it in the plan.
    response = client_for(hannah).post(
        f"/feedback/actions/{action.pk}/edit/", _action(plan_objective, alice)
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.objective == plan_objective


def test_mystery_shopping_findings_become_actions(hannah: User, waste: Service) -> None:
    client = client_for(hannah)
    response = client.post(
        "/feedback/mystery-shopping/new/",
        {
            "service": waste.pk,
            "visited": "2026-10-14",
            "channel": "telephone",
            "scenario": "Report a missed bin",
            "score": "72",
            "findings": "Caller on hold 6 min.",
            "shared_with_staff": "2026-10-20",
        },
    )
    visit = MysteryShop.objects.get()
    assert response.status_code == 302
    response = client.post(
        f"/feedback/mystery-shopping/{visit.pk}/actions/new/",
        {
            "title": "Call-back option in the queue",
            "owner": hannah.pk,
            "due": "2027-02-28",
            "status": "in_progress",
        },
    )
    assert response.status_code == 302
    action = visit.actions.get()
    assert action.source == Action.Source.MYSTERY_SHOPPING
    assert "Call-back option in the queue" in page(client.get(visit.get_absolute_url())).get_text()


def test_the_panel_is_the_performance_teams(pat: User, hannah: User, waste: Service) -> None:
    data = {
        "title": "Autumn 2026",
        "topics": "Bins, Parks",
        "sent": "2026-10-01",
        "closed": "2026-10-28",
        "panel_size": "1000",
        "responses": "612",
        "headlines": "Most want weekly food waste.",
    }
    assert client_for(hannah).post("/feedback/panel/new/", data).status_code == 403
    assert client_for(pat).post("/feedback/panel/new/", data).status_code == 302
    survey = PanelSurvey.objects.get()
    assert survey.response_rate == Decimal("61.2")
    response = client_for(pat).post(
        f"/feedback/panel/{survey.pk}/results/new/",
        {
            "question": "Satisfied with bin collections",
            "service": waste.pk,
            "percent_satisfied": "78",
        },
    )
    assert response.status_code == 302
    text = page(client_for(hannah).get(f"/feedback/services/{waste.code}/")).get_text()
    assert "Satisfied with bin collections" in text


def test_complaints_are_for_staff_only(
    pat: User, sam: User, alice: User, waste: Service, customer_services: Service
) -> None:
    import_csv(
        "reference,service,received,due,responded,stage,kind\n"
        "C-1,waste,2026-09-01,2026-09-15,2026-09-14,1,complaint\n"
    )
    assert client_for(sam).get("/feedback/complaints/").status_code == 403
    assert "C-1" in page(client_for(alice).get("/feedback/complaints/?service=waste")).get_text()
    overview = page(client_for(sam).get("/feedback/")).get_text()
    assert "Complaints and compliments, council-wide" not in overview
    overview = page(client_for(alice).get("/feedback/")).get_text()
    assert "Complaints and compliments, council-wide" in overview
    assert client_for(alice).get("/feedback/complaints/upload/").status_code == 403


def test_the_upload_page_imports_the_file_and_lists_bad_rows(
    pat: User, waste: Service, customer_services: Service
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(pat)
    bad = SimpleUploadedFile(
        "export.csv",
        b"reference,service,received,due,responded,stage,kind\n"
        b"C-1,waste,2026-09-01,2026-09-15,2026-09-14,1,complaint\n"
        b"C-1,waste,2026-09-02,2026-09-16,,1,complaint\n",
    )
    response = client.post("/feedback/complaints/upload/", {"file": bad})
    assert response.status_code == 400
    html = page(response)
    rows = [
        [c.get_text(strip=True) for c in tr.select("th, td")]
        for tr in html.select("#import-errors tbody tr")
    ]
    assert rows == [["3", "reference", "C-1 is already on row 2"]]
    good = SimpleUploadedFile(
        "export.csv",
        b"reference,service,received,due,responded,stage,kind\n"
        b"C-1,waste,2026-09-01,2026-09-15,2026-09-14,1,complaint\n",
    )
    response = client.post("/feedback/complaints/upload/", {"file": good})
    assert response.status_code == 200
    assert "Imported complaints and compliments: 1 created" in page(response).get_text()


@pytest.mark.parametrize(
    "path",
    [
        "/feedback/",
        "/feedback/compliance/",
        "/feedback/arrangements/",
        "/feedback/panel/",
        "/feedback/mystery-shopping/",
        "/feedback/services/waste/",
    ],
)
def test_everyone_signed_in_reads_the_pages(path: str, sam: User, survey: Arrangement) -> None:
    assert client_for(sam).get(path).status_code == 200


def test_signed_out_people_are_sent_to_sign_in(waste: Service) -> None:
    response = Client().get("/feedback/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_service_scorecard_shows_the_services_feedback(
    carol: User, survey: Arrangement
) -> None:
    Round.objects.create(
        arrangement=survey,
        started=date(2026, 4, 1),
        ended=date(2026, 9, 30),
        satisfaction=Decimal("80.0"),
        respondents=212,
    )
    response = client_for(carol).get(f"/services/{survey.service.code}/")
    assert response.status_code == 200
    # The panel comes from its own page, loaded into the scorecard (a link without script).
    slot = BeautifulSoup(response.content, "html.parser").select_one(".feedback-slot")
    brief = f"/feedback/services/{survey.service.code}/in-brief/"
    assert (slot["data-fragment"], slot["data-fragment-part"]) == (brief, "feedback-panel")
    assert slot.a["href"] == brief
    panel = BeautifulSoup(client_for(carol).get(brief).content, "html.parser").find(
        "section", id="feedback-panel", attrs={"aria-labelledby": "feedback-panel-title"}
    )
    text = panel.get_text(" ", strip=True)
    assert "Satisfaction 2026/27 80.0%" in text
    assert "Bin collection survey , ended 30 Sep 2026: 80.0% satisfied (212 respondents)" in text


def test_the_action_owner_updates_it_but_plan_actions_are_not_edited_here(
    bob: User, hannah: User, waste: Service
) -> None:
    action = Action.objects.create(
        service=waste, title="Call back", owner=bob, source=Action.Source.MYSTERY_SHOPPING
    )
    data = {"title": "Call back", "owner": bob.pk, "due": "2027-01-31", "status": "done"}
    assert client_for(bob).post(f"/feedback/actions/{action.pk}/edit/", data).status_code == 302
    action.refresh_from_db()
    assert action.status == Action.Status.DONE and action.completed_on is not None
    plan_action = Action.objects.create(service=waste, title="Plan", source=Action.Source.PLAN)
    response = client_for(hannah).get(f"/feedback/actions/{plan_action.pk}/edit/")
    assert response.status_code == 404
