"""Benchmarking in headless Chromium: the overview and a metric page pass axe (WCAG 2.2 AA), and
the metric page draws its charts beside their tables."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.test import override_settings
from playwright.sync_api import Page, expect

from benchmarking.models import Authority, ComparatorGroup, GroupVersion, Metric
from targets.models import Service, User
from tests.benchmarking.conftest import metric, values
from tests.browser.accessibility import assert_accessible
from tests.factories import MeasureFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]
COUNCIL = "E07000001"


@pytest.fixture
def benchmarks(waste: Service) -> Metric:
    codes = [f"E0700000{i}" for i in range(1, 10)]
    for i, code in enumerate(codes):
        Authority.objects.create(
            code=code,
            name=f"District {'ABCDEFGHI'[i]}",
            type="NMD",
            type_name="Non-metropolitan district",
        )
    measure = MeasureFactory(code="NI192", service=waste, frequency="annual")
    rates = metric("ENV18", title="Household waste recycled", measure=measure, unit="percent")
    for year, shift in (("2021/22", 0), ("2022/23", 2), ("2023/24", -1)):
        values(rates, year, {c: str(30 + 3 * i + shift * (i % 2)) for i, c in enumerate(codes)})
    group = ComparatorGroup.objects.create(
        slug="nearest-e07000001",
        name="Nearest neighbours of District A",
        kind="nearest",
        authority=Authority.objects.get(code=COUNCIL),
    )
    version = GroupVersion.objects.create(group=group)
    version.members.set(Authority.objects.all())
    return rates


def sign_in(page: Page, live_server: Any) -> None:
    page.goto(live_server.url + "/login/")
    page.get_by_label("Username").fill("carol")
    page.get_by_label("Password").fill("pw-for-tests")
    page.get_by_role("button", name="Sign in").click()


@override_settings(COUNCIL_AREA_CODE=COUNCIL)
def test_the_overview_and_a_metric_page_are_accessible(
    page: Page, live_server: Any, benchmarks: Metric, carol: User
) -> None:
    sign_in(page, live_server)
    page.goto(live_server.url + "/benchmarking/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Benchmarking")
    row = page.get_by_role("row", name="ENV18 Household waste recycled")
    expect(row).to_contain_text("Bottom quartile")
    assert_accessible(page)

    page.get_by_role("link", name="ENV18").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Household waste recycled")
    expect(page.locator("#ranking-chart .main-svg").first).to_be_visible()
    expect(page.locator("#rank-trend-chart .main-svg").first).to_be_visible()
    page.get_by_text("Show the ranking as a table").click()
    expect(page.get_by_role("row", name="District A")).to_contain_text("9")
    assert_accessible(page)

    page.get_by_label("Compare with").select_option("all")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=2, name="District A, 2023/24: All authorities"))
    assert_accessible(page)


@override_settings(COUNCIL_AREA_CODE=COUNCIL)
def test_the_exercise_pages_are_accessible(
    page: Page, live_server: Any, benchmarks: Metric, carol: User
) -> None:
    sign_in(page, live_server)
    for path in (
        "/benchmarking/compliance/",
        "/benchmarking/good-practice/",
        "/benchmarking/exercises/",
        "/benchmarking/metrics/",
    ):
        page.goto(live_server.url + path)
        assert_accessible(page)
