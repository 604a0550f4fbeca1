"""The programme page and API: every service, when it was last reviewed, and the four-year
rule (none left unreviewed for four years)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from bs4 import BeautifulSoup
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fsr.models import Review, ReviewRuleSettings
from fsr.programme import programme
from targets.models import Service, User
from tests.conftest import client_for
from tests.factories import ServiceFactory
from tests.fsr.conftest import ended, review

pytestmark = [pytest.mark.django_db]
TODAY = date(2026, 11, 20)


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(datetime(2026, 11, 20, 12, tzinfo=UTC), tick=False)


@pytest.fixture
def council() -> dict[str, Service]:
    """Reviewed 3 years 11 months ago; 4 years and a day ago; never; only an abandoned review
    (and an older complete one 5 years ago); a recent business process review; and one whose
    latest review is still in progress after a complete one 4 years and 2 days ago."""
    s = {
        code: ServiceFactory(code=code, name=name)
        for code, name in [
            ("recent", "Parks"),
            ("lapsed", "Leisure"),
            ("never", "Legal"),
            ("abandoned", "Planning"),
            ("bpr", "Benefits"),
            ("running", "Revenues"),
        ]
    }
    ended(s["recent"], TODAY - relativedelta(years=3, months=11))
    ended(s["lapsed"], TODAY - relativedelta(years=4, days=1))
    ended(s["abandoned"], TODAY - relativedelta(years=5))
    review(
        s["abandoned"],
        status=Review.Status.ABANDONED,
        start=TODAY - relativedelta(years=1),
        planned_end=TODAY - relativedelta(months=4),
        ended_on=TODAY - relativedelta(months=4),
    )
    ended(
        s["bpr"],
        TODAY - relativedelta(months=6),
        kind=Review.Kind.BUSINESS_PROCESS,
        status=Review.Status.AGREED,
    )
    ended(s["running"], TODAY - relativedelta(years=4, days=2))
    review(
        s["running"],
        status=Review.Status.IN_PROGRESS,
        start=TODAY - relativedelta(months=2),
        planned_end=TODAY + relativedelta(months=6),
    )
    return s


def test_the_four_year_rule_counts_only_fsrs_by_default(council: dict[str, Service]) -> None:
    rows = {r.service.code: r for r in programme(today=TODAY, service_ids=None)}
    flagged = {code for code, r in rows.items() if r.check.flagged}
    # Benefits' only review is a business process review: not a full service review.
    assert flagged == {"lapsed", "never", "abandoned", "running", "bpr"}
    assert rows["bpr"].check.status == "never" and rows["bpr"].last_review is None


def test_the_four_year_rule_flags_the_right_services(council: dict[str, Service]) -> None:
    rows = {
        r.service.code: r
        for r in programme(today=TODAY, service_ids=None, kinds=["fsr", "business_process"])
    }
    flagged = {code for code, r in rows.items() if r.check.flagged}
    assert flagged == {"lapsed", "never", "abandoned", "running"}
    assert rows["recent"].check.status == "due_soon"
    assert rows["bpr"].check.status == "ok"
    assert rows["never"].check.status == "never" and rows["never"].last_review is None
    assert rows["abandoned"].check.last_ended == TODAY - relativedelta(years=5)
    assert rows["lapsed"].check.deadline == TODAY - relativedelta(days=1)
    assert [r.title for r in rows["running"].current] == ["Fundamental review of Revenues"]


def test_the_programme_page_shows_the_rule_and_its_timeline(
    carol: User, council: dict[str, Service]
) -> None:
    ReviewRuleSettings.objects.create(pk=1, four_year_kinds=["fsr", "business_process"])
    response = client_for(carol).get("/fsr/")
    page = BeautifulSoup(response.content, "html.parser")
    used = page.select_one("#rule-kinds").get_text(" ", strip=True)
    assert "counts fundamental service reviews and business process reviews" in used
    assert "(the council's setting)" in used
    flagged = page.find("h2", id="flagged-title")
    assert flagged.get_text(strip=True) == "Not reviewed in the last four years (4 of 6)"
    listed = flagged.find_next("ul").get_text(" ", strip=True)
    assert "Legal : never reviewed" in listed
    assert "Leisure : last review ended 19 November 2022 (4.0 years ago)" in listed
    rows = {
        tr.th.get_text(strip=True): [td.get_text(" ", strip=True) for td in tr.select("td")]
        for tr in page.find("table", attrs={"aria-labelledby": "programme-title"}).tbody("tr")
    }
    # No budgets here: the value-for-money analysis places none, so the order is by name.
    assert list(rows) == ["Benefits", "Legal", "Leisure", "Parks", "Planning", "Revenues"]
    assert rows["Legal"][0] == "–"
    assert rows["Legal"][1] == "Never reviewed" and "Never reviewed" in rows["Legal"][4]
    assert "Not reviewed for four years" in rows["Leisure"][4]
    assert "Due for review within a year" in rows["Parks"][4]
    assert rows["Benefits"][1].endswith("Business process review")
    timeline = page.find("script", id="timeline-data")
    assert timeline is not None and '"never": ["Legal"]' in timeline.string
    assert page.select_one("#timeline-chart")["aria-hidden"] == "true"


def test_the_programme_api(carol: User, council: dict[str, Service]) -> None:
    rows = {r["service"]: r for r in client_for(carol).get("/api/v1/review-programme/").json()}
    assert rows["never"] == {
        "service": "never",
        "service_name": "Legal",
        "last_review": None,
        "last_ended": None,
        "years_since": None,
        "deadline": None,
        "rule": "never",
        "flagged": True,
        "current": [],
        "overrunning": [],
        "four_year_kinds": ["fsr"],
    }
    assert rows["lapsed"]["flagged"] is True and rows["lapsed"]["years_since"] == "4.0"
    assert rows["recent"]["flagged"] is False and rows["recent"]["rule"] == "due_soon"


def test_an_officer_sees_their_own_services_row_only(bob: User, housing: Service) -> None:
    ServiceFactory(code="other", name="Other")
    rows = client_for(bob).get("/api/v1/review-programme/").json()
    assert [r["service"] for r in rows] == ["housing"]


def test_the_programme_costs_the_same_queries_whatever_the_number_of_reviews(
    carol: User, council: dict[str, Service]
) -> None:
    client = client_for(carol)
    client.get("/fsr/")
    with CaptureQueriesContext(connection) as few:
        client.get("/fsr/")
    for service in council.values():
        for years in (6, 7):
            ended(service, TODAY - relativedelta(years=years))
    with CaptureQueriesContext(connection) as many:
        client.get("/fsr/")
    assert len(many) == len(few)


def test_the_programme_follows_the_fsr_priority_list(
    monkeypatch: pytest.MonkeyPatch, carol: User, council: dict[str, Service]
) -> None:
    """The value-for-money list orders the programme; unplaced services follow by name."""
    from fsr import programme as programme_module

    ranked = [council["running"], council["recent"]]
    monkeypatch.setattr(
        programme_module,
        "fsr_priority_list",
        lambda year: [SimpleNamespace(service=s, priority=n) for n, s in enumerate(ranked, 1)],
    )
    page = BeautifulSoup(client_for(carol).get("/fsr/").content, "html.parser")
    table = page.find("table", attrs={"aria-labelledby": "programme-title"})
    rows = [(tr.th.get_text(strip=True), tr.td.get_text(strip=True)) for tr in table.tbody("tr")]
    assert rows == [
        ("Revenues", "1"),
        ("Parks", "2"),
        ("Benefits", "–"),
        ("Legal", "–"),
        ("Leisure", "–"),
        ("Planning", "–"),
    ]
