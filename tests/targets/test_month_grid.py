"""The service month grid (`/services/CODE/enter/?period=`): every measure due that month, each
for its own period, with its status, context and RAG; Check without JavaScript; all or nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from targets import periods, services
from targets.models import ChangeRecord, Measure, Service, User, Value, ValueStatus
from tests.conftest import client_for
from tests.factories import MeasureFactory, TargetFactory, ValueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(datetime(2026, 11, 26, 12, tzinfo=UTC), tick=False)


def make(code: str, service: Service, **fields: Any) -> Measure:
    measure = MeasureFactory(code=code, title=f"Measure {code}", service=service, **fields)
    TargetFactory(measure=measure, year=2026, value=Decimal("50"))
    return measure


@pytest.fixture
def monthly(waste: Service) -> Measure:
    return make("WST-01", waste)


@pytest.fixture
def quarterly(waste: Service) -> Measure:
    return make("WST-Q", waste, frequency=Measure.Frequency.QUARTERLY)


@pytest.fixture
def annual(waste: Service) -> Measure:
    return make("WST-Y", waste, frequency=Measure.Frequency.ANNUAL)


def grid_url(period: str, service: str = "waste") -> str:
    return reverse("service_grid", args=[service]) + f"?period={period}"


def page(response: Any) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def rows(soup: BeautifulSoup) -> dict[str, Tag]:
    """Each row of the grid by its measure's code."""
    return {tr["id"].removeprefix("row-"): tr for tr in soup.select("tr.entry-row")}


def text(tag: Tag | None) -> str:
    assert tag is not None
    return " ".join(tag.get_text(" ", strip=True).split())


def errors(soup: BeautifulSoup) -> list[str]:
    return [text(li) for li in soup.select(".error-summary li")]


def test_quarter_end_lists_monthly_and_quarterly_rows_each_for_its_own_period(
    alice: User, monthly: Measure, quarterly: Measure, annual: Measure
) -> None:
    found = rows(page(client_for(alice).get(grid_url("2026-09"))))
    assert list(found) == ["WST-01", "WST-Q"]  # monthly first; the annual one is not due
    assert "Sep 2026" in text(found["WST-01"].th)
    assert "Q2 2026/27 (quarterly)" in text(found["WST-Q"].th)
    assert found["WST-Q"]["data-preview-url"].endswith("?period=2026/27-Q2")


def test_month_that_ends_no_quarter_lists_monthly_rows_only(
    alice: User, monthly: Measure, quarterly: Measure, annual: Measure
) -> None:
    assert list(rows(page(client_for(alice).get(grid_url("2026-10"))))) == ["WST-01"]


def test_year_end_lists_the_annual_measure_for_its_year(
    alice: User, monthly: Measure, quarterly: Measure, annual: Measure
) -> None:
    found = rows(page(client_for(alice).get(grid_url("2027-03"))))
    assert list(found) == ["WST-01", "WST-Q", "WST-Y"]
    assert "Q4 2026/27" in text(found["WST-Q"].th)
    assert "2026/27 (annual)" in text(found["WST-Y"].th)


def test_a_measure_not_reported_that_year_is_left_out(alice: User, waste: Service) -> None:
    make("WST-01", waste)
    make("WST-OLD", waste, active_from=2020, active_to=2025)
    assert list(rows(page(client_for(alice).get(grid_url("2026-10"))))) == ["WST-01"]


def test_quarterly_value_saves_for_the_quarter(
    alice: User, monthly: Measure, quarterly: Measure
) -> None:
    response = client_for(alice).post(
        grid_url("2026-09"),
        {"WST-01-version": 0, "WST-Q-version": 0, "WST-Q-actual": "61", "action": "submit"},
    )
    assert response.status_code == 302
    value = Value.objects.get()
    assert (value.measure, value.period, value.status) == (
        quarterly,
        "2026/27-Q2",
        ValueStatus.SUBMITTED,
    )
    assert ChangeRecord.objects.get(action="submit").period == "2026/27-Q2"


