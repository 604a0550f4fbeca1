"""Questioned values in the workflow: the read model's queries, saving, submitting, recording."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarking.models import Authority, BenchmarkValue, Metric
from targets import questions, services
from targets.models import ChangeRecord, Measure, Service, User, ValueQuestion, ValueStatus
from targets.periods import last_n, parse_period
from targets.services import ValueInput, ValueQuestioned
from tests.factories import MeasureFactory, TargetFactory, ValueFactory

pytestmark = pytest.mark.django_db
OCT = parse_period("2026-10")


def with_history(measure: Measure, level: str = "50", n: int = 24) -> Measure:
    for period in last_n(OCT.previous(), n):
        ValueFactory(measure=measure, period=period.code, actual=Decimal(level))
    return measure


@pytest.fixture
def measure(waste: Service) -> Measure:
    measure = MeasureFactory(code="WST-01", service=waste, unit=Measure.Unit.COUNT, decimals=0)
    TargetFactory(measure=measure, year=2026, value=Decimal("40"))
    return with_history(measure)


def enter(measure: Measure, user: User, actual: str, commentary: str = "", **kw: object):
    return services.value_save(
        measure=measure,
        period=OCT,
        data=ValueInput(actual=Decimal(actual), commentary=commentary),
        user=user,
        expected_version=0,
        **kw,  # type: ignore[arg-type]
    )


def test_a_typical_value_is_not_questioned(measure: Measure, alice: User) -> None:
    value = enter(measure, alice, "52")
    assert value.status == ValueStatus.DRAFT
    assert not ValueQuestion.objects.exists()


def test_ten_times_the_history_needs_an_explanation(measure: Measure, alice: User) -> None:
    with pytest.raises(ValueQuestioned) as refused:
        enter(measure, alice, "500")
    assert refused.value.field == "commentary"
    assert "expected between" in str(refused.value)
    assert "Explain it in the commentary" in str(refused.value)
    assert not measure.values.filter(period=OCT.code).exists()


def test_explained_value_is_saved_and_its_question_recorded_and_audited(
    measure: Measure, alice: User
) -> None:
    value = enter(measure, alice, "500", "Two months of garden waste counted together.")
    question = ValueQuestion.objects.get()
    assert question.value == value and question.actual == Decimal(500)
    assert question.kind == ValueQuestion.Kind.SEASONAL
    assert question.explanation == "Two months of garden waste counted together."
    assert question.raised_by == alice and question.is_current
    assert question.low < Decimal(50) < question.high
    record = ChangeRecord.objects.get(object_type="valuequestion")
    assert record.object_id == question.pk and record.measure_code == "WST-01"
    # Saving the same figure again updates the one question: no duplicate.
    services.value_save(
        measure=measure,
        period=OCT,
        data=ValueInput(actual=Decimal(500), commentary="Garden waste: two months."),
        user=alice,
        expected_version=value.version,
    )
    assert ValueQuestion.objects.get().explanation == "Garden waste: two months."


def test_api_route_needs_the_acknowledgement_too(measure: Measure, alice: User) -> None:
    with pytest.raises(ValueQuestioned, match="questioned_acknowledged"):
        enter(measure, alice, "500", "Explained.", acknowledged=False)
    assert enter(measure, alice, "500", "Explained.", acknowledged=True).pk


def test_submitting_a_questioned_draft_without_commentary_is_refused(
    measure: Measure, alice: User
) -> None:
    draft = ValueFactory(
        measure=measure, period=OCT.code, actual=Decimal(500), commentary="", status="draft"
    )
    with pytest.raises(ValueQuestioned):
        services.value_submit(draft, user=alice)
    draft.commentary = "Checked: a new round added."
    draft.save()
    done = services.value_submit(draft, user=alice)
    assert done.status == ValueStatus.SUBMITTED
    assert ValueQuestion.objects.filter(value=done).count() == 1


def test_ratio_numerator_above_denominator_is_questioned(waste: Service, alice: User) -> None:
    measure = MeasureFactory(
        code="WST-09", service=waste, aggregation=Measure.Aggregation.RATIO, decimals=1
    )
    data = ValueInput(numerator=Decimal(120), denominator=Decimal(100))
    with pytest.raises(ValueQuestioned, match="larger than the denominator"):
        services.value_save(measure=measure, period=OCT, data=data, user=alice, expected_version=0)


def test_peers_question_a_value_outside_their_range(waste: Service, alice: User) -> None:
    measure = MeasureFactory(code="WST-02", service=waste, frequency="annual", decimals=1)
    metric = Metric.objects.create(code="NI192", title="Recycling", measure=measure)
    for i, figure in enumerate(["40", "45", "50", "55"]):
        area = Authority.objects.create(code=f"E0700000{i}", name=f"Area {i}")
        BenchmarkValue.objects.create(
            metric=metric, authority=area, period="2025/26", value=Decimal(figure)
        )
    period = parse_period("2025/26")
    assert questions.ask(measure, period, Decimal(52)) is None
    found = questions.ask(measure, period, Decimal(95))
    assert found is not None and found.basis == "benchmark peers (4)"


def test_the_book_loads_a_batch_in_a_fixed_number_of_queries(waste: Service) -> None:
    measures = [
        with_history(MeasureFactory(service=waste, unit="count", decimals=0), n=12)
        for _ in range(6)
    ]
    pairs = [(m, OCT) for m in measures]
    with CaptureQueriesContext(connection) as few:
        questions.Book.load(pairs[:1])
    with CaptureQueriesContext(connection) as many:
        book = questions.Book.load(pairs)
    assert len(many) == len(few) == 2
    assert book.ask(measures[0], OCT, Decimal(50)) is None
    assert book.ask(measures[-1], OCT, Decimal(5000)) is not None


def test_grid_save_all_refuses_every_row_when_one_is_questioned(
    measure: Measure, alice: User, waste: Service
) -> None:
    other = with_history(MeasureFactory(code="WST-03", service=waste, unit="count", decimals=0))
    entries = [
        services.Entry(measure, ValueInput(actual=Decimal(500)), 0),
        services.Entry(other, ValueInput(actual=Decimal(51)), 0),
    ]
    with pytest.raises(services.EntriesRefused) as refused:
        services.values_save_all(period=OCT, entries=entries, user=alice)
    assert set(refused.value.errors) == {"WST-01"}
    assert isinstance(refused.value.errors["WST-01"], ValueQuestioned)
    assert not other.values.filter(period=OCT.code).exists()


def test_false_alarm_replay_counts_each_value_against_its_past(measure: Measure) -> None:
    ValueFactory(measure=measure, period=OCT.code, actual=Decimal(500))
    replay = questions.false_alarm_rate([measure])
    assert replay.checked == 25
    assert replay.questioned == 1
    assert replay.examples[0][:2] == ("WST-01", "2026-10")
