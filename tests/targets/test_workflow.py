"""The value workflow services: enter, submit, approve, return, publish, restate, conflicts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from targets import services
from targets.models import ChangeRecord, Measure, Service, User, Value, ValueStatus
from targets.periods import parse_period
from targets.services import ConflictError, ValueInput, WorkflowError
from tests.factories import MeasureFactory, TargetFactory

pytestmark = pytest.mark.django_db
OCT = parse_period("2026-10")


@pytest.fixture
def measure(waste: Service) -> Measure:
    measure = MeasureFactory(code="WST-01", service=waste, tolerance_pct=Decimal("5"))
    TargetFactory(measure=measure, year=2026, value=Decimal("50"))
    return measure


def enter(measure: Measure, user: User, actual: str = "55", **kw: object) -> Value:
    data = ValueInput(actual=Decimal(actual), commentary="Collected as planned.", **kw)  # type: ignore[arg-type]
    return services.value_save(
        measure=measure, period=OCT, data=data, user=user, expected_version=0
    )


def test_officer_enters_a_draft_and_it_is_audited(measure: Measure, alice: User) -> None:
    value = enter(measure, alice)
    assert value.status == ValueStatus.DRAFT
    assert value.version == 1
    record = ChangeRecord.objects.get()
    assert (record.action, record.user, record.measure_code, record.period) == (
        "create",
        alice,
        "WST-01",
        "2026-10",
    )
    assert record.changes["actual"] == [None, "55"]


def test_officer_of_another_service_cannot_enter(measure: Measure, bob: User) -> None:
    with pytest.raises(PermissionDenied):
        enter(measure, bob)
    assert not Value.objects.exists()


def test_red_value_needs_corrective_action(measure: Measure, alice: User) -> None:
    with pytest.raises(WorkflowError, match="Corrective action is required when the value is Red"):
        enter(measure, alice, actual="40")
    value = enter(measure, alice, actual="40", corrective_action="Extra crews in November.")
    assert value.corrective_action == "Extra crews in November."


def test_amber_value_needs_no_corrective_action(measure: Measure, alice: User) -> None:
    assert enter(measure, alice, actual="48").status == ValueStatus.DRAFT


def test_period_of_the_wrong_frequency_is_refused(measure: Measure, alice: User) -> None:
    with pytest.raises(WorkflowError, match="WST-01 is reported monthly: 2026/27-Q1"):
        services.value_save(
            measure=measure,
            period=parse_period("2026/27-Q1"),
            data=ValueInput(actual=Decimal(1)),
            user=alice,
            expected_version=0,
        )


def test_ratio_measure_derives_the_actual(waste: Service, alice: User) -> None:
    ratio = MeasureFactory(service=waste, aggregation=Measure.Aggregation.RATIO)
    value = services.value_save(
        measure=ratio,
        period=OCT,
        data=ValueInput(numerator=Decimal(45), denominator=Decimal(60)),
        user=alice,
        expected_version=0,
    )
    assert value.actual == Decimal("75")


def test_full_cycle_to_published(measure: Measure, alice: User, hannah: User, pat: User) -> None:
    value = enter(measure, alice)
    value = services.value_submit(value, user=alice, expected_version=1)
    assert value.status == ValueStatus.SUBMITTED
    value = services.value_approve(value, user=hannah, expected_version=2)
    assert (value.status, value.approved_by) == (ValueStatus.APPROVED, hannah)
    value = services.value_publish(value, user=pat, expected_version=3)
    assert (value.status, value.published_by) == (ValueStatus.PUBLISHED, pat)
    actions = list(ChangeRecord.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["create", "submit", "approve", "publish"]


def test_nobody_approves_their_own_value(measure: Measure, hannah: User) -> None:
    value = enter(measure, hannah)
    value = services.value_submit(value, user=hannah)
    with pytest.raises(PermissionDenied, match="you entered or submitted"):
        services.value_approve(value, user=hannah)


def test_officer_cannot_approve(measure: Measure, alice: User) -> None:
    value = services.value_submit(enter(measure, alice), user=alice)
    with pytest.raises(PermissionDenied):
        services.value_approve(value, user=alice)


def test_only_the_performance_team_publishes(measure: Measure, alice: User, hannah: User) -> None:
    value = services.value_approve(
        services.value_submit(enter(measure, alice), user=alice), user=hannah
    )
    with pytest.raises(PermissionDenied, match="Only the performance team"):
        services.value_publish(value, user=hannah)


def test_return_needs_a_reason_and_goes_back_to_draft(
    measure: Measure, alice: User, hannah: User
) -> None:
    value = services.value_submit(enter(measure, alice), user=alice)
    with pytest.raises(WorkflowError, match="Say why"):
        services.value_return(value, user=hannah, reason="  ")
    value = services.value_return(value, user=hannah, reason="Figure excludes bring sites.")
    assert (value.status, value.return_reason) == (
        ValueStatus.DRAFT,
        "Figure excludes bring sites.",
    )
    assert (
        ChangeRecord.objects.filter(action="return").get().reason == "Figure excludes bring sites."
    )


def test_submitted_value_cannot_be_edited_by_officer(measure: Measure, alice: User) -> None:
    value = services.value_submit(enter(measure, alice), user=alice)
    with pytest.raises(WorkflowError, match="must be returned to draft"):
        services.value_save(
            measure=measure,
            period=OCT,
            data=ValueInput(actual=Decimal(60)),
            user=alice,
            expected_version=value.version,
        )


def test_second_save_from_the_same_version_is_a_conflict(measure: Measure, alice: User) -> None:
    first = enter(measure, alice)
    services.value_save(
        measure=measure,
        period=OCT,
        data=ValueInput(actual=Decimal(56)),
        user=alice,
        expected_version=first.version,
    )
    with pytest.raises(ConflictError, match="it is now 56.0%") as conflict:
        services.value_save(
            measure=measure,
            period=OCT,
            data=ValueInput(actual=Decimal(57)),
            user=alice,
            expected_version=first.version,
        )
    assert conflict.value.current.actual == Decimal(56)
    assert Value.objects.get().actual == Decimal(56)


def test_entering_a_value_someone_else_just_created_is_a_conflict(
    measure: Measure, alice: User
) -> None:
    enter(measure, alice)
    with pytest.raises(ConflictError):
        enter(measure, alice, actual="60")


def test_published_value_is_restated_with_a_reason(
    measure: Measure, alice: User, hannah: User, pat: User
) -> None:
    value = services.value_submit(enter(measure, alice), user=alice)
    value = services.value_publish(services.value_approve(value, user=hannah), user=pat)
    with pytest.raises(WorkflowError, match="ask the performance team"):
        services.value_save(
            measure=measure,
            period=OCT,
            data=ValueInput(actual=Decimal(58)),
            user=alice,
            expected_version=value.version,
        )
    with pytest.raises(WorkflowError, match="reason for restating"):
        services.value_save(
            measure=measure,
            period=OCT,
            data=ValueInput(actual=Decimal(58)),
            user=pat,
            expected_version=value.version,
        )
    restated = services.value_save(
        measure=measure,
        period=OCT,
        data=ValueInput(actual=Decimal(58)),
        user=pat,
        expected_version=value.version,
        reason="Late tonnage returns from the contractor.",
    )
    assert (restated.status, restated.revision, restated.actual) == (
        ValueStatus.PUBLISHED,
        2,
        Decimal(58),
    )
    record = ChangeRecord.objects.get(action="restate")
    assert record.changes["actual"] == ["55", "58"]
    assert record.reason == "Late tonnage returns from the contractor."


def test_publish_a_whole_period(
    measure: Measure, waste: Service, alice: User, hannah: User, pat: User
) -> None:
    other = MeasureFactory(service=waste)
    for m in (measure, other):
        value = services.value_save(
            measure=m,
            period=OCT,
            data=ValueInput(actual=Decimal(55), corrective_action="x"),
            user=alice,
            expected_version=0,
            submit=True,
        )
        services.value_approve(value, user=hannah)
    draft = MeasureFactory(service=waste)
    enter(draft, alice)
    assert services.period_publish(period=OCT, user=pat) == 2
    assert Value.objects.filter(status=ValueStatus.PUBLISHED).count() == 2
    assert Value.objects.get(measure=draft).status == ValueStatus.DRAFT
    assert ChangeRecord.objects.filter(action="publish").count() == 2


def test_would_be_shows_the_rag_before_saving(measure: Measure) -> None:
    assert services.would_be(measure, OCT, Decimal("49")).label == "Within tolerance"
    assert services.would_be(measure, OCT, Decimal("40")).rag == "red"
