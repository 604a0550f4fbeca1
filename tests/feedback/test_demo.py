"""The demo council's feedback: every service has arrangements, the panel its surveys, the CRM
file ~1,500 rows imported through the real import, and the derived measures have values."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from feedback.compliance import panel_compliance
from feedback.models import Arrangement, Complaint, DerivedMeasure, MysteryShop, PanelSurvey
from targets import periods
from targets.models import Action, Service, Value, ValueStatus

pytestmark = pytest.mark.django_db


def test_the_demo_loads_feedback_for_every_service() -> None:
    call_command("load_demo", stdout=io.StringIO())
    services = Service.objects.filter(is_active=True)
    assert set(services.values_list("pk", flat=True)) == set(
        Arrangement.objects.values_list("service", flat=True)
    )
    for service in services.filter(is_support=True):
        assert Arrangement.objects.filter(service=service, kind="internal_survey").exists()
    today = timezone.localdate()
    this_year = periods.financial_year_of(today)
    assert panel_compliance(this_year - 1, today).count == 3
    assert panel_compliance(this_year, today).count <= 2
    assert PanelSurvey.objects.filter(results__service__isnull=False).exists()
    assert 1300 <= Complaint.objects.count() <= 1700
    assert Complaint.objects.filter(stage="2").exists()
    assert Complaint.objects.filter(stage="ombudsman").exists()
    assert MysteryShop.objects.filter(actions__isnull=False).exists()
    assert Action.objects.filter(source="feedback").exists()
    links = DerivedMeasure.objects.select_related("measure")
    assert {link.measure.title for link in links} == {
        "Number of complaints received",
        "% of complaints answered on time",
    }
    values = Value.objects.filter(measure__derivation__isnull=False)
    assert values.filter(status=ValueStatus.DRAFT).count() == 2  # the latest month of each
    assert values.filter(status=ValueStatus.PUBLISHED).count() == 2 * 23
    assert all(v.commentary.startswith("Computed from the complaints import") for v in values)