def test_each_status_is_shown_with_who_returned_it_and_why(
    alice: User, hannah: User, waste: Service
) -> None:
    for code in ("A-NEW", "B-DRF", "C-RET", "D-SUB", "E-APP", "F-PUB"):
        make(code, waste)
    ValueFactory(measure=Measure.objects.get(code="B-DRF"), period="2026-10", status="draft")
    for code, status in (("D-SUB", "submitted"), ("E-APP", "approved"), ("F-PUB", "published")):
        ValueFactory(measure=Measure.objects.get(code=code), period="2026-10", status=status)
    returned = ValueFactory(
        measure=Measure.objects.get(code="C-RET"),
        period="2026-10",
        status="submitted",
        entered_by=alice,
        submitted_by=alice,
    )
    services.value_return(returned, user=hannah, reason="Use the validated count.")
    hannah.first_name, hannah.last_name = "Hannah", "Head"
    hannah.save()

    found = rows(page(client_for(alice).get(grid_url("2026-10"))))
    statuses = {code: text(row.select_one(".tag")) for code, row in found.items()}
    assert statuses == {
        "A-NEW": "New",
        "B-DRF": "Draft",
        "C-RET": "Returned",
        "D-SUB": "Submitted",
        "E-APP": "Approved",
        "F-PUB": "Published",
    }
    assert text(found["C-RET"].select_one(".entry-row__returned")) == (
        "Returned by Hannah Head on 26 Nov 2026: Use the validated count."
    )
    # New, draft and returned rows are open to the officer; the others say why they are not.
    for code in ("A-NEW", "B-DRF", "C-RET"):
        assert found[code].select_one("input[name$='-actual']") is not None
        assert found[code].select_one(".entry-row__why") is None
    assert "returns it to draft" in text(found["D-SUB"].select_one(".entry-row__why"))
    assert "only the performance team" in text(found["E-APP"].select_one(".entry-row__why"))
    assert "ask the performance team to restate" in text(
        found["F-PUB"].select_one(".entry-row__why")
    )
    for code in ("D-SUB", "E-APP", "F-PUB"):
        assert found[code].select_one("input[name$='-actual']") is None


def test_last_period_and_same_period_last_year_beside_each_row(
    alice: User, monthly: Measure, quarterly: Measure
) -> None:
    ValueFactory(measure=monthly, period="2026-08", actual=Decimal("47.5"))
    ValueFactory(measure=monthly, period="2025-09", actual=Decimal("44"), status="submitted")
    ValueFactory(measure=quarterly, period="2026/27-Q1", actual=Decimal("58"))
    found = rows(page(client_for(alice).get(grid_url("2026-09"))))
    facts = text(found["WST-01"].select_one(".entry-row__facts"))
    assert "Target 50.0%" in facts
    assert "Last period (Aug 2026) 47.5%" in facts
    assert "Same period last year (Sep 2025) 44.0% submitted" in facts
    quarter = text(found["WST-Q"].select_one(".entry-row__facts"))
    assert "Last period (Q1 2026/27) 58.0%" in quarter
    assert "Same period last year (Q2 2025/26) Not entered" in quarter


def test_drafts_of_measures_the_viewer_does_not_enter_are_never_shown(
    bob: User, waste: Service, housing: Service
) -> None:
    """Bob updates one Waste measure: he sees the rest read only, and none of their drafts."""
    mine = make("WST-BOB", waste, updater=bob)
    other = make("WST-OTH", waste)
    ValueFactory(measure=other, period="2026-10", actual=Decimal("12.3"), status="draft")
    ValueFactory(measure=other, period="2026-09", actual=Decimal("45.6"), status="draft")
    found = rows(page(client_for(bob).get(grid_url("2026-10"))))
    assert found["WST-BOB"].select_one("input[name$='-actual']") is not None
    assert mine.values.count() == 0
    row = text(found["WST-OTH"])
    assert "You do not enter values for this measure." in row
    assert "12.3" not in row and "45.6" not in row
    assert "New" in row


