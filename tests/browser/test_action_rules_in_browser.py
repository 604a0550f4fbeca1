"""The one Action service and the one year parameter, in headless Chromium: a head of service
cannot rename, from a review, an action of a signed-off plan (the refusal says why, beside the
field); a cancelled audit action shows no completion date; a bad `?year=` answers with a message.
Every page passes axe (WCAG 2.2 AA)."""

from __future__ import annotations

import os
from datetime import date
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from fsr.models import Review
from targets.models import (
    Action,
    DataQualityAudit,
    Measure,
    Objective,
    Priority,
    Service,
    ServicePlan,
    User,
)
from tests.browser.accessibility import assert_accessible
from tests.factories import MeasureFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, live_server: Any, username: str) -> None:
    page.goto(live_server.url + "/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw-for-tests")
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def review_action(waste: Service, priority: Priority, hannah: User, alice: User) -> Review:
    """A review whose improvement action has joined the service's plan, since signed off."""
    plan = ServicePlan.objects.create(service=waste, year=2026, status="signed_off")
    objective = Objective.objects.create(plan=plan, priority=priority, title="Recycle more")
    action = Action.objects.create(
        service=waste,
        objective=objective,
        source=Action.Source.REVIEW,
        title="Re-route the Tuesday rounds",
        owner=alice,
        due=date(2027, 1, 31),
    )
    review = Review.objects.create(
        service=waste,
        title="Waste collection review",
        scope="Rounds and the depot",
        sponsor=hannah,
        project_manager=alice,
        start=date(2026, 5, 1),
        planned_end=date(2027, 1, 31),
        status=Review.Status.IN_PROGRESS,
    )
    review.actions.add(action)
    return review


def test_a_review_cannot_rename_an_action_of_a_signed_off_plan(
    page: Page, live_server: Any, review_action: Review, hannah: User
) -> None:
    sign_in(page, live_server, "hannah")
    action = review_action.actions.get()
    page.goto(f"{live_server.url}/fsr/reviews/{review_action.pk}/actions/{action.pk}/")
    assert_accessible(page)
    page.get_by_label("Title").fill("Re-route every round")
    page.get_by_role("button", name="Save").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("is signed off: its actions' titles, owners and due dates")
    assert_accessible(page)
    assert Action.objects.get(pk=action.pk).title == "Re-route the Tuesday rounds"
    # Its progress still changes.
    page.get_by_label("Title").fill("Re-route the Tuesday rounds")
    page.get_by_label("Status").select_option("in_progress")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Waste collection review")
    assert Action.objects.get(pk=action.pk).status == "in_progress"


@pytest.fixture
def audited(waste: Service, alice: User) -> DataQualityAudit:
    measure: Measure = MeasureFactory(code="WST-01", service=waste, updater=alice)
    audit_row = DataQualityAudit.objects.create(
        measure=measure,
        month="2026-10",
        status=DataQualityAudit.Status.DONE,
        result="fail",
        completed_on=date(2026, 10, 15),
    )
    audit_row.actions.add(
        Action.objects.create(
            service=waste,
            title="Fix the spreadsheet",
            owner=alice,
            due=date(2026, 12, 31),
            status=Action.Status.DONE,
            completed_on=date(2026, 10, 20),
            source=Action.Source.DATA_QUALITY,
        )
    )
    return audit_row


def test_a_cancelled_audit_action_shows_no_completion_date(
    page: Page, live_server: Any, audited: DataQualityAudit, alice: User
) -> None:
    sign_in(page, live_server, "alice")
    page.goto(live_server.url + audited.get_absolute_url())
    row = page.get_by_role("row", name="Fix the spreadsheet")
    expect(row).to_contain_text("Done (20 Oct 2026)")
    assert_accessible(page)
    row.get_by_label("Status").select_option("cancelled")
    row.get_by_label("Progress note").fill("No longer needed")
    row.get_by_role("button", name="Update").click()
    expect(page.get_by_text("Action updated: Fix the spreadsheet.")).to_be_visible()
    row = page.get_by_role("row", name="Fix the spreadsheet")
    expect(row).to_contain_text("Cancelled")
    expect(row).not_to_contain_text("2026)")
    assert_accessible(page)
    assert Action.objects.get(title="Fix the spreadsheet").completed_on is None


def test_a_bad_year_is_answered_with_a_message(page: Page, live_server: Any, carol: User) -> None:
    sign_in(page, live_server, "carol")
    response = page.goto(live_server.url + "/plans/?year=banana")
    assert response is not None and response.status == 400
    expect(page.get_by_role("alert")).to_have_text(
        "'banana' is not a financial year: use one such as 2026/27 or 2026."
    )
    assert_accessible(page)
    response = page.goto(live_server.url + "/fsr/savings/?year=2026/27")
    assert response is not None and response.status == 200
