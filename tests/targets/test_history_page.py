"""The change history page (/measures/CODE/history/): field labels and people's names, never
raw field names or ids."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from targets.models import ChangeRecord, Measure, Service, User
from tests.conftest import client_for
from tests.factories import MeasureFactory, TargetFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(datetime(2026, 11, 26, 12, tzinfo=UTC), tick=False)


@pytest.fixture
def measure(waste: Service) -> Measure:
    measure = MeasureFactory(code="WST-01", title="Bins collected on time", service=waste)
    TargetFactory(measure=measure, year=2026, value=Decimal("50"))
    return measure


def _changes(user: User) -> dict[str, list[str]]:
    """The history's rows: the 'What' cell → the lines of its 'Changes' cell."""
    page = BeautifulSoup(
        client_for(user).get(reverse("measure_history", args=["WST-01"])).content, "html.parser"
    )
    rows = {}
    for tr in page.select("tbody tr"):
        cells = tr.find_all(["th", "td"])
        what = cells[2].get_text(" ", strip=True).split(" (")[0]
        rows[what] = [" ".join(li.get_text().split()) for li in cells[4].select("li")]
    return rows


def test_a_value_entered_in_the_form_shows_labels_and_words(
    alice: User, carol: User, measure: Measure
) -> None:
    url = reverse("value_edit", args=[measure.code]) + "?period=2026-10"
    payload = {"version": 0, "actual": "55", "commentary": "As expected.", "dq_flag": "estimated"}
    client_for(alice).post(url, {**payload, "action": "submit"})
    [lines] = _changes(carol).values()
    assert "Data quality: (empty) → Estimated" in lines
    assert "Status: (empty) → Submitted" in lines
    assert "Actual: (empty) → 55" in lines
    assert not any(re.search(r"dq_flag|\bstatus\b:", line) for line in lines)


def test_people_are_named_never_numbered(carol: User, measure: Measure, pat: User) -> None:
    pat.first_name, pat.last_name = "Priya", "Anand"
    pat.save()
    gone = UserFactory(username="gone")
    gone_id = gone.pk
    gone.delete()
    ChangeRecord.objects.create(
        user=pat,
        action=ChangeRecord.Action.UPDATE,
        source=ChangeRecord.Source.FORM,
        object_type="dq_audit",
        measure=measure,
        measure_code=measure.code,
        period="2026-10",
        changes={
            "auditor": [None, str(pat.pk)],
            "status": ["proposed", "done"],
            "sample_from": [None, "2026-04"],
            "completed_on": [None, "2026-11-02"],
        },
    )
    ChangeRecord.objects.create(
        user=None,
        action=ChangeRecord.Action.UPDATE,
        source=ChangeRecord.Source.ADMIN,
        object_type="measure",
        measure=measure,
        measure_code=measure.code,
        changes={"updater": [str(gone_id), str(pat.pk)], "is_public": ["False", "True"]},
    )
    rows = _changes(carol)
    # In the model's order of fields, whatever order the database keeps the changes in.
    assert rows["Changed data-quality audit"] == [
        "Status: Proposed → Done",
        "Auditor: (empty) → Priya Anand",
        "First period sampled: (empty) → Apr 2026",
        "Completed on: (empty) → 2 Nov 2026",
    ]
    assert rows["Changed measure"] == [
        "Updater: (no longer on record: updater) → Priya Anand",
        "Public: No → Yes",
    ]
    text = " ".join(line for lines in rows.values() for line in lines)
    assert str(pat.pk) not in re.sub(r"(\d+ )?\w{3} \d{4}", "", text)


def test_naming_people_costs_one_query_however_many_records(
    carol: User, measure: Measure, pat: User, django_assert_max_num_queries: Any
) -> None:
    def add(n: int) -> None:
        for _ in range(n):
            person = UserFactory()
            ChangeRecord.objects.create(
                user=pat,
                action=ChangeRecord.Action.UPDATE,
                source=ChangeRecord.Source.FORM,
                object_type="dq_audit",
                measure=measure,
                measure_code=measure.code,
                changes={"auditor": [None, str(person.pk)]},
            )

    client = client_for(carol)
    add(2)
    client.get(reverse("measure_history", args=["WST-01"]))
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("measure_history", args=["WST-01"]))
    add(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("measure_history", args=["WST-01"]))