def test_red_row_requires_a_corrective_action_naming_the_measure(
    alice: User, monthly: Measure, waste: Service
) -> None:
    make("WST-02", waste)
    soup = page(
        client_for(alice).post(
            grid_url("2026-10"),
            {
                "WST-01-version": 0,
                "WST-01-actual": "20",
                "WST-01-commentary": "Crews off sick.",
                "WST-02-version": 0,
                "WST-02-actual": "70",
                "action": "submit",
            },
        )
    )
    assert errors(soup) == [
        "WST-01 Measure WST-01: Corrective action is required when the value is Red."
    ]
    assert not Value.objects.exists()  # all or nothing: WST-02 was not saved either
    row = rows(soup)["WST-01"]
    # What was typed stays, with its RAG and the field marked as required.
    assert row.select_one("input[name='WST-01-actual']")["value"] == "20"
    assert text(row.select_one("textarea[name='WST-01-commentary']")) == "Crews off sick."
    assert "Off target" in text(row.select_one(".entry-row__rag"))
    note = row.select_one("[data-required-note]")
    assert note is not None and not note.has_attr("hidden")
    assert "row--error" in row["class"]


def test_check_shows_each_rows_rag_without_saving(
    alice: User, monthly: Measure, quarterly: Measure
) -> None:
    soup = page(
        client_for(alice).post(
            grid_url("2026-09"),
            {
                "WST-01-version": 0,
                "WST-01-actual": "20",
                "WST-Q-version": 0,
                "WST-Q-actual": "48",
                "action": "check",
            },
        )
    )
    assert not Value.objects.exists()
    assert not ChangeRecord.objects.exists()
    found = rows(soup)
    assert "Off target" in text(found["WST-01"].select_one(".entry-row__rag"))
    assert "Within tolerance" in text(found["WST-Q"].select_one(".entry-row__rag"))
    assert not found["WST-01"].select_one("[data-required-note]").has_attr("hidden")
    assert found["WST-Q"].select_one("[data-required-note]").has_attr("hidden")
    assert errors(soup) == []  # checking asks for nothing yet: it says what is needed
    assert "Nothing has been saved yet" in text(soup.select_one(".notice"))


def test_check_reports_a_figure_that_is_not_a_number(alice: User, monthly: Measure) -> None:
    soup = page(
        client_for(alice).post(
            grid_url("2026-10"), {"WST-01-version": 0, "WST-01-actual": "lots", "action": "check"}
        )
    )
    assert errors(soup) == ["WST-01 Measure WST-01: Value must be a number"]


def test_returned_row_saved_again_stays_a_draft_until_submitted(
    alice: User, hannah: User, monthly: Measure
) -> None:
    value = ValueFactory(
        measure=monthly, period="2026-10", status="submitted", entered_by=alice, submitted_by=alice
    )
    value = services.value_return(value, user=hannah, reason="Wrong month.")
    response = client_for(alice).post(
        grid_url("2026-10"),
        {
            "WST-01-version": value.version,
            "WST-01-actual": "55",
            "WST-01-commentary": "October's count.",
            "action": "submit",
        },
    )
    assert response.status_code == 302
    value.refresh_from_db()
    assert (value.actual, value.status, value.return_reason) == (
        Decimal("55"),
        ValueStatus.SUBMITTED,
        "",
    )


def test_nothing_due_says_so(alice: User, quarterly: Measure) -> None:
    soup = page(client_for(alice).get(grid_url("2026-10")))
    assert "Nothing of Waste and Recycling is due in Oct 2026." in text(soup.select_one("main"))


def test_dora_who_enters_nothing_is_refused(dora: User, monthly: Measure) -> None:
    assert client_for(dora).get(grid_url("2026-10")).status_code == 403


def test_bad_month_is_a_clear_400(alice: User, monthly: Measure) -> None:
    response = client_for(alice).get(grid_url("2026/27-Q2"))
    assert response.status_code == 400


