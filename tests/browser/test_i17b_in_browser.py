"""Issue 17's targets set by heads of service and value for money in headless Chromium, with
axe (WCAG 2.2 AA): a head proposes a target with its rationale, the performance team approves it
and the year's target shows it; the value-for-money page shows cost against both groups and
which data each performance quartile came from."""

from __future__ import annotations

import os
from decimal import Decimal
from typing import Any

import pytest
from django.test import override_settings
from playwright.sync_api import Page, expect

from benchmarking.models import ComparatorGroup
from oim.models import ServiceCostMetric
from targets import params
from targets.models import Measure, Service, Target, User
from tests.benchmarking.conftest import authority, group, metric, values
from tests.browser.accessibility import assert_accessible
from tests.browser.test_oim_in_browser import sign_in
from tests.factories import MeasureFactory
from tests.oim import conftest as oim
from tests.oim.conftest import YEAR, World

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
COUNCIL = "E07000001"
world = oim.world


def test_a_head_proposes_the_team_approves_and_the_years_target_shows_it(
    page: Page, live_server: Any, waste: Service, hannah: User, pat: User
) -> None:
    year = params.this_year() + 1
    label = f"{year}/{(year + 1) % 100:02d}"
    MeasureFactory(code="WST-77", title="Fly-tips removed in 2 days", service=waste, decimals=1)
    sign_in(page, live_server, "hannah")
    page.goto(f"{live_server.url}/targets/proposals/?year={label}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Proposed targets")
    assert_accessible(page)
    page.get_by_role("link", name=f"Propose a target for {label}").click()
    page.get_by_label("Measure").select_option("WST-77")
    page.get_by_role("button", name="Propose the target").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the annual target.")
    assert_accessible(page)
    page.get_by_label("Annual target").fill("92.5")
    page.get_by_label("Rationale").fill("Two crews now clear fly-tips every weekday.")
    page.get_by_role("button", name="Propose the target").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("WST-77")
    expect(page.get_by_text("Two crews now clear fly-tips every weekday.")).to_be_visible()
    expect(page.locator("#current-target")).to_contain_text("has no target")
    expect(page.get_by_role("button", name="Approve the target")).to_have_count(0)
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in(page, live_server, "pat")
    page.goto(f"{live_server.url}/targets/proposals/?year={label}")
    page.get_by_role("link", name="WST-77 Fly-tips removed in 2 days").click()
    expect(page.get_by_role("button", name="Approve the target")).to_be_visible()  # loaded
    assert_accessible(page)
    page.get_by_role("button", name="Approve the target").click()
    expect(page.locator(".messages")).to_contain_text("Approved")
    expect(page.locator("#current-target")).to_contain_text("92.5%")
    assert_accessible(page)
    target = Target.objects.get(measure__code="WST-77", year=year)
    assert target.value == Decimal("92.5")


@pytest.fixture
def both_groups(world: World) -> None:
    home = authority(COUNCIL, "Our District")
    near = [f"E0700000{i}" for i in range(2, 7)]
    far = [f"E0700001{i}" for i in range(0, 4)]
    for code in [*near, *far]:
        authority(code)
    group("nearest-ours", near, kind=ComparatorGroup.Kind.NEAREST, owner=home)
    spend = metric("COST1", polarity="down", decimals=2, unit="currency")
    figures = ["55", "30", "40", "50", "60", "70", "20", "25", "35", "45"]
    values(spend, "2017/18", dict(zip([COUNCIL, *near, *far], figures, strict=True)))
    for code in ("waste", "housing"):
        ServiceCostMetric.objects.create(service=world.services[code], metric=spend)
    # Waste's recycling is benchmarked nationally: its quartile comes from there.
    recycling = metric("REC1", polarity="up", decimals=1, unit="percent")
    recycling.measure = Measure.objects.filter(service=world.services["waste"]).first()
    recycling.save()
    values(
        recycling,
        "2024/25",
        dict(zip([COUNCIL, *near], ["61", "40", "45", "50", "55", "58"], strict=True)),
    )


@override_settings(COUNCIL_AREA_CODE=COUNCIL)
def test_value_for_money_shows_both_groups_and_the_quartile_source(
    page: Page, live_server: Any, world: World, both_groups: None, pat: User
) -> None:
    sign_in(page, live_server, "pat")
    page.goto(f"{live_server.url}/oim/vfm/?year={YEAR}")
    expect(page.get_by_role("columnheader", name="Against the nearest neighbours")).to_be_visible()
    expect(
        page.get_by_role("columnheader", name="Against all non-metropolitan districts (NMD)")
    ).to_be_visible()
    waste = page.get_by_role("row", name="Waste").last
    expect(waste).to_contain_text("National benchmark data")
    expect(waste).to_contain_text("REC1")
    housing = page.get_by_role("row", name="Housing").last
    expect(housing).to_contain_text("own ranking")
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page)
