"""The improvement programme beside the measures: in the CMT and CEB packs (overdue plan actions,
reviews against the nine-month limit, savings against target, top risks, corporate programmes)
and, as a summary of risks and programmes, on the corporate dashboard."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.core.files.storage import default_storage
from django.urls import reverse

from fsr.governance.models import Programme, Risk
from fsr.models import Review, SavingsLine
from reporting import services
from reporting.models import ReportSchedule
from reporting.packs import pdf
from reporting.packs.improvement import review_limit
from reporting.packs.snapshot import build, restore
from targets.models import Action, Service, User
from targets.periods import parse_period
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 26)


@pytest.fixture(autouse=True)
def _today(time_machine: Any, settings: Any, tmp_path: Path) -> None:
    time_machine.move_to(datetime(2026, 11, 26, 12, tzinfo=UTC), tick=False)
    settings.MEDIA_ROOT = tmp_path / "media"


def risk(service: Service | None, owner: User, ref: str, lk: int, im: int, **kw: Any) -> Risk:
    return Risk.objects.create(
        reference=ref,
        kind="service" if service else "corporate",
        service=service,
        title=f"Risk {ref}",
        cause="c",
        effect="e",
        owner=owner,
        controls="k",
        inherent_likelihood=5,
        inherent_impact=5,
        residual_likelihood=lk,
        residual_impact=im,
        review_date=kw.pop("review_date", TODAY + timedelta(days=10)),
        **kw,
    )


@pytest.fixture
def programme_world(waste: Service, housing: Service, hannah: User, pat: User) -> None:
    Action.objects.create(service=waste, title="Late action", due=TODAY - timedelta(days=20))
    Action.objects.create(service=housing, title="Later action", due=TODAY - timedelta(days=2))
    Action.objects.create(
        service=waste,
        title="Done action",
        due=TODAY - timedelta(days=40),
        status=Action.Status.DONE,
        completed_on=TODAY - timedelta(days=41),
    )
    Action.objects.create(service=waste, title="Not yet due", due=TODAY + timedelta(days=5))
    Review.objects.create(
        service=waste,
        title="Overrunning waste review",
        scope="All",
        start=date(2025, 12, 1),
        planned_end=date(2026, 8, 31),
        status=Review.Status.IN_PROGRESS,
    )
    Review.objects.create(
        service=housing,
        title="Housing review on time",
        scope="All",
        start=date(2026, 6, 1),
        planned_end=date(2027, 2, 28),
        status=Review.Status.IN_PROGRESS,
    )
    SavingsLine.objects.create(
        year=2026, source="fsr", title="Rounds", target=Decimal(300000), delivered=Decimal(450000)
    )
    SavingsLine.objects.create(year=2026, source="other", title="Fees", target=Decimal(40000))
    SavingsLine.objects.create(
        year=2025, source="other", title="Last year", target=Decimal(9), delivered=Decimal(9)
    )
    risk(None, pat, "CR01", 4, 4)
    risk(waste, hannah, "WASTE-R01", 5, 4, review_date=TODAY - timedelta(days=1))
    risk(housing, pat, "HOUSING-R01", 1, 2)
    risk(None, pat, "CR02", 5, 5, status=Risk.Status.CLOSED)
    Programme.objects.create(
        title="Homes for the City",
        aims="Homes",
        sponsor=pat,
        board="CEB",
        start=date(2024, 10, 1),
        planned_end=date(2029, 3, 31),
        stage="delivery",
        rag_time="red",
    )
    Programme.objects.create(
        title="Closed programme",
        aims="Done",
        sponsor=pat,
        board="CMT",
        start=date(2020, 4, 1),
        planned_end=date(2022, 3, 31),
        stage="closed",
    )


def snapshot_of(code: str) -> dict[str, Any]:
    return build(
        schedule=ReportSchedule.objects.get(code=code),
        period=parse_period("2026/27-B4" if code.startswith("cmt") else "2026/27-Q2"),
        today=TODAY,
        generated_at=datetime(2026, 11, 26, 12, tzinfo=UTC),
    )


@pytest.mark.usefixtures("programme_world")
def test_cmt_pack_carries_the_improvement_programme() -> None:
    section = snapshot_of("cmt-bimonthly")["improvement"]
    overdue = section["actions_overdue"]
    assert overdue["count"] == 2
    assert [a["title"] for a in overdue["oldest"]] == ["Late action", "Later action"]
    assert overdue["oldest"][0]["days_late"] == 20
    reviews = {r["title"]: r for r in section["reviews"]}
    assert reviews["Overrunning waste review"]["limit_state"] == "overrunning"
    assert (
        reviews["Overrunning waste review"]["limit"] == "Overrunning: 86 days past 1 September 2026"
    )
    assert reviews["Housing review on time"]["limit_state"] == "within"
    assert section["savings"]["year"] == "2026/27"
    assert (section["savings"]["target"], section["savings"]["delivered"]) == (
        "340000.00",
        "450000.00",
    )
    assert section["savings"]["unknown"] == 1
    assert [r["reference"] for r in section["top_risks"]] == ["WASTE-R01", "CR01", "HOUSING-R01"]
    assert section["top_risks"][0]["band"] == "high" and section["top_risks"][0]["review_overdue"]
    assert section["risk_bands"] == {"high": 2, "medium": 0, "low": 1}
    assert [p["title"] for p in section["programmes"]] == ["Homes for the City"]
    assert section["programmes"][0]["overall"] == "red"


@pytest.mark.usefixtures("programme_world")
def test_ceb_pack_carries_it_and_scrutiny_pack_does_not() -> None:
    assert snapshot_of("ceb-quarterly")["improvement"] is not None
    assert snapshot_of("scrutiny-quarterly")["improvement"] is None


@pytest.mark.usefixtures("programme_world")
def test_pack_html_has_the_section_in_its_contents() -> None:
    html = BeautifulSoup(pdf.html(restore(snapshot_of("cmt-bimonthly"))), "html.parser")
    contents = [a["href"] for a in html.select("nav.contents a")]
    assert "#improvement" in contents
    assert contents.index("#improvement") < contents.index("#benchmarks")
    section = html.select_one("section[aria-labelledby=improvement]")
    assert section is not None
    headings = [h.get_text(strip=True) for h in section.select("h3")]
    assert headings == [
        "Plan actions overdue",
        "Service reviews and the nine-month limit",
        "Savings delivered against target, 2026/27",
        "Top risks",
        "Corporate programmes",
    ]
    text = section.get_text(" ", strip=True)
    assert "£450,000 delivered of £340,000 planned" in text
    assert "✗ Overrunning: 86 days past 1 September 2026" in text
    assert "▲ High (20)" in text and "✗ Off track" in text


def test_review_limit_words() -> None:
    ended_late = Review(start=date(2025, 1, 10), ended_on=date(2025, 10, 11))
    assert review_limit(ended_late, TODAY) == (
        "late",
        "Ended 11 October 2025, after the limit of 10 October 2025",
    )
    on_time = Review(start=date(2025, 1, 10), ended_on=date(2025, 10, 10))
    assert review_limit(on_time, TODAY)[0] == "within"
    last_day = Review(start=date(2026, 2, 26))
    assert review_limit(last_day, TODAY)[0] == "within"  # ends by 26 November 2026: today
    assert review_limit(last_day, TODAY + timedelta(days=1))[0] == "overrunning"


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")
@pytest.mark.usefixtures("programme_world")
def test_ceb_pdf_prints_the_section() -> None:
    schedule = ReportSchedule.objects.get(code="ceb-quarterly")
    run = services.request_run(schedule=schedule, period=parse_period("2026/27-Q2"), dispatch=False)
    done = services.run_report(run_id=run.run.pk)
    text = subprocess.run(
        ["pdftotext", default_storage.path(done.pdf.name or ""), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "The improvement programme" in text
    assert "Overrunning waste review" in text and "Homes for the City" in text


# The dashboard: its summary of risks and programmes is a page of its own, loaded into the
# dashboard by fragment.js (a plain link without JavaScript), so the dashboard's queries stay.


def _summary(user: User) -> BeautifulSoup:
    response = client_for(user).get(reverse("fsr_governance_summary"))
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


@pytest.mark.usefixtures("programme_world")
def test_summary_shows_risks_and_programmes_to_management(carol: User) -> None:
    section = _summary(carol).select_one("section#governance-summary")
    assert section is not None
    top = [th.get_text(" ", strip=True) for th in section.select("tbody tr th")]
    assert top[:3] == ["WASTE-R01 Risk WASTE-R01", "CR01 Risk CR01", "HOUSING-R01 Risk HOUSING-R01"]
    assert "Homes for the City" in top and "Closed programme" not in top


@pytest.mark.usefixtures("programme_world")
def test_summary_shows_an_officer_only_the_risks_they_read(bob: User) -> None:
    section = _summary(bob).select_one("section#governance-summary")
    assert section is not None
    text = section.get_text(" ", strip=True)
    assert "HOUSING-R01" in text and "CR01" in text and "WASTE-R01" not in text


@pytest.mark.usefixtures("programme_world")
def test_summary_is_read_in_a_fixed_number_of_queries(
    carol: User, pat: User, waste: Service, django_assert_max_num_queries: Any
) -> None:
    client = client_for(carol)
    client.get(reverse("fsr_governance_summary"))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("fsr_governance_summary"))
    for n in range(10):
        risk(waste, pat, f"MORE-{n:02d}", 2, 2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("fsr_governance_summary"))


@pytest.mark.usefixtures("programme_world")
def test_dashboard_has_the_summarys_slot_for_readers_of_risks(carol: User) -> None:
    page = BeautifulSoup(client_for(carol).get(reverse("home")).content, "html.parser")
    slot = page.select_one("[data-fragment]")
    assert slot is not None
    assert slot["data-fragment"] == reverse("fsr_governance_summary")
    assert slot["data-fragment-part"] == "governance-summary"
    assert slot.a is not None and slot.a["href"] == reverse("fsr_governance_summary")


@pytest.mark.usefixtures("programme_world")
def test_dashboard_has_no_risks_for_people_with_no_role() -> None:
    nobody = UserFactory(username="nobody")
    page = BeautifulSoup(client_for(nobody).get(reverse("home")).content, "html.parser")
    assert page.select_one("[data-fragment]") is None
    assert client_for(nobody).get(reverse("fsr_governance_summary")).status_code == 403
