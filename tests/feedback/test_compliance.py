"""The compliance view on a data set built here, independent of the demo: the six-month and
twelve-month windows to the day, support services, panel results as feedback, the panel's year."""

from __future__ import annotations

from datetime import date

import pytest

from feedback.compliance import panel_compliance, service_compliance
from feedback.models import Arrangement, PanelResult, PanelSurvey, Round
from targets.models import Service
from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 8, 31)  # six months earlier is 28 Feb 2026; twelve, 31 Aug 2025


def _round(service: Service, kind: str, ended: date) -> Round:
    arrangement, _ = Arrangement.objects.get_or_create(
        service=service,
        kind=kind,
        defaults={"title": f"{service.code} {kind}", "frequency": "annual"},
    )
    return Round.objects.create(arrangement=arrangement, started=ended.replace(day=1), ended=ended)


@pytest.fixture
def council() -> dict[str, Service]:
    return {
        code: ServiceFactory(code=code, is_support=support)
        for code, support in [
            ("on-the-day", False),
            ("a-day-late", False),
            ("never", False),
            ("future-only", False),
            ("panel-only", False),
            ("payroll", True),
            ("audit", True),
            ("closed", False),
        ]
    }


def test_who_lacks_feedback_and_internal_surveys(council: dict[str, Service]) -> None:
    _round(council["on-the-day"], "customer_survey", date(2026, 2, 28))
    _round(council["a-day-late"], "customer_survey", date(2026, 2, 27))
    _round(council["future-only"], "focus_group", date(2026, 9, 30))  # not ended yet
    survey = PanelSurvey.objects.create(
        title="Spring",
        topics="x",
        sent=date(2026, 4, 1),
        closed=date(2026, 4, 28),
        panel_size=100,
        responses=50,
    )
    PanelResult.objects.create(survey=survey, service=council["panel-only"], question="q")
    # Payroll's internal survey ended exactly twelve months ago; audit's a day before that, and
    # its recent customer survey does not stand in for one.
    _round(council["payroll"], "internal_survey", date(2025, 8, 31))
    _round(council["payroll"], "customer_survey", date(2026, 6, 30))
    _round(council["audit"], "internal_survey", date(2025, 8, 30))
    _round(council["audit"], "customer_survey", date(2026, 7, 31))
    closed = council["closed"]
    closed.is_active = False
    closed.save()

    rows = {r.service.code: r for r in service_compliance(TODAY)}
    assert "closed" not in rows
    assert {code for code, r in rows.items() if not r.has_feedback} == {
        "a-day-late",
        "never",
        "future-only",
    }
    assert rows["panel-only"].last_feedback == date(2026, 4, 28)
    assert {code for code, r in rows.items() if r.needs_internal and not r.has_internal} == {
        "audit"
    }
    assert rows["payroll"].ok and not rows["audit"].ok
    assert rows["future-only"].last_round is None


def _survey(sent: date) -> PanelSurvey:
    return PanelSurvey.objects.create(
        title=f"Survey {sent}", topics="x", sent=sent, closed=sent, panel_size=10, responses=5
    )


def test_the_panel_needs_three_surveys_in_the_financial_year() -> None:
    for sent in (date(2025, 4, 1), date(2025, 9, 1), date(2026, 3, 31), date(2026, 4, 1)):
        _survey(sent)
    last_year = panel_compliance(2025, TODAY)
    assert (last_year.count, last_year.status) == (3, "met")
    this_year = panel_compliance(2026, TODAY)
    assert (this_year.count, this_year.status, this_year.ok) == (1, "open", False)
    assert panel_compliance(2026, date(2027, 4, 1)).status == "missed"
    assert panel_compliance(2024, TODAY).status == "missed"


def test_the_page_lists_them(council: dict[str, Service], client: object, pat: object) -> None:
    from tests.conftest import client_for

    _round(council["on-the-day"], "customer_survey", date(2026, 2, 28))
    response = client_for(pat).get("/feedback/compliance/?year=2025")  # type: ignore[arg-type]
    text = response.content.decode()
    assert response.status_code == 200
    assert "The residents' panel in 2025/26" in text
    assert "Only 0 of 3 surveys" in text
