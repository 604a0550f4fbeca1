"""Issue 16, points 4 and 5: services and their scorecards linked from every way in; styled
error pages that say why; a favicon; each page's current, filtered rows exported as CSV and XLSX,
the same rows in the same order as the page shows, formula-safe."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.db import connections
from django.template import loader
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from targets.models import Measure, Priority, Service, User, Value, ValueStatus
from tests.conftest import client_for
from tests.factories import MeasureFactory, TargetFactory, ValueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(datetime(2026, 11, 26, 12, tzinfo=UTC), tick=False)


def _soup(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def measures(waste: Service, housing: Service, priority: Priority, alice: User) -> None:
    """Corporate measures of two services at Oct 2026: CP01 Red, CP02 Green, CP03 Green (a title
    a spreadsheet would run as a formula), HS01 Red (housing); one service measure."""
    figures = {
        ("CP01", waste, "Missed bins"): "30",
        ("CP02", waste, "Household waste recycled"): "60",
        ("CP03", waste, '=HYPERLINK("http://evil")'): "55",
        ("HS01", housing, "Homes let"): "20",
    }
    for (code, service, title), actual in figures.items():
        measure = MeasureFactory(
            code=code,
            title=title,
            kind=Measure.Kind.CORPORATE,
            priority=priority,
            service=service,
            updater=alice if service == waste else None,
        )
        TargetFactory(measure=measure, year=2026, value=Decimal("50"))
        ValueFactory(measure=measure, period="2026-10", actual=Decimal(actual))
    MeasureFactory(code="SV01", kind=Measure.Kind.SERVICE, service=waste)


def _page_codes(response: Any) -> list[str]:
    """The measure codes of the scorecard rows, in the page's order."""
    return [
        tr.th.a.get_text(strip=True) for tr in _soup(response).select("table.scorecard tbody tr")
    ]


def _csv(response: Any) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def _xlsx(response: Any) -> list[list[Any]]:
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


# --- navigation -------------------------------------------------------------------------


def test_it_links_each_dashboard_row_to_its_service_scorecard(carol: User, measures: None) -> None:
    soup = _soup(client_for(carol).get("/?period=2026-10"))
    row = next(tr for tr in soup.select("table.scorecard tbody tr") if "HS01" in tr.th.text)
    link = row.find("a", string="Housing")
    assert link is not None
    assert link["href"] == "/services/housing/?period=2026-10"


def test_it_links_the_measure_page_to_its_service(carol: User, measures: None) -> None:
    soup = _soup(client_for(carol).get(reverse("measure_detail", args=["CP01"])))
    hrefs = {a["href"] for a in soup.find_all("a")}
    assert reverse("service_scorecard", args=["waste"]) in hrefs


def test_services_page_lists_active_services_linking_to_their_scorecards(
    sam: User, measures: None
) -> None:
    Service.objects.create(code="gone", name="Closed service", is_active=False)
    client = client_for(sam)
    nav = _soup(client.get("/")).find("nav", attrs={"aria-label": "Main"})
    assert nav.find("a", href="/services/") is not None

    soup = _soup(client.get("/services/"))
    rows = [
        (tr.th.a.get_text(strip=True), tr.th.a["href"], tr.find_all("td")[-1].get_text(strip=True))
        for tr in soup.select("tbody tr")
    ]
    assert rows == [
        ("Housing", "/services/housing/", "1"),
        ("Waste and Recycling", "/services/waste/", "4"),
    ]
    region = soup.find(attrs={"role": "region"})
    assert region["tabindex"] == "0" and region.get("aria-labelledby")


def test_scorecard_tables_scroll_in_a_labelled_focusable_region(
    carol: User, measures: None
) -> None:
    soup = _soup(client_for(carol).get("/services/waste/?period=2026-10"))
    boxes = [t.parent for t in soup.select("table.scorecard")]
    assert boxes
    for box in boxes:
        assert box["role"] == "region" and box["tabindex"] == "0" and box["aria-label"]


# --- errors -----------------------------------------------------------------------------


def test_403_page_says_why_and_offers_the_way_back(alice: User) -> None:
    response = client_for(alice).get(reverse("fsr_review_new"), HTTP_REFERER="/fsr/")
    assert response.status_code == 403
    soup = _soup(response)
    assert soup.h1.get_text(strip=True) == "You cannot open this page"
    assert soup.select_one(".lede").get_text(strip=True) == (
        "Only the performance team plans reviews."
    )
    ways = {a["href"] for a in soup.select(".error-page__ways a")}
    assert {"/fsr/", "/", reverse("my_work")} <= ways
    assert soup.find("nav", attrs={"aria-label": "Main"}) is not None  # the site's own frame


def test_404_page_is_styled_and_offers_the_way_back(carol: User) -> None:
    response = client_for(carol).get("/no-such-page/")
    assert response.status_code == 404
    soup = _soup(response)
    assert soup.h1.get_text(strip=True) == "Page not found"
    assert "/no-such-page/" in soup.select_one(".lede").get_text()
    assert soup.select_one(".error-page__ways a[href='/']") is not None


