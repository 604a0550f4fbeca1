"""The scorecard tables' rows, written in Python (reporting/templatetags/scorecards.py): the
same words as ever, escaped; the symbols beside them come from the style sheet."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from bs4 import BeautifulSoup
from django.template import Context, Template

from reporting.templatetags.scorecards import usual_ytd_span
from targets import periods, rules
from targets.models import Measure, Service, Value, ValueStatus
from targets.rules import Direction, Rag, RagResult
from targets.scorecard import MeasureStatus
from tests.reporting.shown import shown, symbols

MONTH = periods.parse_period("2026-10")


def test_the_style_sheet_has_every_status_and_directions_symbol() -> None:
    """Each symbol the other pages write in an aria-hidden span is generated before the word
    in a scorecard row, and hidden from screen readers the same way (`/ ""`)."""
    assert {f"rag--{rag.value}": RagResult(rag).symbol for rag in Rag if rag != Rag.GREY} == {
        k: v for k, v in symbols().items() if k.startswith("rag--") and k != "rag--grey"
    }
    assert symbols()["rag--grey"] == RagResult(Rag.GREY, rules.GreyReason.NO_DATA).symbol
    assert {f"d-{d.value}": d.arrow for d in Direction} == {
        k: v for k, v in symbols().items() if k.startswith("d-")
    }


def _row(measure: Measure, **changes: Any) -> MeasureStatus:
    value = Value(measure=measure, period=MONTH.code, actual=Decimal("48"), forecast=None)
    value.status = ValueStatus.PUBLISHED
    row = MeasureStatus(
        measure=measure,
        period=MONTH,
        due=True,
        value=value,
        target=rules.TargetSpec(value=Decimal("50")),
        rag=RagResult(Rag.AMBER),
        dot_short=Direction.IMPROVING,
        dot_long=None,
        ytd_actual=Decimal("47"),
        ytd_target=rules.TargetSpec(value=Decimal("50")),
        ytd_rag=RagResult(Rag.RED),
        forecast_rag=None,
        late=False,
        ytd_periods=tuple(periods.periods_to_date(MONTH)),
        history=[(p, Decimal(i)) for i, p in enumerate(periods.last_n(MONTH, 12))],
    )
    return replace(row, **changes)


def _render(rows: list[MeasureStatus], **context: object) -> Any:
    """The rows parsed (Any: BeautifulSoup's optional lookups, here always found)."""
    template = Template(
        "{% load scorecards %}<table><tbody class='scorecard-rows'>"
        "{% scorecard_rows rows show_service=True show_owner=True usual_span=usual %}"
        "</tbody></table>"
    )
    html = template.render(Context({"rows": rows, "month": MONTH, **context}))
    return BeautifulSoup(html, "html.parser")


def _measure(title: str = "Household waste recycled") -> Measure:
    service = Service(code="waste", name="Waste & recycling")
    return Measure(
        pk=7, code="CP10", title=title, service=service, unit=Measure.Unit.PERCENT, decimals=1
    )


def test_a_row_says_what_the_template_said() -> None:
    page = _render([_row(_measure())], usual="")
    cells = page.tr.find_all(["th", "td"])
    assert [shown(c) for c in cells] == [
        "CP10 Household waste recycled",
        "Waste & recycling",
        "Oct 2026",
        "48.0%",
        "50.0%",
        "! Within tolerance",
        "▲ Improving",
        "Not known",
        "47.0% of 50.0% ✗ Off target Apr–Oct",
        "–",
        "",
        "–",
    ]
    assert cells[1].a["href"] == "/services/waste/?period=2026-10"
    svg = cells[10].svg
    assert svg["role"] == "img"
    assert svg["aria-label"] == "0.0% in Nov 2025, 11.0% in Oct 2026; lowest 0.0%, highest 11.0%."


def test_the_usual_months_of_the_year_to_date_are_said_once() -> None:
    rows = [_row(_measure()), _row(_measure(), ytd_periods=(MONTH,))]
    assert usual_ytd_span(rows + [rows[0]]) == "Apr–Oct"
    assert usual_ytd_span(rows) == ""  # no majority: every row names its months
    page = _render(rows + [rows[0]], usual="Apr–Oct")
    spans = [tr.select_one(".ytd-span") for tr in page.select("tr")]
    assert [s.get_text() if s else None for s in spans] == [None, "Oct", None]


def test_what_users_typed_is_escaped() -> None:
    page = _render([_row(_measure("<script>alert(1)</script> & more"))], usual="")
    assert page.tr.th.get_text(" ", strip=True) == "CP10 <script>alert(1)</script> & more"
    assert page.find("script") is None


def test_a_value_reported_late_says_when() -> None:
    page = _render([_row(_measure(), due=False, reported=date(2026, 11, 3))], usual="")
    assert page.tr.find_all("td")[1].get_text() == "Oct 2026, reported Nov 2026"


def test_each_rows_links_are_the_pages_own_addresses() -> None:
    # The rows reverse each page's pattern once: a code that must be quoted is quoted as
    # `reverse` quotes it (the measure's own `get_absolute_url`), and escaped in the HTML.
    odd = ["HOU-03", "A&B", "NI 192", "Café+1", "x?y#z", "~:@!$'()*,;="]
    measures = [_measure() for _ in odd]
    for measure, code in zip(measures, odd, strict=True):
        measure.code = code
    rows = [_row(measure) for measure in measures]
    page = _render(rows, usual="")
    assert [tr.th.a["href"] for tr in page.select("tr")] == [
        Measure(code=code).get_absolute_url() for code in odd
    ]
    assert [tr.th.a.get_text() for tr in page.select("tr")] == odd
    html = str(_render(rows[1:2], usual="").tr.th)
    assert 'href="/measures/A&amp;B/"' in html
