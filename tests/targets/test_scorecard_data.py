"""`ScorecardData.load(rows=…)`: whole values for the rows shown, figures alone for the rest,
and the same scorecard either way; `measure_headlines`, a row's headline from figures alone."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from targets import periods
from targets.models import Measure, Service, Value, ValueStatus
from targets.rules import Rag
from targets.scorecard import (
    Figures,
    ScorecardData,
    measure_headlines,
    measure_statuses,
    needed_for_rows,
    row_period,
)
from tests.factories import MeasureFactory, TargetFactory, ValueFactory

pytestmark = pytest.mark.django_db

MONTH = periods.parse_period("2026-10")
TODAY = date(2026, 11, 26)


@pytest.fixture
def measures(waste: Service) -> list[Measure]:
    made = [MeasureFactory(service=waste, code=f"W{n}") for n in range(2)]
    made.append(MeasureFactory(service=waste, code="WQ", frequency=Measure.Frequency.QUARTERLY))
    for n, measure in enumerate(made):
        TargetFactory(measure=measure, year=2026, value=Decimal("50"))
        for month in periods.last_n(MONTH, 14):
            period = row_period(measure, month)
            if not Value.objects.filter(measure=measure, period=period.code).exists():
                ValueFactory(
                    measure=measure,
                    period=period.code,
                    actual=Decimal(40 + n + month.index),
                    numerator=Decimal(3),
                    denominator=Decimal(4),
                    forecast=Decimal("51"),
                    commentary=f"{measure.code} {period.code}",
                    status=ValueStatus.SUBMITTED if period == MONTH else ValueStatus.PUBLISHED,
                )
    return made


def test_the_rows_values_are_whole_and_the_others_figures(measures: list[Measure]) -> None:
    codes, years = needed_for_rows((row_period(m, MONTH) for m in measures), history=12)
    shown = {row_period(m, MONTH).code for m in measures}
    data = ScorecardData.load(measures, codes, years, rows=shown)
    kinds = {(m.code, code): type(v) for m in measures for code, v in data.values[m.pk].items()}
    assert {k for k, kind in kinds.items() if kind is Value} == {
        (m.code, row_period(m, MONTH).code) for m in measures
    }
    assert all(kind is Figures for k, kind in kinds.items() if k[1] not in shown)
    row = data.stored(measures[0], MONTH)
    assert isinstance(row, Value) and row.commentary == "W0 2026-10" and row.forecast == 51


@pytest.mark.parametrize("internal", [True, False])
def test_the_same_scorecard_either_way(measures: list[Measure], internal: bool) -> None:
    codes, years = needed_for_rows((row_period(m, MONTH) for m in measures), history=12)
    shown = {row_period(m, MONTH).code for m in measures}
    whole = ScorecardData.load(measures, codes, years)
    light = ScorecardData.load(measures, codes, years, rows=shown)
    before = measure_statuses(
        measures, MONTH, internal=internal, today=TODAY, history=12, data=whole
    )
    after = measure_statuses(
        measures, MONTH, internal=internal, today=TODAY, history=12, data=light
    )
    assert before == after
    fields = ("commentary", "forecast", "status", "submitted_at", "published_at", "version")
    assert [tuple(getattr(s.value, f) for f in fields) if s.value else None for s in before] == [
        tuple(getattr(s.value, f) for f in fields) if s.value else None for s in after
    ]


@pytest.mark.parametrize("internal", [True, False])
def test_a_headline_is_its_rows_headline_from_figures_alone(
    measures: list[Measure], internal: bool
) -> None:
    codes, years = needed_for_rows((row_period(m, MONTH) for m in measures), history=12)
    rows = measure_statuses(
        measures,
        MONTH,
        internal=internal,
        today=TODAY,
        data=ScorecardData.load(measures, codes, years),
    )
    figures_only = ScorecardData.load(measures, codes, years, rows=set())
    assert not any(isinstance(v, Value) for by in figures_only.values.values() for v in by.values())
    heads = measure_headlines(measures, MONTH, internal=internal, today=TODAY, data=figures_only)

    def headline(row: object) -> tuple[object, ...]:
        fields = ("measure", "period", "actual", "target", "rag", "late", "forecast_rag")
        return tuple(getattr(row, name) for name in fields)

    assert [headline(h) for h in heads] == [headline(r) for r in rows]
    # What the comparison rests on: a forecast read from figures, and a month's own rating
    # (the month's values are submitted: staff see them rated, the public not yet).
    assert {h.forecast_rag.rag for h in heads if h.forecast_rag} == {Rag.GREEN}
    monthly = [h for h in heads if h.period == MONTH]
    assert {h.rag.rag != Rag.GREY for h in monthly} == {internal}
