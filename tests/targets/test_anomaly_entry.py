"""Issue 19's check: values ten times their history, and typical ones, entered through the
form, the grid, an upload and the API: the first are questioned everywhere, the second never."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from targets.models import ChangeRecord, Measure, Service, User, Value, ValueQuestion
from targets.periods import last_n, parse_period
from tests.conftest import client_for
from tests.factories import MeasureFactory, TargetFactory, ValueFactory

pytestmark = pytest.mark.django_db
OCT = parse_period("2026-10")
TYPICAL, TENFOLD = "51", "510"


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(datetime(2026, 11, 26, 12, tzinfo=UTC), tick=False)


@pytest.fixture
def measure(waste: Service) -> Measure:
    measure = MeasureFactory(
        code="WST-01", title="Bins collected", service=waste, unit="count", decimals=0
    )
    TargetFactory(measure=measure, year=2026, value=Decimal("40"))
    for i, period in enumerate(last_n(OCT.previous(), 24)):
        ValueFactory(measure=measure, period=period.code, actual=Decimal(48 + i % 5))
    return measure


def soup(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def entered() -> Value | None:
    return Value.objects.filter(period=OCT.code).first()


# The form


def form_post(user: User, measure: Measure, actual: str, commentary: str, action: str) -> Any:
    url = reverse("value_edit", args=[measure.code]) + f"?period={OCT.code}"
    data = {"version": 0, "actual": actual, "commentary": commentary, "dq_flag": "final"}
    return client_for(user).post(url, {**data, "action": action})


def test_form_typical_value_is_never_questioned(alice: User, measure: Measure) -> None:
    response = form_post(alice, measure, TYPICAL, "", "submit")
    assert response.status_code == 302
    assert not ValueQuestion.objects.exists()


def test_form_check_shows_the_question_tied_to_the_field(alice: User, measure: Measure) -> None:
    page = soup(form_post(alice, measure, TENFOLD, "", "check"))
    panel = page.select_one("#value-question")
    assert panel is not None and not panel.has_attr("hidden")
    text = panel.get_text(" ", strip=True)
    assert "510 is far above" in text and "expected between" in text
    assert "value-question" in page.select_one("#id_actual")["aria-describedby"]
    assert "value-question" in page.select_one("#id_commentary")["aria-describedby"]
    assert entered() is None


def test_form_refuses_a_questioned_value_without_commentary(alice: User, measure: Measure) -> None:
    for action in ("save", "submit"):
        page = soup(form_post(alice, measure, TENFOLD, "", action))
        error = page.select_one("#id_commentary-error").get_text(" ", strip=True)
        assert "questioned" in error and "expected between" in error
    assert entered() is None


def test_form_accepts_it_with_commentary_and_records_the_flag(
    alice: User, measure: Measure
) -> None:
    response = form_post(alice, measure, TENFOLD, "Garden waste round counted twice.", "submit")
    assert response.status_code == 302
    question = ValueQuestion.objects.get()
    assert question.value == entered() and question.source == ChangeRecord.Source.FORM
    assert question.explanation == "Garden waste round counted twice."


def test_live_preview_returns_the_question(alice: User, measure: Measure) -> None:
    url = reverse("value_preview", args=[measure.code])
    client = client_for(alice)
    assert client.get(url, {"period": OCT.code, "actual": TYPICAL}).json()["question"] is None
    question = client.get(url, {"period": OCT.code, "actual": TENFOLD}).json()["question"]
    assert question["kind"] == "seasonal"
    assert Decimal(question["low"]) < 50 < Decimal(question["high"])
    assert "far above" in question["reason"]


# The month grid


def grid_post(user: User, actual: str, commentary: str, action: str = "save", **more: Any) -> Any:
    data = {"WST-01-version": 0, "WST-01-actual": actual, "WST-01-commentary": commentary}
    return client_for(user).post(
        reverse("service_grid", args=["waste"]) + f"?period={OCT.code}",
        {**data, **more, "action": action},
    )


def test_grid_typical_value_is_never_questioned(alice: User, measure: Measure) -> None:
    assert grid_post(alice, TYPICAL, "").status_code == 302
    assert not ValueQuestion.objects.exists()


def test_grid_refuses_everything_naming_the_row(
    alice: User, measure: Measure, waste: Service
) -> None:
    other = MeasureFactory(code="WST-02", service=waste, unit="count", decimals=0)
    response = grid_post(alice, TENFOLD, "", **{"WST-02-version": 0, "WST-02-actual": "7"})
    assert response.status_code == 200
    page = soup(response)
    summary = page.select_one(".error-summary").get_text(" ", strip=True)
    assert "WST-01 Bins collected" in summary and "questioned" in summary
    row = page.select_one("#row-WST-01")
    question = row.select_one("#question-WST-01")
    assert not question.has_attr("hidden") and "expected between" in question.get_text()
    assert "question-WST-01" in row.select_one("#id_WST-01-commentary")["aria-describedby"]
    assert not Value.objects.filter(measure=other).exists() and entered() is None


def test_grid_check_shows_the_question(alice: User, measure: Measure) -> None:
    page = soup(grid_post(alice, TENFOLD, "", action="check"))
    assert "far above" in page.select_one("#question-WST-01").get_text()


def test_grid_accepts_it_with_commentary(alice: User, measure: Measure) -> None:
    assert grid_post(alice, TENFOLD, "Two rounds counted.", action="submit").status_code == 302
    assert ValueQuestion.objects.get().explanation == "Two rounds counted."


# The upload


def upload(user: User, body: str) -> Any:
    file = SimpleUploadedFile("values.csv", body.encode())
    return client_for(user).post(reverse("upload"), {"kind": "values", "file": file})


def test_upload_typical_value_is_never_questioned(alice: User, measure: Measure) -> None:
    assert upload(alice, f"measure,period,value\nWST-01,2026-10,{TYPICAL}\n").status_code == 302
    assert entered() is not None and not ValueQuestion.objects.exists()


def test_upload_refuses_a_questioned_row_naming_row_and_column(
    alice: User, measure: Measure
) -> None:
    response = upload(alice, f"measure,period,value,commentary\nWST-01,2026-10,{TENFOLD},\n")
    assert response.status_code == 400
    table = soup(response).find("table", id="import-errors")
    cells = [
        td.get_text(" ", strip=True) for td in table.select("tbody tr")[0].find_all(["th", "td"])
    ]
    assert cells[:2] == ["2", "value"]
    assert "questioned" in cells[2] and "expected between" in cells[2]
    assert entered() is None


def test_upload_accepts_it_with_commentary_and_records_the_flag(
    alice: User, measure: Measure
) -> None:
    body = f"measure,period,value,commentary\nWST-01,2026-10,{TENFOLD},Two rounds counted.\n"
    assert upload(alice, body).status_code == 302
    question = ValueQuestion.objects.get()
    assert question.source == ChangeRecord.Source.IMPORT and question.value == entered()


def test_history_loads_are_not_questioned(pat: User, measure: Measure) -> None:
    file = SimpleUploadedFile("v.csv", f"measure,period,value\nWST-01,2026-10,{TENFOLD}\n".encode())
    response = client_for(pat).post(
        reverse("upload"), {"kind": "values", "file": file, "publish": "on"}
    )
    assert response.status_code == 302
    assert entered() is not None and not ValueQuestion.objects.exists()


# The API


def api_post(user: User, actual: str, **more: Any) -> Any:
    body = {"measure": "WST-01", "period": OCT.code, "actual": actual, **more}
    return client_for(user).post("/api/v1/values/", body, content_type="application/json")


def test_api_typical_value_is_never_questioned(alice: User, measure: Measure) -> None:
    assert api_post(alice, TYPICAL, submit=True).status_code == 201


def test_api_questioned_value_is_a_documented_400(alice: User, measure: Measure) -> None:
    response = api_post(alice, TENFOLD, commentary="Two rounds counted.")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "value_questioned"
    assert body["question"]["kind"] == "seasonal"
    assert "questioned_acknowledged" in body["detail"]
    assert entered() is None
    # The acknowledgement without a commentary is not enough either.
    assert api_post(alice, TENFOLD, questioned_acknowledged=True).status_code == 400


def test_api_accepts_it_acknowledged_with_commentary(alice: User, measure: Measure) -> None:
    response = api_post(
        alice, TENFOLD, commentary="Two rounds counted.", questioned_acknowledged=True
    )
    assert response.status_code == 201
    assert ValueQuestion.objects.get().source == ChangeRecord.Source.API


def test_api_submit_of_a_questioned_draft_needs_the_acknowledgement(
    alice: User, measure: Measure
) -> None:
    draft = ValueFactory(
        measure=measure,
        period=OCT.code,
        actual=Decimal(TENFOLD),
        status="draft",
        commentary="Two rounds counted.",
    )
    url = f"/api/v1/values/{draft.pk}/submit/"
    client = client_for(alice)
    refused = client.post(url, {"version": 1}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["code"] == "value_questioned"
    done = client.post(
        url, {"version": 1, "questioned_acknowledged": True}, content_type="application/json"
    )
    assert done.status_code == 200 and done.json()["status"] == "submitted"


def test_questions_api_is_for_the_performance_team(
    alice: User, pat: User, measure: Measure
) -> None:
    api_post(alice, TENFOLD, commentary="Two rounds counted.", questioned_acknowledged=True)
    assert client_for(alice).get("/api/v1/value-questions/").status_code == 403
    body = client_for(pat).get("/api/v1/value-questions/?kind=seasonal").json()
    rows = body["results"] if isinstance(body, dict) else body
    assert [(r["measure"], r["period"], r["explanation"]) for r in rows] == [
        ("WST-01", "2026-10", "Two rounds counted.")
    ]


# The performance team's list


def test_the_team_lists_filters_and_exports_the_questions(
    alice: User, pat: User, measure: Measure
) -> None:
    form_post(alice, measure, TENFOLD, "Garden waste round counted twice.", "submit")
    client = client_for(pat)
    page = soup(client.get(reverse("value_questions")))
    row = page.select_one("table.questions tbody tr").get_text(" ", strip=True)
    assert "WST-01" in row and "Garden waste round counted twice." in row
    assert "far above" in row
    empty = soup(client.get(reverse("value_questions"), {"kind": "ratio"}))
    assert empty.select_one("table.questions") is None
    export = client.get(reverse("value_questions"), {"export": "csv"})
    text = export.content.decode()
    assert "Garden waste round counted twice." in text and "Band high" in text
    approvals = soup(client.get(reverse("approval_queue")))
    assert approvals.find("a", href=reverse("value_questions")) is not None
    assert client_for(alice).get(reverse("value_questions")).status_code == 403
