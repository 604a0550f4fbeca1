"""Issue 17 in headless Chromium: a CEB member records the board's decision on a market test
for a review unable to deliver; an elected member reads a signed-off plan and its actions (and
never a draft). The pages pass axe (WCAG 2.2 AA)."""

from __future__ import annotations

import os
from datetime import date
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from fsr.models import MarketTest, Review
from targets.models import Action, CorporateRole, Objective, Service, ServicePlan, User
from tests.browser.accessibility import assert_accessible
from tests.browser.test_fsr_in_browser import sign_in
from tests.factories import PriorityFactory, UserFactory
from tests.fsr.conftest import review

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ceb() -> User:
    return UserFactory(username="helen", corporate_role=CorporateRole.CEB)


@pytest.fixture
def member() -> User:
    return UserFactory(username="amira", corporate_role=CorporateRole.MEMBER)


def test_a_ceb_member_records_the_decision_to_market_test(
    page: Page, live_server: Any, ceb: User, waste: Service
) -> None:
    found = review(
        waste,
        title="Fundamental review of waste",
        status=Review.Status.AGREED,
        start=date(2025, 5, 1),
        planned_end=date(2026, 1, 31),
        ended_on=date(2026, 1, 20),
    )
    late = Action.objects.create(
        service=waste, title="New depot rota", due=date(2026, 9, 30), source="review"
    )
    found.actions.add(late)
    MarketTest.objects.create(review=found, recommended_on=date(2026, 10, 1))

    sign_in(page, live_server, "helen")
    page.goto(live_server.url + found.get_absolute_url())
    expect(page.locator("#market-testing")).to_contain_text("Unable to deliver")
    assert_accessible(page)
    page.get_by_role("link", name="Record CEB's decision").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("CEB's decision")
    page.get_by_role("button", name="Record CEB's decision").click()
    expect(page.locator("#error-summary")).to_contain_text(
        "Choose whether CEB approved or rejected the market test."
    )
    assert_accessible(page)

    page.get_by_label("Approved: market test the service").check()
    page.get_by_label("Decided on").fill("2026-10-14")
    page.get_by_label("CEB minute reference").fill("CEB 14/10/26 minute 62")
    page.get_by_role("button", name="Record CEB's decision").click()
    expect(page.locator("#market-testing")).to_contain_text(
        "CEB approved it on 14 October 2026 (minute CEB 14/10/26 minute 62)"
    )
    test = MarketTest.objects.get()
    assert (test.approval, test.decided_by) == ("approved", ceb)


def test_a_member_reads_a_signed_off_plan(
    page: Page, live_server: Any, member: User, waste: Service, housing: Service
) -> None:
    priority = PriorityFactory(name="A cleaner greener city")
    signed = ServicePlan.objects.create(service=waste, year=2026, status="signed_off")
    draft = ServicePlan.objects.create(service=housing, year=2026)
    for plan, title in ((signed, "Recycle more"), (draft, "Draft housing objective")):
        objective = Objective.objects.create(plan=plan, title=title, priority=priority)
        Action.objects.create(
            service=plan.service, objective=objective, title=f"{title}: first action",
            due=date(2027, 1, 29),
        )  # fmt: skip

    sign_in(page, live_server, "amira")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Plans").click()
    page.goto(live_server.url + "/plans/?year=2026")
    expect(page.locator("#signed-off-only")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=waste.name).click()
    expect(page.get_by_text("Recycle more: first action")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Recycle more: first action").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Recycle more: first action")

    page.goto(live_server.url + "/plans/?year=2026")
    page.get_by_role("link", name=housing.name).click()
    expect(page.get_by_text("has no signed-off plan for 2026/27 yet")).to_be_visible()
    expect(page.get_by_text("Draft housing objective")).to_have_count(0)
