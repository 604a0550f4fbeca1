"""Every service gathers market intelligence: at least one note in each financial year; due while
the year runs, missed once it is over."""

from __future__ import annotations

from datetime import date

import pytest

from fsr.compliance import intelligence_compliance
from fsr.models import MarketIntelligence
from targets.models import Service

pytestmark = pytest.mark.django_db


def note(service: Service, noted_on: date) -> None:
    MarketIntelligence.objects.create(
        service=service, source="APSE", sector="private", noted_on=noted_on, summary="Prices"
    )


def test_a_note_in_the_year_meets_it_and_none_is_due_then_missed(
    waste: Service, housing: Service
) -> None:
    note(waste, date(2026, 4, 1))  # the year's first day counts
    note(waste, date(2026, 8, 9))
    note(housing, date(2026, 3, 31))  # the year before
    during = {r.service.code: r for r in intelligence_compliance(2026, date(2026, 11, 1))}
    assert (during["waste"].status, during["waste"].notes) == ("met", 2)
    assert during["waste"].last_noted == date(2026, 8, 9)
    assert (during["housing"].status, during["housing"].notes) == ("due", 0)
    after = {r.service.code: r for r in intelligence_compliance(2026, date(2027, 4, 1))}
    assert after["housing"].status == "missed"
    assert after["housing"].status_text == "No market intelligence that year"
    only = intelligence_compliance(2026, date(2026, 11, 1), service_ids={waste.pk})
    assert [r.service.code for r in only] == ["waste"]
