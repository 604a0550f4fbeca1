"""Issue 16 in headless Chromium: the head of service approves a selection of Greens from the
approval queue seeing targets and RAG, and returns one with a reason; the performance team
previews and confirms a publish, then withdraws one value with a reason and the public page no
longer shows it. axe-core checks every page visited; the pages fit at 1366 px and 390 px (wide
tables scroll inside their own box).
"""

from __future__ import annotations

import os
import re
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from targets import periods
from targets.models import Measure, Priority, Service, User, Value, ValueStatus
from tests.browser.accessibility import assert_accessible
from tests.factories import MeasureFactory, TargetFactory, ValueFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# measure code → (figure this month, title); G = Green, R = Red against a target of 50.
SUBMITTED = {
    "WST-G1": ("52.34", "Household waste recycled"),
    "WST-G2": ("57.71", "Food waste collected"),
    "WST-R1": ("31.19", "Bulky waste on time"),
}
ALREADY_PUBLISHED = ("WST-P1", "WST-P2", "WST-P3")


def sign_in(browser: Browser, base: str, username: str, width: int = 1366) -> Page:
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(base + "/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw-for-tests")
    page.get_by_role("button", name="Sign in").click()
    return page


def fits(page: Page) -> None:
    """Nothing wider than the window: wide tables scroll inside their own region."""
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{page.url} is {overflow}px too wide at {width}px"
    page.set_viewport_size({"width": 1366, "height": 900})


@pytest.fixture
def month() -> periods.Period:
    return periods.latest_complete_period(timezone.localdate(), periods.Frequency.MONTHLY)


@pytest.fixture
def submitted(
    waste: Service, priority: Priority, month: periods.Period, alice: User, pat: User
) -> dict[str, Value]:
    values = {}
    for code, (figure, title) in SUBMITTED.items():
        measure = _measure(waste, priority, month, code, title)
        ValueFactory(measure=measure, period=month.previous().code, actual=Decimal("48.5"))
        values[code] = ValueFactory(
            measure=measure,
            period=month.code,
            actual=Decimal(figure),
            status=ValueStatus.SUBMITTED,
            entered_by=alice,
            submitted_by=alice,
            submitted_at=timezone.now(),
            commentary=f"{title}: as reported by the contractor.",
            corrective_action="Agency crews booked" if code == "WST-R1" else "",
        )
    # Other public measures already published for the month, so the public page shows it.
    for code in ALREADY_PUBLISHED:
        measure = _measure(waste, priority, month, code, f"Measure {code}")
        ValueFactory(measure=measure, period=month.code, actual=Decimal("60"), published_by=pat)
    return values


def _measure(
    waste: Service, priority: Priority, month: periods.Period, code: str, title: str
) -> Measure:
    measure = MeasureFactory(
        code=code,
        title=title,
        kind=Measure.Kind.CORPORATE,
        priority=priority,
        service=waste,
        decimals=1,
        is_public=True,
        active_from=month.year - 1,
    )
    for year in {month.year, month.previous().year}:
        TargetFactory(measure=measure, year=year, value=Decimal("50"))
    return measure


def test_head_approves_greens_and_returns_one_team_publishes_and_withdraws(
    browser: Browser,
    live_server: Any,
    submitted: dict[str, Value],
    month: periods.Period,
    hannah: User,
    pat: User,
) -> None:
    base = live_server.url
    label = month.label

    # The head lands on My work and opens the approval queue.
    head = sign_in(browser, base, "hannah")
    expect(head.get_by_role("heading", level=1)).to_have_text("My work")
    assert_accessible(head)
    head.get_by_role("link", name="Open the approval queue").click()
    expect(head.get_by_role("heading", level=1)).to_have_text("Values to approve")
    row = head.get_by_role("row", name=f"WST-R1 Bulky waste on time {label}")
    expect(row).to_contain_text("31.2%")
    expect(row).to_contain_text("50.0%")
    expect(row).to_contain_text("Off target")
    expect(row).to_contain_text("Agency crews booked")
    assert_accessible(head)
    fits(head)

    # Every Green at once: the two on target are ticked, the Red is not.
    head.get_by_role("link", name="Select all Green (2)").click()
    expect(head.get_by_role("checkbox", name=f"Select WST-G1 {label}")).to_be_checked()
    expect(head.get_by_role("checkbox", name=f"Select WST-R1 {label}")).not_to_be_checked()
    assert_accessible(head)
    head.get_by_role("button", name="Approve selected").click()
    expect(head.get_by_role("status")).to_contain_text("You approved 2 values")
    greens = Value.objects.filter(measure__code__in=["WST-G1", "WST-G2"], period=month.code)
    assert {v.status for v in greens} == {ValueStatus.APPROVED}

    # The Red one goes back to the officer with a reason, from its row.
    head.get_by_text(f"Return WST-R1 {label}").click()
    head.get_by_label("Why is it being returned").fill("The October tonnage is missing.")
    head.get_by_role("button", name="Return to draft").click()
    expect(head.get_by_role("status")).to_contain_text(f"You returned WST-R1 {label}")
    returned = Value.objects.get(pk=submitted["WST-R1"].pk)
    assert (returned.status, returned.return_reason) == ("draft", "The October tonnage is missing.")
    assert_accessible(head)

    # The performance team previews the month's publish, then confirms it.
    team = sign_in(browser, base, "pat")
    team.get_by_role("link", name="My work").click()
    team.get_by_role("link", name=f"Preview and publish {label}").click()
    expect(team.get_by_role("heading", level=1)).to_contain_text("Publish the approved values")
    expect(team.locator("dl.facts")).to_contain_text(re.compile(r"Values to publish\s*2"))
    preview = team.get_by_role("row", name=f"WST-G1 Household waste recycled ({label})")
    expect(preview).to_contain_text("Public page and open data")
    expect(preview).to_contain_text("On target")
    assert_accessible(team)
    fits(team)
    team.get_by_role("button", name=f"Publish 2 values for {label}").click()
    expect(team.get_by_role("status")).to_contain_text(f"Published 2 values for {label}")

    public = browser.new_context().new_page()
    public.goto(base + "/public/")
    expect(public.get_by_text("52.3%").first).to_be_visible()

    # … and withdraws one from its measure page, with a reason.
    team.goto(base + "/measures/WST-G1/")
    team.get_by_role("link", name=f"Withdraw {label}").click()
    expect(team.get_by_role("heading", level=1)).to_have_text(f"Withdraw WST-G1 {label}?")
    assert_accessible(team)
    team.get_by_role("button", name=f"Withdraw WST-G1 {label}").click()
    expect(team.get_by_role("alert")).to_contain_text("Say why the value is being withdrawn")
    team.get_by_label("Why is it being withdrawn?").fill("DEFRA revised the tonnage.")
    team.get_by_role("button", name=f"Withdraw WST-G1 {label}").click()
    expect(team.get_by_role("status")).to_contain_text("no longer on the public page")
    assert_accessible(team)

    public.goto(base + "/public/")
    expect(public.get_by_role("heading", level=1)).to_be_visible()
    assert "52.3%" not in public.content()
    assert "57.7%" in public.content()  # the other one is still published
    assert_accessible(public)
