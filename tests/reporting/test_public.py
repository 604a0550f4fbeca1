"""The public performance page: anonymous, published values of public measures only, cached."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from targets import services
from targets.models import Measure, Priority, Service, User, Value, ValueStatus
from targets.periods import parse_period
from targets.services import ValueInput
from tests.conftest import client_for
from tests.factories import MeasureFactory, TargetFactory, ValueFactory

pytestmark = pytest.mark.django_db
UNPUBLISHED = [ValueStatus.DRAFT, ValueStatus.SUBMITTED, ValueStatus.APPROVED]


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    # Time stands still: the cache must notice changes without a clock that moves.
    time_machine.move_to(datetime(2026, 11, 26, 12, tzinfo=UTC), tick=False)


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()


@pytest.fixture
def recycling(waste: Service, priority: Priority) -> Measure:
    measure = MeasureFactory(
        code="CP10",
        title="Household waste recycled",
        kind=Measure.Kind.CORPORATE,
        priority=priority,
        service=waste,
        is_public=True,
    )
    TargetFactory(measure=measure, year=2025, value=Decimal("50"))
    TargetFactory(measure=measure, year=2026, value=Decimal("50"))
    ValueFactory(measure=measure, period="2025-10", actual=Decimal("45.0"))
    ValueFactory(measure=measure, period="2026-09", actual=Decimal("46.0"))
    ValueFactory(measure=measure, period="2026-10", actual=Decimal("52.0"))
    return measure


@pytest.fixture
def internal_only(waste: Service) -> Measure:
    measure = MeasureFactory(code="WST-99", title="Crew overtime hours", service=waste)
    ValueFactory(measure=measure, period="2026-10", actual=Decimal("123.4"))
    return measure


def _page(client: Client | None = None, url: str | None = None) -> BeautifulSoup:
    response = (client or Client()).get(url or reverse("public_home"))
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def _card(soup: BeautifulSoup, code: str) -> Tag:
    for card in soup.select("article.public-card"):
        if card.select_one(".public-card__code").get_text(strip=True) == code:
            return card
    raise AssertionError(f"no card for {code}")


def _figures(card: Tag) -> dict[str, str]:
    """The card's figures: each dt's words (its period dropped) → its dd's text."""
    figures = {}
    for row in card.select(".public-figures > div"):
        term = row.dt.find(string=True, recursive=False).strip()
        figures[term] = row.dd.get_text(" ", strip=True)
    return figures


def test_anonymous_visitor_reads_the_page_without_signing_in(recycling: Measure) -> None:
    soup = _page()
    assert soup.h1.get_text(" ", strip=True).startswith("Our performance")
    assert soup.select_one("#priority-4").get_text(strip=True) == (
        "Priority 4: A cleaner greener city"
    )
    card = _card(soup, "CP10")
    assert _figures(card) == {
        "Latest figure": "52.0%",
        "Target": "50.0%",
        "Status": "✓ On target",
        "Since last period": "▲ Improving",
        "Since last year": "▲ Improving",
    }
    assert "Oct 2026" in card.select_one(".public-figures__period").get_text()


def test_only_public_measures_appear(recycling: Measure, internal_only: Measure) -> None:
    soup = _page()
    codes = [c.get_text(strip=True) for c in soup.select(".public-card__code")]
    assert codes == ["CP10"]
    assert "Crew overtime" not in soup.get_text()


@pytest.mark.parametrize("status", UNPUBLISHED)
def test_a_value_not_yet_published_never_appears(
    recycling: Measure, waste: Service, status: ValueStatus
) -> None:
    Value.objects.filter(measure=recycling, period="2026-10").update(
        status=status, actual=Decimal("77.7")
    )
    fresh = MeasureFactory(code="CP11", service=waste, is_public=True)
    ValueFactory(measure=fresh, period="2026-10", actual=Decimal("88.8"), status=status)

    soup = _page()
    assert "77.7" not in str(soup) and "88.8" not in str(soup)
    assert _figures(_card(soup, "CP10"))["Latest figure"] == "46.0%"
    assert "No figures have been published yet" in _card(soup, "CP11").get_text()
    measure_page = _page(url=reverse("public_measure", args=["CP10"]))
    assert "77.7" not in str(measure_page)


def test_publishing_a_value_shows_it_at_once(recycling: Measure, pat: User) -> None:
    value = Value.objects.get(measure=recycling, period="2026-10")
    value.status = ValueStatus.APPROVED
    value.save()
    assert _figures(_card(_page(), "CP10"))["Latest figure"] == "46.0%"

    services.value_publish(value, user=pat)

    assert _figures(_card(_page(), "CP10"))["Latest figure"] == "52.0%"


