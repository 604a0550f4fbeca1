"""Service reviews in headless Chromium: a review planned for ten months is refused with a
message that names the limit and the dates; the programme flags the services the four-year
rule should flag and draws its timeline; the pages pass axe (WCAG 2.2 AA)."""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from playwright.sync_api import Page, expect

from fsr.models import Review, SavingsLine
from targets.models import Service, User
from tests.browser.accessibility import assert_accessible
from tests.factories import ServiceFactory
from tests.fsr.conftest import ended, milestone, review

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def sign_in(page: Page, live_server: Any, username: str) -> None:
    page.goto(live_server.url + "/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw-for-tests")
    page.get_by_role("button", name="Sign in").click()


def test_a_review_planned_for_ten_months_is_refused(
    page: Page, live_server: Any, pat: User, waste: Service
) -> None:
    sign_in(page, live_server, "pat")
    page.goto(live_server.url + "/fsr/")
    page.get_by_role("link", name="Plan a review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan a review")
    page.get_by_label("Service", exact=True).select_option(label="Waste and Recycling")
    page.get_by_label("Title", exact=True).fill("Fundamental review of waste")
    page.get_by_label("Scope", exact=True).fill("Collection rounds and the depot")
    page.get_by_label("Sponsor", exact=True).select_option(index=1)
    page.get_by_label("Project manager").select_option(index=1)
    page.get_by_label("Start", exact=True).fill("2026-04-01")
    page.get_by_label("Planned end").fill("2027-02-01")
    page.get_by_role("button", name="Save the review").click()

    summary = page.locator("#error-summary")
    expect(summary).to_contain_text(
        "A review may last at most nine months: it starts on 1 April 2026, so it must be "
        "planned to end by 1 January 2027, not 1 February 2027."
    )
    assert_accessible(page)
    summary.get_by_role("link").click()
    expect(page.get_by_label("Planned end")).to_be_focused()
    assert not Review.objects.exists()

    page.get_by_label("Planned end").fill("2027-01-01")
    page.get_by_role("button", name="Save the review").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Fundamental review of waste")
    assert Review.objects.get().planned_end == date(2027, 1, 1)
    assert_accessible(page)


@pytest.fixture
def programme(waste: Service) -> Review:
    today = timezone.localdate()
    parks = ServiceFactory(code="parks", name="Parks")
    leisure = ServiceFactory(code="leisure", name="Leisure")
    ServiceFactory(code="legal", name="Legal")
    ended(parks, today - relativedelta(years=3, months=11))
    ended(leisure, today - relativedelta(years=4, days=1))
    agreed = ended(
        waste,
        today - relativedelta(months=8),
        status=Review.Status.AGREED,
        baseline_cost=Decimal("6000000"),
    )
    milestone(agreed, today - relativedelta(months=1))
    SavingsLine.objects.create(
        year=2026, service=waste, source="fsr", title="Rounds", target=Decimal(100000)
    )
    review(
        parks,
        title="Abandoned one",
        status=Review.Status.ABANDONED,
        start=today - relativedelta(months=3),
        planned_end=today + relativedelta(months=3),
    )
    return agreed


def test_the_programme_flags_the_right_services(
    page: Page, live_server: Any, carol: User, programme: Review
) -> None:
    sign_in(page, live_server, "carol")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reviews").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Service review programme")
    expect(page.locator("#flagged-title")).to_have_text(
        "Not reviewed in the last four years (2 of 4)"
    )
    expect(page.get_by_role("row", name="Leisure")).to_contain_text("Not reviewed for four years")
    expect(page.get_by_role("row", name="Legal")).to_contain_text("Never reviewed")
    expect(page.get_by_role("row", name="Parks")).to_contain_text("Due for review within a year")
    expect(page.get_by_role("row", name="Waste and Recycling")).to_contain_text(
        "Reviewed within four years"
    )
    expect(page.locator("#timeline-chart .main-svg").first).to_be_visible()
    expect(page.locator("#market-title")).to_contain_text("(1)")
    assert_accessible(page)

    page.get_by_role("link", name=programme.title).first.click()
    expect(page.locator("#market-testing")).to_contain_text(
        "due for a market-testing recommendation to CEB"
    )
    assert_accessible(page)


def test_the_other_review_pages_are_accessible(
    page: Page, live_server: Any, pat: User, programme: Review
) -> None:
    sign_in(page, live_server, "pat")
    for path in (
        "/fsr/reviews/",
        f"/fsr/reviews/{programme.pk}/plan/",
        f"/fsr/reviews/{programme.pk}/market-test/",
        "/fsr/peer-reviews/",
        "/fsr/peer-reviews/new/",
        "/fsr/intelligence/",
        "/fsr/intelligence/new/",
        "/fsr/savings/?year=2026",
        "/fsr/savings/new/",
    ):
        page.goto(live_server.url + path)
        assert_accessible(page)
    page.goto(live_server.url + "/fsr/savings/?year=2026")
    expect(page.locator("#savings-chart .main-svg").first).to_be_visible()
