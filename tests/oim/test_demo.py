"""The OIM demo: loads again without change and never over-commits a spend-to-save budget."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from oim import demo
from oim.models import (
    Accreditation,
    Factor,
    FactorAssessment,
    Idea,
    KeyProcess,
    ServiceBudget,
    ServiceCostMetric,
    SpendToSaveBudget,
)
from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db
MODELS = (
    Factor,
    FactorAssessment,
    Idea,
    KeyProcess,
    Accreditation,
    ServiceBudget,
    ServiceCostMetric,
)


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in MODELS}


def test_the_demo_loads_and_loads_again_without_change() -> None:
    for code in ("waste", "housing", "customer-services", "legal"):
        ServiceFactory(code=code)
    real = Path(settings.BASE_DIR) / "data" / "real"
    call_command("import_authorities", str(real / "uk_local_authorities.csv"), stdout=StringIO())
    demo.load(stdout=StringIO())
    first = counts()
    assert first["Idea"] == len(demo.IDEA_TITLES)
    assert first["Factor"] == len(demo.FACTORS)
    assert first["ServiceBudget"] == 8 and first["ServiceCostMetric"] == 4
    demo.load(stdout=StringIO())
    assert counts() == first
    for fund in SpendToSaveBudget.objects.all():
        committed = Idea.objects.committed_in(fund.year)
        assert committed <= fund.amount
    assert sum(Idea.objects.committed_in(f.year) for f in SpendToSaveBudget.objects.all()) > 0