def test_api_404_stays_json(carol: User) -> None:
    response = client_for(carol).get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_500_page_renders_without_a_request_or_a_database() -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the 500 page touched the database")

    with connections["default"].execute_wrapper(refuse):
        html = loader.get_template("500.html").render({"council_name": "Oxford"})
    soup = BeautifulSoup(html, "html.parser")
    assert soup.h1.get_text(strip=True) == "Sorry, something went wrong"
    assert soup.select_one(".error-page__ways a[href='/']") is not None
    assert soup.find("nav") is None  # no navigation that needs to know who is signed in


def test_a_fault_answers_the_styled_500(carol: User, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("reporting.views.CachedScorecard", fail)
    client = Client(raise_request_exception=False)
    client.force_login(carol)
    response = client.get("/")
    assert response.status_code == 500
    assert "Sorry, something went wrong" in response.content.decode()


def test_favicon_is_served_and_linked(carol: User) -> None:
    response = Client().get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("favicon.ico")
    soup = _soup(client_for(carol).get("/"))
    assert soup.find("link", rel="icon") is not None


# --- export what you see ----------------------------------------------------------------


@pytest.mark.parametrize("address", ["/?period=2026-10&rag=red", "/?period=2026-10&kind="])
def test_dashboard_export_has_the_pages_rows_in_its_order(
    carol: User, measures: None, address: str
) -> None:
    client = client_for(carol)
    shown = _page_codes(client.get(address))
    assert shown

    soup = _soup(client.get(address))
    links = {a.get_text(" ", strip=True): a["href"] for a in soup.select(".export-links a")}
    csv_link = next(href for text, href in links.items() if text.startswith("CSV"))
    xlsx_link = next(href for text, href in links.items() if text.startswith("Excel"))
    assert "period=2026-10" in csv_link and "export=csv" in csv_link

    as_csv = _csv(client.get(csv_link))
    as_xlsx = _xlsx(client.get(xlsx_link))
    code = as_csv[0].index("Code")
    assert [row[code] for row in as_csv[1:]] == shown
    assert [row[code] for row in as_xlsx[1:]] == shown


def test_red_filter_exports_only_the_red_rows(carol: User, measures: None) -> None:
    rows = _csv(client_for(carol).get("/?period=2026-10&rag=red&export=csv"))
    header, body = rows[0], rows[1:]
    assert [(r[header.index("Code")], r[header.index("Status")]) for r in body] == [
        ("CP01", "Off target"),
        ("HS01", "Off target"),
    ]
    assert [r[header.index("Service")] for r in body] == ["Waste and Recycling", "Housing"]


def test_exports_are_formula_safe_and_numbers_stay_numbers(carol: User, measures: None) -> None:
    client = client_for(carol)
    as_csv = _csv(client.get("/services/waste/?period=2026-10&export=csv"))
    titles = [r[as_csv[0].index("Measure")] for r in as_csv[1:]]
    assert '\'=HYPERLINK("http://evil")' in titles

    as_xlsx = _xlsx(client.get("/services/waste/?period=2026-10&export=xlsx"))
    header = as_xlsx[0]
    by_code = {r[header.index("Code")]: r for r in as_xlsx[1:]}
    assert by_code["CP03"][header.index("Measure")] == '\'=HYPERLINK("http://evil")'
    assert by_code["CP02"][header.index("Actual")] == 60


def test_service_scorecard_export_follows_the_pages_sections(carol: User, measures: None) -> None:
    client = client_for(carol)
    address = "/services/waste/?period=2026-10"
    shown = _page_codes(client.get(address))
    rows = _csv(client.get(address + "&export=csv"))
    assert [r[rows[0].index("Code")] for r in rows[1:]] == shown
    assert set(shown) == {"CP01", "CP02", "CP03", "SV01"}
    assert response_name(client.get(address + "&export=xlsx")).startswith("waste-scorecard-2026-10")


def response_name(response: Any) -> str:
    return response["Content-Disposition"].split('filename="')[1].rstrip('"')


def test_services_list_exports(sam: User, measures: None) -> None:
    rows = _csv(client_for(sam).get("/services/?export=csv"))
    assert rows[0] == ["Service", "Head of service", "Measures", "Service code"]
    assert [(r[0], r[2], r[3]) for r in rows[1:]] == [
        ("Housing", "1", "housing"),
        ("Waste and Recycling", "4", "waste"),
    ]


def test_an_unknown_export_format_is_a_400_saying_so(carol: User, measures: None) -> None:
    response = client_for(carol).get("/?export=pdf")
    assert response.status_code == 400
    assert "Choose an export of csv or xlsx" in response.content.decode()


def test_scrutiny_export_has_published_values_only(sam: User, carol: User, measures: None) -> None:
    Value.objects.filter(measure__code="CP01").update(status=ValueStatus.SUBMITTED)
    address = "/?period=2026-10&kind=&export=csv"

    def actuals(user: User) -> dict[str, str]:
        rows = _csv(client_for(user).get(address))
        code, actual = rows[0].index("Code"), rows[0].index("Actual")
        return {r[code]: r[actual] for r in rows[1:]}

    assert actuals(carol)["CP01"] == "30.0"
    assert actuals(sam)["CP01"] == ""
    assert actuals(sam)["CP02"] == "60.0"