def _withdraw_in_the_admin(value: Value, user: User) -> None:
    """A value entered in error is withdrawn by the performance team: deleted in the admin."""
    url = f"/admin/targets/value/{value.pk}/delete/"
    client = Client()
    client.force_login(user)
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Value.objects.filter(pk=value.pk).exists()


def test_withdrawing_a_value_hides_it_at_once(recycling: Measure, pat: User) -> None:
    assert _figures(_card(_page(), "CP10"))["Latest figure"] == "52.0%"
    _withdraw_in_the_admin(Value.objects.get(measure=recycling, period="2026-10"), pat)

    assert _figures(_card(_page(), "CP10"))["Latest figure"] == "46.0%"


def test_a_restatement_shows_the_new_figure_at_once(recycling: Measure, pat: User) -> None:
    assert _figures(_card(_page(), "CP10"))["Latest figure"] == "52.0%"
    value = Value.objects.get(measure=recycling, period="2026-10")

    services.value_save(
        measure=recycling,
        period=parse_period("2026-10"),
        data=ValueInput(actual=Decimal("48.5")),
        user=pat,
        expected_version=value.version,
        reason="Late tonnage returns.",
    )

    figures = _figures(_card(_page(), "CP10"))
    assert (figures["Latest figure"], figures["Status"]) == ("48.5%", "! Within tolerance")


def test_making_a_measure_private_removes_it_at_once(recycling: Measure) -> None:
    assert _page().select(".public-card")
    Measure.objects.filter(pk=recycling.pk).update(is_public=False)
    assert not _page().select(".public-card")


def test_signed_in_people_see_the_same_public_page(recycling: Measure, carol: User) -> None:
    anonymous = Client().get(reverse("public_home"))
    signed_in = client_for(carol).get(reverse("public_home"))
    assert signed_in.content == anonymous.content
    soup = BeautifulSoup(signed_in.content, "html.parser")
    assert soup.select_one('nav[aria-label="Main"]') is None
    assert "Sign out" not in soup.get_text()
    assert [a.get_text() for a in soup.select('nav[aria-label="Public pages"] a')] == [
        "Our performance",
        "Open data",
        "Published reports",
        "Staff sign in",
    ]


def test_the_card_draws_its_trend_on_the_server_and_links_to_the_figures(
    recycling: Measure,
) -> None:
    Value.objects.filter(measure=recycling, period="2026-10").update(status=ValueStatus.APPROVED)
    card = _card(_page(), "CP10")
    line = card.select_one("svg.sparkline")
    assert line["role"] == "img"
    assert line["aria-label"] == (
        "Trend over 12 periods: 45.0% in Oct 2025, 46.0% in Sep 2026; lowest 45.0%, highest "
        "46.0%. Latest target 50.0%."
    )
    figures = line.select_one("polyline.sparkline__figures")["points"].split()
    assert figures == ["4,44", "236,36"]  # 45.0% and 46.0% on a scale of 45 to 50 (the target)
    assert line.select_one("polyline.sparkline__target")["points"].split()[-1] == "236,4"
    more = card.select_one(".public-card__more a")
    assert more["href"] == reverse("public_measure", args=["CP10"])
    assert more.get_text(" ", strip=True) == "Chart and figures for the last 12 periods of CP10"


def test_the_measure_page_chart_is_fed_published_figures_and_has_a_table(
    recycling: Measure,
) -> None:
    Value.objects.filter(measure=recycling, period="2026-10").update(status=ValueStatus.APPROVED)
    soup = _page(url=reverse("public_measure", args=["CP10"]))
    chart = soup.select_one(".public-chart")
    assert chart.has_attr("hidden") and chart["role"] == "img"
    data = json.loads(soup.select_one(f"script#{chart['data-chart']}").string)
    assert data["labels"][-1] == "Sep 2026" and data["actual"][-1] == 46.0
    assert data["target"][-1] == 50.0
    rows = [
        [c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])]
        for tr in soup.select("table tbody tr")
    ]
    assert rows[0] == ["Sep 2026", "46.0%", "50.0%", "✗ Off target"]
    assert rows[-1][0] == "Oct 2025" or rows[-1][0].startswith("Oct")


def test_no_charting_library_on_the_page_itself(recycling: Measure) -> None:
    soup = _page()
    # The cards' trends are SVG drawn on the server: only the pages' own small script.
    assert [s["src"] for s in soup.find_all("script")] == ["/static/js/page.js"]


