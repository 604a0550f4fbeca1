"""The improvement model in headless Chromium: the ranking, a service's assessment, value for money
and the registers pass axe (WCAG 2.2 AA) with their charts drawn; an idea goes from submission to
funding, and the board cannot over-commit its budget."""

from __future__ import annotations

import os
from decimal import Decimal
from typing import Any

import pytest
from django.test import override_settings
from playwright.sync_api import Page, expect

from benchmarking.models import ComparatorGroup
from oim.models import Idea, ServiceCostMetric, SpendToSaveBudget
from targets.models import User
from tests.benchmarking.conftest import authority, group, metric, values
from tests.browser.accessibility import assert_accessible
from tests.oim import conftest as oim
from tests.oim.conftest import YEAR, World

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
COUNCIL = "E07000001"
world = oim.world  # the hand-built council of the OIM tests, as a fixture here too


def sign_in(page: Page, live_server: Any, username: str) -> None:
    page.goto(live_server.url + "/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw-for-tests")
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def costs(world: World) -> None:
    home = authority(COUNCIL, "Our District")
    others = [f"E0700000{i}" for i in range(2, 7)]
    for code in others:
        authority(code)
    group("nearest-ours", others, kind=ComparatorGroup.Kind.NEAREST, owner=home)
    spend = metric("COST1", polarity="down", decimals=2, unit="currency")
    values(
        spend,
        "2017/18",
        dict(zip([COUNCIL, *others], ["55", "30", "40", "50", "60", "70"], strict=True)),
    )
    for code in ("waste", "housing"):
        ServiceCostMetric.objects.create(service=world.services[code], metric=spend)


@override_settings(COUNCIL_AREA_CODE=COUNCIL)
def test_the_ranking_service_and_vfm_pages_are_accessible(
    page: Page,
    live_server: Any,
    world: World,
    costs: None,
    pat: User,
) -> None:
    errors: list[str] = []  # the content security policy's refusals, as the console shows them
    page.on(
        "console",
        lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    sign_in(page, live_server, "pat")
    page.goto(f"{live_server.url}/oim/?year={YEAR}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Oxford Improvement Model")
    expect(page.locator("#quadrant-chart .main-svg").first).to_be_visible()
    assert errors == []
    expect(page.get_by_role("row", name="Planning")).to_contain_text("Not ranked")
    page.get_by_text("How scores are worked out").click()
    expect(page.get_by_text("never counted as 0").first).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Waste", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Waste")
    expect(page.get_by_text("1 of 2 measures on target at Mar 2026.")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}/oim/vfm/?year={YEAR}")
    expect(page.locator("#vfm-chart .main-svg").first).to_be_visible()
    expect(page.get_by_role("row", name="Waste").first).to_be_visible()
    assert errors == []
    assert_accessible(page)

    for path in ("/oim/factors/", "/oim/processes/", "/oim/accreditations/", "/oim/budgets/"):
        page.goto(live_server.url + path)
        assert_accessible(page)


def test_an_idea_is_submitted_and_the_board_cannot_over_commit(
    page: Page, live_server: Any, alice: User, pat: User
) -> None:
    SpendToSaveBudget.objects.create(year=YEAR + 1, amount=Decimal("8000"))
    sign_in(page, live_server, "alice")
    page.goto(live_server.url + "/oim/ideas/")
    assert_accessible(page)
    page.get_by_role("link", name="Submit an idea").click()
    page.get_by_role("button", name="Submit the idea").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    assert_accessible(page)
    page.get_by_label("Title").fill("Electric sweepers")
    page.get_by_label("Description").fill("Quieter and cheaper to run.")
    page.get_by_label("Spend to save requested (£)").fill("9000")
    page.get_by_role("button", name="Submit the idea").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Electric sweepers")
    idea = Idea.objects.get(title="Electric sweepers")
    Idea.objects.filter(pk=idea.pk).update(status="approved")

    page.context.clear_cookies()
    sign_in(page, live_server, "pat")
    page.goto(f"{live_server.url}/oim/ideas/{idea.pk}/")
    page.get_by_label("Spend to save awarded (£)").fill("9000")
    page.get_by_label("From the budget of").select_option(str(YEAR + 1))
    page.get_by_role("button", name="Award the funding").click()
    expect(page.get_by_role("alert")).to_contain_text("would over-commit it")
    assert_accessible(page)
    page.get_by_label("Spend to save awarded (£)").fill("8000")
    page.get_by_role("button", name="Award the funding").click()
    expect(page.get_by_text("£8,000.00 from")).to_be_visible()
    idea.refresh_from_db()
    assert idea.amount_awarded == Decimal("8000")
