"""The ideas board: anyone submits, the board moves ideas on and awards spend-to-save funding,
and the year's budget can never be over-committed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import PermissionDenied, ValidationError

from oim import services
from oim.models import Idea, SpendToSaveBudget
from oim.services import OverCommitError
from targets.models import ChangeRecord, Service, User
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
D = Decimal
YEAR = 2026


def approved(title: str, pat: User, requested: str = "0") -> Idea:
    idea = Idea.objects.create(
        title=title, description="Why.", status=Idea.Status.APPROVED, amount_requested=D(requested)
    )
    return idea


def test_it_lets_anyone_signed_in_submit_an_idea(alice: User, waste: Service) -> None:
    response = client_for(alice).post(
        "/oim/ideas/new/",
        {
            "title": "Weigh the trade waste bins",
            "description": "Charge by weight.",
            "service": waste.pk,
            "amount_requested": "2500",
            "estimated_saving": "9000",
        },
    )
    idea = Idea.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/oim/ideas/{idea.pk}/"
    assert (idea.submitter, idea.status, idea.amount_awarded) == (alice, "new", D(0))
    assert ChangeRecord.objects.filter(object_type="idea", object_id=idea.pk).exists()


def test_a_submission_says_what_is_wrong(alice: User) -> None:
    response = client_for(alice).post("/oim/ideas/new/", {"title": "", "amount_requested": "-5"})
    assert response.status_code == 400
    page = BeautifulSoup(response.content, "html.parser")
    errors = [a.get_text() for a in page.select("#error-summary a")]
    assert "This field is required." in errors
    assert "Enter an amount of £0 or more." in errors


def test_two_awards_that_together_exceed_the_budget_cannot_both_succeed(pat: User) -> None:
    first, second = approved("First", pat), approved("Second", pat)
    services.idea_award(idea=first, amount=D("30000"), year=YEAR, user=pat)
    with pytest.raises(OverCommitError) as refused:
        services.idea_award(idea=second, amount=D("25000"), year=YEAR, user=pat)
    assert "Only £20,000.00 of the £50,000.00" in str(refused.value)
    second.refresh_from_db()
    assert second.amount_awarded == 0
    assert Idea.objects.committed_in(YEAR) == D("30000")
    # exactly what is left fits
    services.idea_award(idea=second, amount=D("20000"), year=YEAR, user=pat)
    assert Idea.objects.committed_in(YEAR) == SpendToSaveBudget.objects.get(year=YEAR).amount


def test_changing_an_award_counts_it_once(pat: User) -> None:
    idea = approved("One", pat)
    services.idea_award(idea=idea, amount=D("40000"), year=YEAR, user=pat)
    services.idea_award(idea=idea, amount=D("50000"), year=YEAR, user=pat)
    services.idea_award(idea=idea, amount=D("0"), year=YEAR, user=pat)
    idea.refresh_from_db()
    assert (idea.amount_awarded, idea.funding_year) == (D(0), None)


def test_only_approved_ideas_are_funded(pat: User) -> None:
    idea = Idea.objects.create(title="New one", description="x")
    with pytest.raises(ValidationError, match="approved or implemented"):
        services.idea_award(idea=idea, amount=D("100"), year=YEAR, user=pat)


def test_the_budget_cannot_be_set_below_what_is_awarded(pat: User) -> None:
    services.idea_award(idea=approved("A", pat), amount=D("30000"), year=YEAR, user=pat)
    with pytest.raises(OverCommitError):
        services.spend_to_save_set(year=YEAR, amount=D("29999.99"), user=pat)
    services.spend_to_save_set(year=YEAR, amount=D("30000"), user=pat)
    assert SpendToSaveBudget.objects.get(year=YEAR).amount == D("30000")


def test_only_the_performance_team_runs_the_board(alice: User, hannah: User) -> None:
    idea = Idea.objects.create(title="Mine", description="x", submitter=alice)
    for user in (alice, hannah):
        with pytest.raises(PermissionDenied):
            services.idea_award(idea=idea, amount=D("1"), year=YEAR, user=user)
        with pytest.raises(PermissionDenied):
            services.idea_move(idea=idea, status="under_review", user=user)
    response = client_for(alice).post(
        f"/oim/ideas/{idea.pk}/", {"action": "move", "status": "approved"}
    )
    assert response.status_code == 403


def test_the_board_moves_ideas_along_allowed_paths(pat: User) -> None:
    idea = Idea.objects.create(title="Path", description="x")
    with pytest.raises(ValidationError, match="can only become"):
        services.idea_move(idea=idea, status="implemented", user=pat)
    for status in ("under_review", "approved", "implemented"):
        idea = services.idea_move(idea=idea, status=status, user=pat, board_month="2026-05")
    assert (idea.status, idea.board_month) == ("implemented", "2026-05")


def test_the_board_page_refuses_an_over_commitment_with_a_message(pat: User) -> None:
    SpendToSaveBudget.objects.create(year=YEAR, amount=D("10000"))
    idea = approved("Big", pat, "12000")
    client = client_for(pat)
    response = client.post(
        f"/oim/ideas/{idea.pk}/", {"action": "award", "amount": "12000", "year": str(YEAR)}
    )
    assert response.status_code == 400
    page = BeautifulSoup(response.content, "html.parser")
    assert "would over-commit it" in page.select_one("#error-summary").get_text()
    response = client.post(
        f"/oim/ideas/{idea.pk}/", {"action": "award", "amount": "10000", "year": str(YEAR)}
    )
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.amount_awarded == D("10000")
    listing = BeautifulSoup(client.get("/oim/ideas/").content, "html.parser")
    assert "£0.00" in listing.select_one(".fund").get_text()  # nothing left this year


def test_the_board_records_a_month_and_refuses_a_bad_one(pat: User) -> None:
    idea = Idea.objects.create(title="Month", description="x")
    client = client_for(pat)
    bad = client.post(
        f"/oim/ideas/{idea.pk}/", {"action": "move", "status": "under_review", "board_month": "May"}
    )
    assert bad.status_code == 400
    assert "Enter a month such as 2026-05." in bad.content.decode()
    ok = client.post(
        f"/oim/ideas/{idea.pk}/",
        {"action": "move", "status": "under_review", "board_month": "2026-06"},
    )
    assert ok.status_code == 302
    idea.refresh_from_db()
    assert (idea.status, idea.board_month_label) == ("under_review", "Jun 2026")


def test_the_list_filters_by_status(sam: User, pat: User) -> None:
    Idea.objects.create(title="Alpha", description="x", status="rejected")
    Idea.objects.create(title="Beta", description="x")
    page = BeautifulSoup(client_for(sam).get("/oim/ideas/?status=rejected").content, "html.parser")
    titles = [a.get_text() for a in page.select("tbody th a")]
    assert titles == ["Alpha"]