def test_the_measure_page_has_no_inline_script_but_chart_data(recycling: Measure) -> None:
    soup = _page(url=reverse("public_measure", args=["CP10"]))
    inline = [s for s in soup.find_all("script") if not s.has_attr("src")]
    assert inline and all(s["type"] == "application/json" for s in inline)
    sources = [s["src"] for s in soup.find_all("script", src=True)]
    assert sources == [
        "/static/js/page.js",
        "/static/vendor/plotly-basic.min.js",
        "/static/js/public-charts.js",
    ]


def test_the_symbols_are_explained_in_words(recycling: Measure) -> None:
    terms = [dt.get_text(" ", strip=True) for dt in _page().select("#symbols dt")]
    assert terms == [
        "✓ On target",
        "! Within tolerance",
        "✗ Off target",
        "– No data",
        "– No target",
        "– Data only",
        "▲ Improving",
        "▼ Worsening",
        "▶ No change",
        "↑ Increasing",
        "↓ Decreasing",
        "Not known",
    ]


def test_measure_page_lists_every_published_value(recycling: Measure) -> None:
    Value.objects.filter(measure=recycling, period="2026-09").update(status=ValueStatus.DRAFT)
    soup = _page(url=reverse("public_measure", args=["CP10"]))
    assert "Household waste recycled" in soup.h1.get_text()
    periods = [th.get_text(strip=True) for th in soup.select("table tbody th")]
    assert periods == ["Oct 2026", "Oct 2025"]


@pytest.mark.parametrize("code", ["WST-99", "NOPE"])
def test_measure_page_of_a_measure_not_public_is_not_found(
    internal_only: Measure, code: str
) -> None:
    assert Client().get(reverse("public_measure", args=[code])).status_code == 404


@pytest.mark.parametrize("name", ["public_home", "public_data_csv", "public_data_json"])
def test_post_is_refused(recycling: Measure, name: str) -> None:
    assert Client().post(reverse(name)).status_code == 405
    assert Client().head(reverse(name)).status_code == 200


def test_an_unchanged_page_answers_not_modified(recycling: Measure, pat: User) -> None:
    etag = Client().get(reverse("public_home"))["ETag"]
    assert Client().get(reverse("public_home"), HTTP_IF_NONE_MATCH=etag).status_code == 304
    _withdraw_in_the_admin(Value.objects.get(measure=recycling, period="2026-10"), pat)
    assert Client().get(reverse("public_home"), HTTP_IF_NONE_MATCH=etag).status_code == 200


def _public_measures(count: int, priority: Priority) -> None:
    for i in range(count):
        measure = MeasureFactory(is_public=True, kind=Measure.Kind.CORPORATE, priority=priority)
        TargetFactory(measure=measure, year=2026, value=Decimal(50 + i))
        for period in ("2026-08", "2026-09", "2026-10"):
            ValueFactory(measure=measure, period=period, actual=Decimal(40 + i))


def _queries(url: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert Client().get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/public/", "/public/data.csv", "/public/data.json"])
def test_query_count_does_not_grow_with_the_measures(
    priority: Priority, url: str, django_assert_max_num_queries: Any
) -> None:
    _public_measures(3, priority)
    few = _queries(url)
    _public_measures(27, priority)
    many = _queries(url)
    assert few == many
    cache.clear()
    with django_assert_max_num_queries(8):
        Client().get(url)


def test_a_cached_page_costs_one_query(recycling: Measure, django_assert_num_queries: Any) -> None:
    Client().get(reverse("public_home"))
    with django_assert_num_queries(1):  # the fingerprint of the published data
        response = Client().get(reverse("public_home"))
    assert "52.0%" in response.content.decode()


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("2026-11", "Figures for Nov 2026 have not been published yet."),
        ("2026/27-Q2", "2026/27-Q2 is not a month: choose one such as 2026-09."),
        ("2026-13", "Period 2026-13 does not exist"),
        ("2020-01", "Choose a month from Nov 2023 to Oct 2026."),
    ],
)
def test_a_month_the_page_cannot_show_is_refused_saying_why(
    recycling: Measure, period: str, message: str
) -> None:
    response = Client().get(reverse("public_home"), {"period": period})
    assert response.status_code == 400
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one("#period-error").get_text(strip=True) == message


def test_an_earlier_month_shows_each_measure_at_its_period_then(recycling: Measure) -> None:
    soup = _page(url=reverse("public_home") + "?period=2026-09")
    assert soup.select_one("#figures-to").get_text(" ", strip=True) == (
        "Figures to Sep 2026 (the latest published are to Oct 2026)"
    )
    card = _card(soup, "CP10")
    assert _figures(card)["Latest figure"] == "46.0%"
    assert card.select_one(".public-figures__period").get_text(strip=True) == "Sep 2026"
