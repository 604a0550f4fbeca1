"""The report archive, each run's page and its downloads: who may see what, and the exports."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from reporting import services
from reporting.models import ReportRun, ReportSchedule
from targets.models import Measure, User, Value
from targets.periods import parse_period
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.reporting.shown import shown
from tests.reporting.test_runs import make
from tests.reporting.worlds import council_and_packs

pytestmark = [pytest.mark.django_db]
KINDS = ["report_run", "report_run_pdf", "report_run_pptx", "report_run_csv", "report_run_xlsx"]


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(datetime(2026, 11, 26, 12, tzinfo=UTC), tick=False)


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("archive-media")


@pytest.fixture(autouse=True)
def _media(settings: Any, media: Path) -> None:
    settings.MEDIA_ROOT = media


@pytest.fixture(scope="module")
def world(
    django_db_setup: Any, django_db_blocker: Any, media: Path
) -> Iterator[tuple[dict[str, Measure], dict[str, ReportRun]]]:
    """The council and its four packs, made once for the module (rolled back at its end)."""
    with council_and_packs(
        django_db_blocker,
        media,
        scrutiny=("scrutiny-quarterly", "2026/27-Q2"),
        cmt=("cmt-bimonthly", "2026/27-B3"),
        ceb=("ceb-quarterly", "2026/27-Q2"),
        members=("monthly-corporate", "2026-10"),
    ) as world:
        yield world


@pytest.fixture
def council(world: Any, request: pytest.FixtureRequest) -> dict[str, Measure]:
    """The module's council; a test that does not ask for its packs has none."""
    if "runs" not in request.fixturenames:
        ReportRun.objects.all().delete()  # undone with the test's transaction
    return world[0]


@pytest.fixture
def runs(world: Any) -> dict[str, ReportRun]:
    return world[1]


