"""What each service must deliver, compared for EVERY service of the demo council with the page
or function that owns each obligation: the service's page, the council-wide grid and the API say
the same, and each says what the plans list, the data-quality reports, the feedback and
benchmarking compliance pages, the market intelligence page and the review programme say."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from bs4 import BeautifulSoup, Tag
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from benchmarking.models import Exercise
from fsr.compliance import intelligence_compliance
from fsr.models import MarketIntelligence
from fsr.programme import programme
from targets.models import DataQualityAudit, Service, ServicePlan, User
from targets.quality import reports as dq_reports
from tests.conftest import client_for, module_world

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 26)
YEAR = 2026


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with (
        module_world(django_db_blocker),
        time_machine.travel(datetime(2026, 11, 26, 12, tzinfo=UTC), tick=False),
    ):
        # The whole demo council: every app's part (plans, data quality, feedback,
        # benchmarking, reviews and market intelligence).
        call_command("load_demo", stdout=io.StringIO())
        yield


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(datetime(2026, 11, 26, 12, tzinfo=UTC), tick=False)


def soup(client: Any, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


def cells(row: Tag) -> list[str]:
    return [c.get_text(" ", strip=True) for c in row.find_all(["th", "td"])]


def rows_by_service(page: BeautifulSoup, selector: str = "table") -> dict[str, list[str]]:
    table = page.select_one(selector)
    assert table is not None
    return {cells(tr)[0]: cells(tr)[1:] for tr in table.select("tbody tr")}


def service_page(client: Any, code: str) -> dict[str, tuple[str, str, str, str]]:
    """{obligation: (status, date, why, link)} from the service's page."""
    page = soup(client, f"/services/{code}/obligations/?year=2026/27")
    found = {}
    for tr in page.select("tr[data-obligation]"):
        status, when, why, _ = cells(tr)[1:]
        link = tr.find("a")
        assert link is not None
        found[tr["data-obligation"]] = (status.split(" ", 1)[1], when, why, link["href"])
    return found


@pytest.fixture(scope="module")
def pages(demo: None, django_db_blocker: Any) -> dict[str, Any]:
    """Every page once, as the performance team sees them."""
    with (
        django_db_blocker.unblock(),
        time_machine.travel(datetime(2026, 11, 26, 12, tzinfo=UTC), tick=False),
    ):
        client = client_for(User.objects.get(username="performance"))
        services = list(Service.objects.filter(is_active=True).order_by("name"))
        return {
            "services": services,
            "mine": {s.code: service_page(client, s.code) for s in services},
            "grid": soup(client, "/obligations/?year=2026/27"),
            "plans": rows_by_service(soup(client, "/plans/?year=2026/27")),
            "benchmarking": rows_by_service(soup(client, "/benchmarking/compliance/?year=2026")),
            "feedback": rows_by_service(
                soup(client, "/feedback/compliance/"), "table[aria-labelledby=all-title]"
            ),
            "intelligence": rows_by_service(
                soup(client, "/fsr/intelligence/"), "table.mi-compliance"
            ),
        }


def test_the_demo_has_every_status_somewhere(pages: dict[str, Any]) -> None:
    statuses = {o[0] for mine in pages["mine"].values() for o in mine.values()}
    assert statuses == {"Met", "Not met", "Due", "Not applicable"}
    assert len(pages["services"]) >= 12


def test_the_plan_is_the_plans_lists(pages: dict[str, Any]) -> None:
    for service in pages["services"]:
        status, when, _, link = pages["mine"][service.code]["plan"]
        listed = pages["plans"][service.name][0]
        plan = ServicePlan.objects.filter(service=service, year=YEAR).first()
        assert link == f"/plans/{service.code}/2026/"
        if plan is not None and plan.is_signed_off:
            assert (status, "Signed off" in listed) == ("Met", True), service
            assert plan.signed_off_at is not None
            assert when == f"{plan.signed_off_at:%-d %b %Y}"
        else:
            assert status == "Not met" and "Signed off" not in listed, service


def test_procedures_and_audits_are_data_qualitys(pages: dict[str, Any]) -> None:
    procedures = {r.service.code: r for r in dq_reports.procedures_by_service(TODAY)}
    failing = {a.measure.service.code for a in dq_reports.open_failures()}
    months = [f"{YEAR}-{m:02d}" for m in range(4, 13)] + [f"{YEAR + 1}-{m:02d}" for m in (1, 2, 3)]
    audited = set(
        DataQualityAudit.objects.filter(status="done", month__in=months).values_list(
            "measure__service__code", flat=True
        )
    )
    for service in pages["services"]:
        mine = pages["mine"][service.code]
        row = procedures[service.code]
        expected = (
            "Not applicable"
            if not row.measures
            else ("Not met" if row.overdue or row.missing else "Met")
        )
        assert mine["procedures"][0] == expected, service
        if row.overdue:
            assert f"{len(row.overdue)} overdue for review" in mine["procedures"][2]
        assert mine["procedures"][3] == f"/quality/procedures/?service={service.code}"
        expected = (
            "Not met"
            if service.code in failing
            else ("Met" if service.code in audited else "Not applicable")
        )
        assert mine["audits"][0] == expected, service


