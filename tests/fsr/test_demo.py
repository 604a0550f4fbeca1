"""The demo's service reviews: realistic, measured from the demo's data, loaded again without
changing anything."""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import StringIO
from typing import Any

import pytest

from fsr import demo
from fsr.models import MarketIntelligence, MarketTest, PeerReview, Review, SavingsLine
from fsr.programme import programme
from oim.models import ServiceBudget
from targets.demo.builder import load_demo

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    models = (Review, MarketTest, PeerReview, MarketIntelligence, SavingsLine, ServiceBudget)
    return {m.__name__: m.objects.count() for m in models}


def test_the_demo_reviews(time_machine: Any) -> None:
    time_machine.move_to(datetime(2026, 11, 20, 12, tzinfo=UTC), tick=False)
    load_demo()
    demo.load(stdout=StringIO())
    first = counts()
    assert first["Review"] == len(demo.REVIEWS)
    statuses = dict(Review.objects.values_list("service__code", "status"))
    assert statuses["customer-services"] == "in_progress"
    repairs = Review.objects.get(title="Business process review of responsive repairs")
    assert repairs.status == "in_progress" and repairs.overrun(date(2026, 11, 20)).overrunning
    assert statuses["planning"] == "planned"
    assert statuses["ict"] == "abandoned"
    waste = Review.objects.get(service__code="waste")
    assert waste.baseline_cost is not None and waste.baseline_rated
    assert waste.outcome_cost is not None and waste.outcome_rated
    assert waste.comparison.savings is not None and waste.comparison.savings > 0
    today = date(2026, 11, 20)
    assert list(
        Review.objects.due_for_market_test(today).values_list("service__code", flat=True)
    ) == ["environmental-health"]
    parks = Review.objects.get(service__code="parks")
    assert parks in Review.objects.with_missed_dates(today) and parks.market_test.decision
    # Unable to deliver, and CEB's decision recorded by a CEB member with its minute.
    test = parks.market_test
    assert (test.approval, test.decided_by.corporate_role) == ("approved", "ceb")
    assert test.minute_reference
    # Every agreed plan records its external challenge, staff involvement and specification.
    for agreed in Review.objects.filter(status__in=["agreed", "complete"]):
        assert agreed.agreement_missing() == [], agreed.title
    rows = {r.service.code: r for r in programme(today=today, service_ids=None)}
    assert rows["leisure"].check.flagged and rows["ict"].check.flagged
    assert not rows["waste"].check.flagged
    assert set(SavingsLine.objects.values_list("year", flat=True)) == {2024, 2025, 2026}

    demo.load(stdout=StringIO())
    assert counts() == first
