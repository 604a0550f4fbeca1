"""The demo council's data quality: procedures for most measures (some overdue, some missing)
and a year of the audit programme, run by its own rule, with a failure still open."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine

from targets import periods
from targets.demo.builder import load_demo
from targets.models import Action, DataQualityAudit, DataQualityProcedure, Measure
from targets.quality.reports import open_failures
from tests.conftest import module_world

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 26)


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with (
        module_world(django_db_blocker),
        time_machine.travel(datetime(2026, 11, 26, 12, tzinfo=UTC), tick=False),
    ):
        load_demo(today=TODAY)
        yield


def test_most_measures_have_a_procedure_some_overdue_some_missing() -> None:
    measures = Measure.objects.count()
    procedures = DataQualityProcedure.objects.count()
    overdue = DataQualityProcedure.objects.filter(next_review_due__lt=TODAY).count()
    assert 0.8 * measures <= procedures < measures
    assert 10 <= overdue <= 40
    assert DataQualityProcedure.objects.filter(next_review_due__gte=TODAY).count() > 80


def test_a_year_of_audits_two_a_month_then_this_months_proposals() -> None:
    months = Counter(DataQualityAudit.objects.values_list("month", flat=True))
    this_month = periods.period_containing(TODAY, "monthly")
    expected = {m.code: 2 for m in periods.last_n(this_month, 13)}
    assert dict(months) == expected
    current = DataQualityAudit.objects.filter(month=this_month.code)
    assert {a.status for a in current} == {"proposed"}
    past = DataQualityAudit.objects.exclude(month=this_month.code)
    assert {a.status for a in past} == {"done"}
    results = Counter(past.values_list("result", flat=True))
    assert results["fail"] == 2 and results["concern"] >= 1 and results["pass"] > 15


def test_one_failure_is_still_open_and_flags_its_sample() -> None:
    (failure,) = open_failures()
    (open_action,) = failure.actions.all()
    assert open_action.status == Action.Status.IN_PROGRESS
    assert open_action.owner == failure.measure.updater
    assert failure.sample_from and failure.samples(periods.parse_period(failure.sample_to))
    closed = DataQualityAudit.objects.filter(result="fail").exclude(pk=failure.pk).get()
    assert {a.status for a in closed.actions.all()} == {"done"}


def test_the_history_followed_the_rule() -> None:
    """No measure audited twice within 12 months unless it failed."""
    done = DataQualityAudit.objects.order_by("month")
    seen: dict[int, tuple[periods.Period, str]] = {}
    for audit in done:
        month = audit.month_period
        if audit.measure_id in seen:
            last, result = seen[audit.measure_id]
            gap = (month.year - last.year) * 12 + month.index - last.index
            assert gap >= 12 or result == "fail", audit
        seen[audit.measure_id] = (month, audit.result)


def test_loading_again_adds_nothing() -> None:
    before = (DataQualityProcedure.objects.count(), DataQualityAudit.objects.count())
    with time_machine.travel(datetime(2026, 11, 26, 12, tzinfo=UTC), tick=False):
        result = load_demo(today=TODAY)
    assert "data-quality procedures" not in {k for k, v in result.created.items() if v}
    assert (DataQualityProcedure.objects.count(), DataQualityAudit.objects.count()) == before


def test_done_audits_checked_the_procedures_controls_and_a_failure_raised_its_action() -> None:
    done = DataQualityAudit.objects.filter(status="done").prefetch_related(
        "control_checks", "actions"
    )
    with_procedure = [a for a in done if hasattr(a.measure, "dq_procedure")]
    assert with_procedure
    for audit in with_procedure:
        checks = list(audit.control_checks.all())
        assert len(checks) == 2 and all(c.tested for c in checks), audit
        failing = [c for c in checks if c.result == "not_working"]
        if audit.result == "fail":
            (check,) = failing
            (raised,) = check.actions.all()
            assert raised in audit.actions.all()
        else:
            assert not failing