def test_feedback_and_the_internal_survey_are_the_feedback_compliance_pages(
    pages: dict[str, Any],
) -> None:
    for service in pages["services"]:
        mine = pages["mine"][service.code]
        heard, _, _, internal = pages["feedback"][service.name]
        assert mine["feedback"][0] == ("Met" if heard.endswith("Yes") else "Not met"), service
        if internal == "Not a support service":
            assert mine["internal_survey"][0] == "Not applicable", service
        else:
            expected = "Met" if "Yes" in internal else "Not met"
            assert mine["internal_survey"][0] == expected, service


def test_benchmarking_and_shared_data_are_the_benchmarking_compliance_pages(
    pages: dict[str, Any],
) -> None:
    for service in pages["services"]:
        mine = pages["mine"][service.code]
        status, *_, shared = pages["benchmarking"][service.name]
        if "under way or complete" in status:
            assert mine["benchmarking"][0] == "Met", service
        else:  # planned only, or none yet: the year is not over
            assert mine["benchmarking"][0] == "Due", service
        assert status.endswith(mine["benchmarking"][2].rstrip(".")), service
        uploads = Exercise.objects.filter(
            service=service, year=YEAR, lginform_uploaded_on__isnull=False
        ).exclude(status="cancelled")
        if shared.endswith("Not shared"):
            assert not uploads.exists()
            assert mine["benchmark_data"][:2] == ("Due", "–"), service
        else:
            latest = max(e.lginform_uploaded_on for e in uploads)
            assert shared.endswith(f"{latest:%-d %b %Y}")
            assert mine["benchmark_data"][:2] == ("Met", f"{latest:%-d %b %Y}"), service


def test_market_intelligence_is_the_intelligence_pages(pages: dict[str, Any]) -> None:
    by_code = {r.service.code: r for r in intelligence_compliance(YEAR, TODAY)}
    met = 0
    for service in pages["services"]:
        mine = pages["mine"][service.code]["market_intelligence"]
        status, notes, latest = pages["intelligence"][service.name]
        in_year = MarketIntelligence.objects.filter(
            service=service, noted_on__gte=date(2026, 4, 1), noted_on__lte=date(2027, 3, 31)
        )
        assert int(notes) == in_year.count() == by_code[service.code].notes
        if in_year.exists():
            met += 1
            assert mine[0] == "Met" and "gathered" in status
            assert mine[1] == latest
        else:
            assert mine[0] == "Due" and status.endswith("No note yet this year")
    assert 0 < met < len(pages["services"])


def test_the_review_is_the_programmes_four_year_rule(pages: dict[str, Any]) -> None:
    rows = {r.service.code: r for r in programme(today=TODAY, service_ids=None)}
    for service in pages["services"]:
        check = rows[service.code].check
        mine = pages["mine"][service.code]["review"]
        expected = {"ok": "Met", "due_soon": "Due", "overdue": "Not met", "never": "Not met"}
        assert mine[0] == expected[check.status], service
        assert mine[2].startswith(check.text)
        assert mine[3] == "/fsr/"


def test_the_grid_and_the_api_say_what_each_services_page_says(pages: dict[str, Any]) -> None:
    grid = pages["grid"]
    client = APIClient()
    client.force_authenticate(User.objects.get(username="cmt"))
    body = client.get("/api/v1/obligations/?year=2026/27").json()
    api = {s["service"]: {o["key"]: o for o in s["obligations"]} for s in body["services"]}
    assert body["year"] == "2026/27"
    for service in pages["services"]:
        row = grid.select_one(f"tr[data-service='{service.code}']")
        assert row is not None
        shown = {
            td["data-obligation"]: td.get_text(" ", strip=True).split(" ", 1)[1]
            for td in row.select("td[data-obligation]")
        }
        mine = pages["mine"][service.code]
        assert shown == {key: value[0] for key, value in mine.items()}, service
        labels = {
            "met": "Met",
            "not_met": "Not met",
            "due": "Due",
            "not_applicable": "Not applicable",
        }
        assert {k: labels[o["status"]] for k, o in api[service.code].items()} == shown
        assert {k: o["url"] for k, o in api[service.code].items()} == {
            k: v[3] for k, v in mine.items()
        }


def test_the_grid_takes_the_same_queries_for_any_number_of_services(pages: dict[str, Any]) -> None:
    client = client_for(User.objects.get(username="performance"))
    with CaptureQueriesContext(connection) as all_services:
        client.get("/obligations/?year=2026/27")
    with CaptureQueriesContext(connection) as one_service:
        client.get("/services/waste/obligations/?year=2026/27")
    assert len(all_services.captured_queries) <= len(one_service.captured_queries) + 5
    assert len(all_services.captured_queries) < 45


def test_scrutiny_and_outsiders_are_refused(pages: dict[str, Any]) -> None:
    scrutiny = client_for(User.objects.get(username="scrutiny"))
    assert scrutiny.get("/obligations/").status_code == 403
    assert scrutiny.get("/services/waste/obligations/").status_code == 403
    api = APIClient()
    api.force_authenticate(User.objects.get(username="scrutiny"))
    assert api.get("/api/v1/obligations/").status_code == 403


def test_a_bad_year_or_service_is_explained(pages: dict[str, Any]) -> None:
    client = client_for(User.objects.get(username="performance"))
    assert client.get("/obligations/?year=twenty").status_code == 400
    assert client.get("/services/nowhere/obligations/").status_code == 404
    api = APIClient()
    api.force_authenticate(User.objects.get(username="performance"))
    refused = api.get("/api/v1/obligations/?service=nowhere")
    assert refused.status_code == 400
    assert refused.json() == {"service": ["There is no service with the code nowhere."]}
