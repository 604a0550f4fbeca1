"""Baseline and outcome from our data: the budget of the right year and the % on target of
the right month."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from fsr import measurement
from targets.models import Service
from tests.factories import MeasureFactory, TargetFactory, ValueFactory
from tests.fsr.conftest import budget

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def measures(waste: Service) -> tuple:
    first = MeasureFactory(code="W1", service=waste)
    second = MeasureFactory(code="W2", service=waste)
    for m in (first, second):
        TargetFactory(measure=m, year=2025, value=Decimal(80))
    return first, second


def test_the_latest_complete_month_before_the_start_is_the_baseline(
    waste: Service, measures: tuple
) -> None:
    first, second = measures
    ValueFactory(measure=first, period="2025-05", actual=Decimal(90))
    ValueFactory(measure=second, period="2025-05", actual=Decimal(70))
    # June is still being published: only one of its two values is.
    ValueFactory(measure=first, period="2025-06", actual=Decimal(90))
    ValueFactory(measure=second, period="2025-06", actual=Decimal(90), status="approved")
    # July ends after the start: never the baseline.
    ValueFactory(measure=first, period="2025-07", actual=Decimal(10))
    found = measurement.performance(waste, before=date(2025, 7, 14), today=date(2025, 7, 14))
    assert found is not None
    assert (found.month.code, found.green, found.rated) == ("2025-05", 1, 2)


def test_a_month_ending_on_the_start_day_is_not_before_it(waste: Service, measures: tuple) -> None:
    first, _ = measures
    ValueFactory(measure=first, period="2025-05", actual=Decimal(90))
    ValueFactory(measure=first, period="2025-06", actual=Decimal(10))
    found = measurement.performance(waste, before=date(2025, 7, 1), today=date(2025, 7, 1))
    assert found is not None and found.month.code == "2025-06"
    found = measurement.performance(waste, before=date(2025, 6, 30), today=date(2025, 7, 1))
    assert found is not None and found.month.code == "2025-05"


def test_without_a_complete_month_the_latest_rated_month_is_used(
    waste: Service, measures: tuple
) -> None:
    first, _ = measures
    ValueFactory(measure=first, period="2025-05", actual=Decimal(90))
    found = measurement.performance(waste, before=date(2025, 9, 1), today=date(2025, 9, 1))
    assert found is not None and (found.month.code, found.green, found.rated) == ("2025-05", 1, 1)


def test_the_outcome_is_a_month_that_began_after_the_review_ended(
    waste: Service, measures: tuple
) -> None:
    first, second = measures
    for m in (first, second):
        ValueFactory(measure=m, period="2025-10", actual=Decimal(90))
    found = measurement.performance(waste, after=date(2025, 10, 1), today=date(2026, 1, 5))
    assert found is None
    found = measurement.performance(waste, after=date(2025, 9, 30), today=date(2026, 1, 5))
    assert found is not None and (found.green, found.rated) == (2, 2)


def test_no_measures_no_data(waste: Service) -> None:
    assert measurement.performance(waste, before=date(2025, 7, 1), today=date(2025, 7, 1)) is None
    reading = measurement.baseline(waste, date(2025, 7, 1))
    assert reading == measurement.Reading(cost=None, cost_year=None, performance=None)


def test_the_budgets_of_the_start_year_and_the_latest_year_after_the_end(waste: Service) -> None:
    budget(waste, 2024, "900000")
    budget(waste, 2025, "1000000")
    budget(waste, 2026, "950000")
    budget(waste, 2027, "800000")
    assert measurement.baseline(waste, date(2026, 3, 31)).cost == Decimal("1000000")
    assert measurement.baseline(waste, date(2026, 3, 31)).cost_year == 2025
    outcome = measurement.outcome(waste, date(2026, 4, 1), today=date(2028, 1, 1))
    assert (outcome.cost, outcome.cost_year) == (Decimal("800000"), 2027)
    assert measurement.outcome(waste, date(2027, 4, 1), today=date(2028, 1, 1)).cost is None


def test_the_command_measures_ended_reviews_again(
    waste: Service, capsys: pytest.CaptureFixture[str]
) -> None:
    from django.core.management import call_command

    from fsr.models import Review
    from tests.fsr.conftest import ended, review

    done = ended(waste, date(2025, 6, 30))
    review(waste, title="Still planned")
    budget(waste, 2026, "700000")
    call_command("measure_review_outcomes")
    done.refresh_from_db()
    assert (done.outcome_cost, done.outcome_cost_year) == (Decimal("700000.00"), 2026)
    assert done.outcome_measured_at is not None
    out = capsys.readouterr().out
    assert "budget £700,000, on target no data" in out and "1 reviews measured." in out
    assert Review.objects.filter(outcome_measured_at__isnull=True).count() == 1
