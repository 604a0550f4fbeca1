"""The demo's benchmarking: real published data, loaded again without changing anything."""

from __future__ import annotations

from io import StringIO

import pytest

from benchmarking import demo
from benchmarking.models import (
    Authority,
    BenchmarkValue,
    ComparatorGroup,
    Exercise,
    GoodPractice,
    GroupVersion,
    Metric,
)
from targets.models import Service
from tests.factories import MeasureFactory

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    models = (
        Authority,
        ComparatorGroup,
        GroupVersion,
        Metric,
        BenchmarkValue,
        Exercise,
        GoodPractice,
    )
    return {m.__name__: m.objects.count() for m in models}


def test_the_demo_loads_real_data_and_loads_again_without_change(waste: Service) -> None:
    MeasureFactory(code="NI192", service=waste, frequency="annual")
    out = StringIO()
    demo.load(stdout=out)
    first = counts()
    assert first["Authority"] == 445
    assert first["ComparatorGroup"] == 346 + 1
    assert set(Metric.objects.values_list("code", flat=True)) == {
        "ENV18",
        "LGI-HWRC",
        "LGI-17482",
        "RO509-HEAD",
        "RO590-HEAD",
    }
    env18 = Metric.objects.get(code="ENV18")
    assert env18.measure is not None and env18.measure.code == "NI192"
    assert env18.add_own_values
    versions = GroupVersion.objects.filter(group__slug="trafford-cipfa")
    assert sorted(v.valid_from or 0 for v in versions) == [0, 2021, 2024]
    # Oxford's environmental services: £13,071.57k net ÷ 151,584 people.
    oxford = BenchmarkValue.objects.get(metric__code="RO590-HEAD", authority__code="E07000178")
    assert str(oxford.value) == "86.230000"
    assert Exercise.objects.filter(service=waste).count() == 2
    demo.load(stdout=StringIO())
    assert counts() == first
