"""LG Inform Plus in headless Chromium: the performance team finds the fetches from the
benchmarking menu, reads what a fetch did and why one failed, and follows a metric to its page,
which names its LG Inform id; each page passes axe (WCAG 2.2 AA)."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.test import override_settings
from playwright.sync_api import Page, expect

from benchmarking.lginform.client import LGInformClient
from benchmarking.lginform.fetch import lginform_fetch
from benchmarking.models import Metric
from targets.models import User
from tests.benchmarking.conftest import authority, metric
from tests.benchmarking.lginform.recorded import AREAS, FakeTransport, pages, recorded, replaying
from tests.browser.accessibility import assert_accessible

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fetch_with(transport: FakeTransport) -> None:
    client = LGInformClient(key="k", transport=transport, areas_per_request=2, sleep=lambda s: None)
    lginform_fetch(client=client)


@pytest.fixture
def fetched() -> Metric:
    for code, name in zip(
        AREAS, ["Bristol", "Exeter", "Basildon", "Rushmoor", "Oxford"], strict=True
    ):
        authority(code, name)
    env18 = metric("ENV18", title="Household waste recycled", unit="percent", lginform_id=46)
    fetch_with(replaying(page3=recorded("data-46-page3-with-england.json")))
    fetch_with(FakeTransport(lambda r: recorded("not-authorized.txt", 401)))
    fetch_with(FakeTransport(pages))
    return env18


@override_settings(LGINFORM_API_KEY="")
def test_the_team_reads_the_fetches_and_follows_a_metric(
    page: Page, live_server: Any, fetched: Metric, pat: User
) -> None:
    page.goto(live_server.url + "/login/")
    page.get_by_label("Username").fill("pat")
    page.get_by_label("Password").fill("pw-for-tests")
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_server.url + "/benchmarking/")
    page.get_by_role("navigation", name="Benchmarking").get_by_role(
        "link", name="LG Inform fetches"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("LG Inform Plus fetches")
    expect(page.get_by_role("status")).to_contain_text("LG Inform Plus is not configured")
    fetches = page.locator("#fetches tbody tr")
    expect(fetches).to_have_count(3)
    expect(fetches.nth(1)).to_contain_text("✗ Failed")
    expect(fetches.nth(1)).to_contain_text("LG Inform Plus refused the key (HTTP 401")
    first = fetches.nth(2)
    expect(first).to_contain_text("14 (14 new, 0 changed)")
    first.get_by_text("Details").click()
    expect(first).to_contain_text("record 16, column area_code: E92000001 is not in the register")
    assert_accessible(page)

    page.get_by_label("Status").select_option("failed")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#fetches tbody tr")).to_have_count(1)
    assert_accessible(page)

    page.get_by_role("row", name="ENV18").get_by_role("link", name="ENV18").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Household waste recycled")
    fact = page.locator("dd", has=page.get_by_role("link", name="metric type 46"))
    expect(fact).to_contain_text("fetched every Monday at 06:15; last fetched")
    expect(fact).to_contain_text("(0 values written)")
    assert_accessible(page)
