"""Entering values in the browser's forms: the pages, their messages and their permissions."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from targets.models import ChangeRecord, Measure, Service, User, Value, ValueStatus
from tests.conftest import client_for
from tests.factories import MeasureFactory, TargetFactory, ValueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(datetime(2026, 11, 26, 12, tzinfo=UTC), tick=False)


@pytest.fixture
def measure(waste: Service) -> Measure:
    measure = MeasureFactory(code="WST-01", title="Bins collected on time", service=waste)
    TargetFactory(measure=measure, year=2026, value=Decimal("50"))
    return measure


def url(measure: Measure, period: str = "2026-10") -> str:
    return reverse("value_edit", args=[measure.code]) + f"?period={period}"


def soup(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def errors(response: Any) -> list[str]:
    return [li.get_text(strip=True) for li in soup(response).select(".error-summary li")]


def post(user: User, measure: Measure, **data: Any) -> Any:
    payload = {"version": 0, "commentary": "As expected.", "dq_flag": "final", **data}
    return client_for(user).post(url(measure), payload)


def test_form_shows_the_target_and_due_date(alice: User, measure: Measure) -> None:
    page = soup(client_for(alice).get(url(measure)))
    facts = page.select_one(".facts").get_text(" ", strip=True)
    assert "Target 50.0%" in facts
    assert "Due 10 Nov 2026" in facts


def test_not_a_number_is_refused_with_a_clear_message(alice: User, measure: Measure) -> None:
    response = post(alice, measure, actual="lots", action="save")
    assert errors(response) == ["Value must be a number"]
    assert not Value.objects.exists()


def test_impossible_period_says_so(alice: User, measure: Measure) -> None:
    response = client_for(alice).get(url(measure, "2026-13"))
    assert response.status_code == 400
    assert soup(response).select_one(".field-error").get_text(strip=True) == (
        "Period 2026-13 does not exist"
    )


def test_red_without_corrective_action_is_refused_then_fixed(alice: User, measure: Measure) -> None:
    response = post(alice, measure, actual="30", action="submit")
    assert errors(response) == ["Corrective action is required when the value is Red."]
    assert not Value.objects.exists()
    response = post(
        alice, measure, actual="30", corrective_action="Agency crews hired.", action="submit"
    )
    assert response.status_code == 302
    value = Value.objects.get()
    assert (value.status, value.actual) == (ValueStatus.SUBMITTED, Decimal("30"))


def test_check_status_shows_the_rag_it_would_get_without_saving(
    alice: User, measure: Measure
) -> None:
    response = post(alice, measure, actual="30", action="check")
    assert "Off target" in soup(response).select_one("#rag-preview").get_text()
    assert not Value.objects.exists()


def test_live_preview_endpoint(alice: User, measure: Measure) -> None:
    response = client_for(alice).get(
        reverse("value_preview", args=[measure.code]), {"period": "2026-10", "actual": "55"}
    )
    assert response.json() == {
        "rag": "green",
        "label": "On target",
        "symbol": "✓",
        "corrective_action_required": False,
        "question": None,
    }


def test_officer_of_another_service_cannot_open_or_post(bob: User, measure: Measure) -> None:
    assert client_for(bob).get(url(measure)).status_code == 403
    assert post(bob, measure, actual="55", action="save").status_code == 403
    preview = client_for(bob).get(reverse("value_preview", args=[measure.code]))
    assert preview.status_code == 403
    assert not Value.objects.exists()


def test_second_save_from_the_same_version_shows_the_newer_value(
    alice: User, hannah: User, measure: Measure
) -> None:
    post(alice, measure, actual="55", action="save")
    response = post(hannah, measure, actual="60", action="save")  # still version 0
    assert "Your changes were not saved" in errors(response)[0]
    assert "55.0%" in soup(response).select_one(".notice").get_text()
    assert Value.objects.get().actual == Decimal("55")


def test_evidence_checked_by_content(alice: User, measure: Measure) -> None:
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    response = client_for(alice).post(
        url(measure),
        {"version": 0, "actual": "55", "dq_flag": "final", "action": "save", "evidence": fake},
    )
    assert "report.pdf is not a real PDF file" in errors(response)[0]
    real = SimpleUploadedFile("report.pdf", b"%PDF-1.7\n%\xe2\xe3\n1 0 obj", "application/pdf")
    response = client_for(alice).post(
        url(measure),
        {"version": 0, "actual": "55", "dq_flag": "final", "action": "save", "evidence": real},
    )
    assert response.status_code == 302
    value = Value.objects.get()
    download = client_for(alice).get(reverse("value_evidence", args=[value.pk]))
    assert b"".join(download.streaming_content).startswith(b"%PDF-1.7")  # type: ignore[attr-defined]


def test_my_work_lists_late_due_and_returned(alice: User, measure: Measure, waste: Service) -> None:
    ValueFactory(
        measure=measure, period="2026-09", status=ValueStatus.DRAFT, return_reason="Wrong month."
    )
    page = soup(client_for(alice).get(reverse("my_work")))
    returned = page.select_one("[aria-labelledby=returned-title]").get_text(" ", strip=True)
    assert "Wrong month." in returned
    late = page.select_one("[aria-labelledby=late-title]").get_text(" ", strip=True)
    assert "Oct 2026" in late and "Sep 2026" in late  # both past their due dates


def test_my_work_shows_nothing_of_other_services(bob: User, measure: Measure) -> None:
    page = soup(client_for(bob).get(reverse("my_work")))
    assert "WST-01" not in page.get_text()


def test_head_approves_from_the_queue(alice: User, hannah: User, measure: Measure) -> None:
    post(alice, measure, actual="55", action="submit")
    value = Value.objects.get()
    page = soup(client_for(hannah).get(reverse("my_work")))
    assert "WST-01" in page.select_one("[aria-labelledby=approve-title]").get_text()
    response = client_for(hannah).post(
        reverse("value_transition", args=[value.pk, "approve"]), {"version": value.version}
    )
    assert response.status_code == 302
    assert Value.objects.get().status == ValueStatus.APPROVED


def test_head_cannot_approve_own_value(hannah: User, measure: Measure) -> None:
    post(hannah, measure, actual="55", action="submit")
    value = Value.objects.get()
    page = soup(client_for(hannah).get(reverse("my_work")))
    assert page.select_one("[aria-labelledby=approve-title]") is None
    response = client_for(hannah).post(reverse("value_transition", args=[value.pk, "approve"]))
    assert response.status_code == 403
    assert Value.objects.get().status == ValueStatus.SUBMITTED


def test_return_with_reason(alice: User, hannah: User, measure: Measure) -> None:
    post(alice, measure, actual="55", action="submit")
    value = Value.objects.get()
    client_for(hannah).post(
        reverse("value_transition", args=[value.pk, "return"]),
        {"version": value.version, "reason": "Please add the bring-site tonnage."},
    )
    value.refresh_from_db()
    assert (value.status, value.return_reason) == (
        ValueStatus.DRAFT,
        "Please add the bring-site tonnage.",
    )


def test_performance_team_publishes_a_period(
    alice: User, hannah: User, pat: User, measure: Measure
) -> None:
    post(alice, measure, actual="55", action="submit")
    value = Value.objects.get()
    client_for(hannah).post(reverse("value_transition", args=[value.pk, "approve"]))
    page = soup(client_for(pat).get(reverse("my_work")))
    link = page.find("a", string="Preview and publish Oct 2026")
    assert link is not None and link["href"] == "/publish/?period=2026-10"
    # Without the preview's token nothing is published; with it, exactly that set is.
    client_for(pat).post(reverse("publish_period"), {"period": "2026-10"})
    assert Value.objects.get().status == ValueStatus.APPROVED
    publish_previewed(pat)
    assert Value.objects.get().status == ValueStatus.PUBLISHED


def publish_previewed(pat: User, period: str = "2026-10") -> None:
    client = client_for(pat)
    preview = soup(client.get(reverse("publish_period"), {"period": period}))
    token = preview.find("input", attrs={"name": "previewed"})["value"]
    client.post(reverse("publish_period"), {"period": period, "previewed": token})


def test_head_cannot_publish(hannah: User) -> None:
    response = client_for(hannah).post(reverse("publish_period"), {"period": "2026-10"})
    assert response.status_code == 403


def test_service_grid_saves_all_rows(alice: User, measure: Measure, waste: Service) -> None:
    second = MeasureFactory(code="WST-02", service=waste)
    response = client_for(alice).post(
        reverse("service_grid", args=["waste"]) + "?period=2026-10",
        {
            "WST-01-version": 0,
            "WST-01-actual": "55",
            "WST-01-commentary": "Fine.",
            "WST-02-version": 0,
            "WST-02-actual": "70",
            "action": "submit",
        },
    )
    assert response.status_code == 302
    assert Value.objects.filter(status=ValueStatus.SUBMITTED).count() == 2
    assert second.values.get().actual == Decimal("70")


def test_service_grid_is_all_or_nothing(alice: User, measure: Measure, waste: Service) -> None:
    MeasureFactory(code="WST-02", service=waste)
    response = client_for(alice).post(
        reverse("service_grid", args=["waste"]) + "?period=2026-10",
        {
            "WST-01-version": 0,
            "WST-01-actual": "20",  # Red, no corrective action
            "WST-02-version": 0,
            "WST-02-actual": "70",
            "action": "save",
        },
    )
    assert response.status_code == 200
    assert (
        "WST-01 Bins collected on time: Corrective action is required when the value is Red."
        in errors(response)
    )
    assert not Value.objects.exists()


def test_service_grid_refuses_another_service(bob: User, measure: Measure) -> None:
    response = client_for(bob).get(reverse("service_grid", args=["waste"]))
    assert response.status_code == 403


def test_history_shows_who_changed_what_and_why(
    alice: User, pat: User, hannah: User, measure: Measure, carol: User
) -> None:
    post(alice, measure, actual="55", action="submit")
    value = Value.objects.get()
    client_for(hannah).post(reverse("value_transition", args=[value.pk, "approve"]))
    publish_previewed(pat)
    client_for(pat).post(
        url(measure),
        {
            "version": Value.objects.get().version,
            "actual": "57",
            "dq_flag": "final",
            "action": "save",
            "reason": "Contractor corrected tonnage.",
        },
    )
    rows = soup(client_for(carol).get(reverse("measure_history", args=["WST-01"]))).select(
        "tbody tr"
    )
    texts = [row.get_text(" ", strip=True) for row in rows]
    assert "Restated value" in texts[0] and "55 → 57" in texts[0]
    assert "Contractor corrected tonnage." in texts[0]
    # Entered-and-submitted in one go is one record: submit, approve, publish, restate.
    assert len(texts) == ChangeRecord.objects.count() == 4


def test_scrutiny_cannot_see_history(sam: User, measure: Measure) -> None:
    assert client_for(sam).get(reverse("measure_history", args=["WST-01"])).status_code == 403


def test_officer_sees_a_published_value_read_only(alice: User, measure: Measure) -> None:
    ValueFactory(measure=measure, period="2026-10", actual=Decimal("55"))
    page = soup(client_for(alice).get(url(measure)))
    assert page.select_one("form[data-preview-url]") is None
    assert "ask the performance team to restate it" in page.get_text()


def test_performance_team_gets_the_restatement_form(pat: User, measure: Measure) -> None:
    ValueFactory(measure=measure, period="2026-10", actual=Decimal("55"))
    page = soup(client_for(pat).get(url(measure)))
    assert page.select_one("#id_reason") is not None
    assert page.select_one("button[value=save]").get_text(strip=True) == "Restate value"