def test_queries_do_not_grow_with_the_number_of_measures(
    alice: User, pat: User, waste: Service
) -> None:
    def build(prefix: str, count: int) -> None:
        for i in range(count):
            frequency = [Measure.Frequency.MONTHLY, Measure.Frequency.QUARTERLY][i % 2]
            measure = make(f"{prefix}{i:02d}", waste, frequency=frequency)
            period = "2026-09" if frequency == "monthly" else "2026/27-Q2"
            value = ValueFactory(measure=measure, period=period, status="submitted")
            if i % 3 == 0:  # some returned, with their audit records
                value = services.value_return(value, user=pat, reason="Check it.")
            ValueFactory(
                measure=measure, period="2026-08" if frequency == "monthly" else "2026/27-Q1"
            )

    client = client_for(alice)
    build("S", 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(grid_url("2026-09")).status_code == 200
    build("L", 30)
    with CaptureQueriesContext(connection) as many:
        response = client.get(grid_url("2026-09"))
    assert len(rows(page(response))) == 32
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_saving_from_the_grid_keeps_what_the_grid_does_not_show(
    alice: User, monthly: Measure
) -> None:
    """A draft's data-quality flag and forecast, entered on its own page, survive the grid."""
    value = ValueFactory(
        measure=monthly,
        period="2026-10",
        status="draft",
        dq_flag="estimated",
        forecast=Decimal("52"),
    )
    response = client_for(alice).post(
        grid_url("2026-10"),
        {"WST-01-version": value.version, "WST-01-actual": "56", "action": "save"},
    )
    assert response.status_code == 302
    value.refresh_from_db()
    assert (value.actual, value.dq_flag, value.forecast) == (
        Decimal("56"),
        "estimated",
        Decimal("52"),
    )


def test_one_answer_lists_every_rows_problem(alice: User, monthly: Measure, waste: Service) -> None:
    make("WST-02", waste)
    soup = page(
        client_for(alice).post(
            grid_url("2026-10"),
            {
                "WST-01-version": 0,
                "WST-01-actual": "20",  # Red, no corrective action
                "WST-02-version": 0,
                "WST-02-actual": "many",
                "action": "save",
            },
        )
    )
    assert errors(soup) == [
        "WST-01 Measure WST-01: Corrective action is required when the value is Red.",
        "WST-02 Measure WST-02: Value must be a number",
    ]
    assert not Value.objects.exists()


def test_values_save_all_saves_each_entry_for_its_own_period_or_none(
    alice: User, monthly: Measure, quarterly: Measure
) -> None:
    month = periods.parse_period("2026-09")
    quarter = periods.parse_period("2026/27-Q2")
    good = services.Entry(quarterly, services.ValueInput(actual=Decimal("60")), 0, quarter)
    red = services.Entry(monthly, services.ValueInput(actual=Decimal("20")), 0)
    with pytest.raises(services.EntriesRefused) as refused:
        services.values_save_all(period=month, entries=[good, red], user=alice)
    assert list(refused.value.errors) == ["WST-01"]
    assert not Value.objects.exists()
    assert not ChangeRecord.objects.exists()

    fixed = services.Entry(
        monthly, services.ValueInput(actual=Decimal("20"), corrective_action="Crews hired."), 0
    )
    assert services.values_save_all(period=month, entries=[good, fixed], user=alice) == 2
    assert set(Value.objects.values_list("measure__code", "period")) == {
        ("WST-Q", "2026/27-Q2"),
        ("WST-01", "2026-09"),
    }


def test_a_row_changed_meanwhile_refuses_the_whole_grid(
    alice: User, monthly: Measure, waste: Service
) -> None:
    make("WST-02", waste)
    ValueFactory(measure=monthly, period="2026-10", status="draft", actual=Decimal("51"))
    soup = page(
        client_for(alice).post(
            grid_url("2026-10"),
            {
                "WST-01-version": 0,  # read before someone else saved it
                "WST-01-actual": "55",
                "WST-02-version": 0,
                "WST-02-actual": "70",
                "action": "save",
            },
        )
    )
    assert len(errors(soup)) == 1
    assert errors(soup)[0].startswith("WST-01 Measure WST-01: ")
    assert "Your changes were not saved" in errors(soup)[0]
    assert Value.objects.get().actual == Decimal("51")


def test_enter_in_a_field_checks_rather_than_submits(alice: User, monthly: Measure) -> None:
    """A browser submits a form on Enter with its first submit button."""
    form = page(client_for(alice).get(grid_url("2026-10"))).select_one("form.entry-grid")
    assert form is not None
    first = form.select_one("button[type=submit]")
    assert first is not None and first["value"] == "check"