def _soup(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


# Who may download which pack: the performance team everything; CMT its own, the executive
# board's and scrutiny's (published only); scrutiny its own and all members'; an officer (alice)
# the all-members pack only; someone signed in with no role, nothing.
ALLOWED = {
    "pat": {"scrutiny", "cmt", "ceb", "members"},
    "carol": {"scrutiny", "cmt", "ceb", "members"},
    "sam": {"scrutiny", "members"},
    "alice": {"members"},
    "nobody": set(),
}


@pytest.mark.parametrize("who", sorted(ALLOWED))
def test_each_user_gets_exactly_the_packs_they_may(
    who: str, runs: dict[str, ReportRun], request: Any
) -> None:
    user = UserFactory(username="nobody") if who == "nobody" else request.getfixturevalue(who)
    client = client_for(user)
    for name, run in runs.items():
        for kind in KINDS:
            response = client.get(reverse(kind, args=[run.pk]))
            expected = 200 if name in ALLOWED[who] else 404
            assert response.status_code == expected, (who, name, kind)


def test_signed_out_users_are_asked_to_sign_in_for_any_pack(runs: dict[str, ReportRun]) -> None:
    for run in runs.values():
        for kind in KINDS:
            url = reverse(kind, args=[run.pk])
            response = Client().get(url)
            assert response.status_code == 302
            assert response["Location"] == f"{reverse('login')}?next={url}"


def test_archive_lists_only_the_users_packs(runs: dict[str, ReportRun], sam: User) -> None:
    soup = _soup(client_for(sam).get(reverse("report_archive")))
    titles = [h2.get_text(strip=True) for h2 in soup.select("section.schedule h2")]
    assert titles == [
        "Monthly corporate targets",
        "Quarterly performance report to the scrutiny panel",
    ]
    links = {a["href"] for a in soup.select("a[href]")}
    assert reverse("report_run_pdf", args=[runs["scrutiny"].pk]) in links
    assert reverse("report_run_pdf", args=[runs["cmt"].pk]) not in links
    assert not soup.select("form[action*=generate]")


def test_archive_shows_the_team_a_generate_form_per_schedule(
    runs: dict[str, ReportRun], pat: User
) -> None:
    soup = _soup(client_for(pat).get(reverse("report_archive")))
    forms = soup.select("form[action*=generate]")
    assert len(forms) == 4
    options = [o["value"] for o in soup.select("#id_scrutiny-quarterly-period option")]
    assert options[:2] == ["2026/27-Q2", "2026/27-Q1"]
    row = soup.select_one("#schedule-scrutiny-quarterly").find_parent("section").select("tbody tr")
    cells = [c.get_text(" ", strip=True) for c in row[0].find_all(["th", "td"])]
    assert cells[0] == "Q2 2026/27 version 1"
    assert cells[2:4] == ["Final", "1 of 2 (50%) on target"]


def test_archive_asks_a_fixed_number_of_queries(
    runs: dict[str, ReportRun], carol: User, django_assert_num_queries: Any
) -> None:
    client = client_for(carol)
    # Session, user, schedules, runs; then the navigation's upload check (two: the service roles
    # in one query, the measures the person updates).
    with django_assert_num_queries(6):
        assert client.get(reverse("report_archive")).status_code == 200
    for code, period in [("ceb-quarterly", "2026/27-Q1"), ("monthly-corporate", "2026-09")]:
        make(code, period)
    with django_assert_num_queries(6):
        assert client.get(reverse("report_archive")).status_code == 200


def test_anonymous_archive_needs_sign_in(runs: dict[str, ReportRun]) -> None:
    response = Client().get(reverse("report_archive"))
    assert response.status_code == 302


def test_a_public_schedules_packs_are_open_to_everyone(runs: dict[str, ReportRun]) -> None:
    ReportSchedule.objects.filter(code="scrutiny-quarterly").update(is_public=True)
    public = Client()
    soup = _soup(public.get(reverse("public_report_archive")))
    assert [h2.get_text(strip=True) for h2 in soup.select("main h2")] == [
        "Quarterly performance report to the scrutiny panel"
    ]
    for kind in KINDS:
        assert public.get(reverse(kind, args=[runs["scrutiny"].pk])).status_code == 200
    assert public.get(reverse("report_run", args=[runs["cmt"].pk])).status_code == 302


def test_a_pack_of_unpublished_values_stays_private_when_its_schedule_turns_public(
    runs: dict[str, ReportRun], sam: User
) -> None:
    ReportSchedule.objects.filter(code="ceb-quarterly").update(is_public=True)
    assert runs["ceb"].internal
    assert Client().get(reverse("report_run_pdf", args=[runs["ceb"].pk])).status_code == 302
    assert client_for(sam).get(reverse("report_run", args=[runs["ceb"].pk])).status_code == 404
    assert not _soup(Client().get(reverse("public_report_archive"))).select("tbody tr")


def test_public_archive_is_empty_without_public_schedules(runs: dict[str, ReportRun]) -> None:
    soup = _soup(Client().get(reverse("public_report_archive")))
    assert "No reports are published here yet." in soup.get_text()


def test_a_run_page_shows_the_packs_figures_as_a_dashboard(
    runs: dict[str, ReportRun], sam: User
) -> None:
    response = client_for(sam).get(reverse("report_run", args=[runs["scrutiny"].pk]))
    soup = _soup(response)
    assert soup.h1.get_text(" ", strip=True).startswith("Quarterly performance report")
    assert soup.select_one("#summary-title").get_text(strip=True) == "1 of 2 (50%) on target"
    rows = {
        tr.th.a.get_text(strip=True): [shown(c) for c in tr.find_all("td")]
        for tr in soup.select("table.scorecard tbody tr")
    }
    assert list(rows) == ["CP10", "CP14"]
    assert rows["CP10"][1:3] == ["52.0%", "50.0%"]
    assert rows["CP10"][3] == "✓ On target"
    assert rows["CP14"][1:4] == ["55.0", "40.0", "✗ Off target"]
    assert "Agency crews booked from next week." in soup.select_one(".red-list").get_text()
    assert soup.select_one("#run-trend-chart") and soup.select_one("#run-priority-chart")
    assert soup.select_one("script#run-chart-data")["type"] == "application/json"
    # No inline script: every other script is a file.
    assert all(s.get("src") for s in soup.select("script") if s.get("id") != "run-chart-data")
    links = {a.get_text(strip=True): a["href"] for a in soup.select(".button-group a")}
    assert links["Figures as CSV"] == reverse("report_run_csv", args=[runs["scrutiny"].pk])
    # Internal figures: never stored by a browser or proxy (config.middleware.NoStoreMiddleware).
    assert set(response["Cache-Control"].split(", ")) == {"no-cache", "no-store", "private"}


def test_a_run_page_never_changes_after_the_event(
    runs: dict[str, ReportRun], sam: User, council: dict[str, Measure]
) -> None:
    Value.objects.filter(measure=council["CP10"], period="2026-09").update(actual=Decimal(10))
    soup = _soup(client_for(sam).get(reverse("report_run", args=[runs["scrutiny"].pk])))
    assert soup.select_one("#summary-title").get_text(strip=True) == "1 of 2 (50%) on target"
    assert "52.0%" in soup.select_one("table.scorecard").get_text()


def test_a_run_page_asks_a_fixed_number_of_queries(
    runs: dict[str, ReportRun], carol: User, django_assert_num_queries: Any
) -> None:
    # Session, user, the run (with its snapshot); then the navigation's upload check (two).
    client = client_for(carol)
    with django_assert_num_queries(5):
        client.get(reverse("report_run", args=[runs["ceb"].pk]))


def test_a_management_pack_marks_values_not_yet_approved_and_is_a_draft(
    runs: dict[str, ReportRun], carol: User
) -> None:
    assert runs["ceb"].pack_status == "draft"
    soup = _soup(client_for(carol).get(reverse("report_run", args=[runs["ceb"].pk])))
    assert "Draft:" in soup.select_one(".notice").get_text()
    row = soup.find("a", string="CP20").find_parent("tr")
    assert "not yet approved" in row.get_text()


def test_a_run_still_being_made_says_so(council: Any, pat: User) -> None:
    schedule = ReportSchedule.objects.get(code="ceb-quarterly")
    run = services.request_run(
        schedule=schedule, period=parse_period("2026/27-Q2"), dispatch=False
    ).run
    soup = _soup(client_for(pat).get(reverse("report_run", args=[run.pk])))
    assert "This pack is requested" in soup.select_one(".notice").get_text()
    assert client_for(pat).get(reverse("report_run_pdf", args=[run.pk])).status_code == 404


def test_the_pdf_is_served_inline_with_its_name(runs: dict[str, ReportRun], sam: User) -> None:
    response = client_for(sam).get(reverse("report_run_pdf", args=[runs["scrutiny"].pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'inline; filename="scrutiny-quarterly-2026-27-Q2-v1.pdf"'
    )
    assert b"".join(response.streaming_content).startswith(b"%PDF-1.7")


@pytest.fixture
def hostile(council: dict[str, Measure]) -> ReportRun:
    """Titles and commentary that a spreadsheet would run as formulas."""
    Measure.objects.filter(code="CP10").update(title='=HYPERLINK("http://evil","x")')
    Value.objects.filter(measure__code="CP14", period="2026-09").update(
        commentary="+cmd|' /C calc'!A0", corrective_action="@SUM(1+1)"
    )
    Value.objects.filter(measure__code="CP10", period="2026-09").update(actual=Decimal("-3.5"))
    return make("scrutiny-quarterly", "2026/27-Q2")


def test_csv_escapes_formulas_and_keeps_numbers_numeric(hostile: ReportRun, sam: User) -> None:
    response = client_for(sam).get(reverse("report_run_csv", args=[hostile.pk]))
    assert response["Content-Disposition"] == (
        'attachment; filename="scrutiny-quarterly-2026-27-Q2-v1.csv"'
    )
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(response.content.decode()))}
    assert rows["CP10"]["title"] == '\'=HYPERLINK("http://evil","x")'
    assert rows["CP10"]["actual"] == "-3.5"
    assert rows["CP10"]["target"] == "50"
    assert rows["CP14"]["commentary"] == "'+cmd|' /C calc'!A0"
    assert rows["CP14"]["corrective_action"] == "'@SUM(1+1)"
    assert rows["CP14"]["rag"] == "red"
    assert rows["CP14"]["late"] == "no"
    assert rows["CP10"]["dq_flag"] == "estimated"
    assert rows["CP10"]["priority"] == "4. A cleaner greener city"


def test_xlsx_escapes_formulas_and_keeps_numbers_numeric(hostile: ReportRun, sam: User) -> None:
    response = client_for(sam).get(reverse("report_run_xlsx", args=[hostile.pk]))
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["Measures"]
    header = [c.value for c in sheet[1]]
    cells = {
        row[0].value: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)
    }
    title = cells["CP10"]["title"]
    assert title.value == '\'=HYPERLINK("http://evil","x")' and title.data_type == "s"
    actual = cells["CP10"]["actual"]
    assert actual.data_type == "n" and actual.value == -3.5
    assert cells["CP14"]["target"].value == 40
    assert cells["CP14"]["commentary"].value.startswith("'+")
    summary = {r[0].value: r[1].value for r in workbook["Summary"].iter_rows()}
    assert summary["period"] == "2026/27-Q2" and summary["green"] == 0 and summary["red"] == 2
