"""A test on a transactional database leaves the database as the migrations left it: the seeded
report schedules, content types and permissions back, with their ids; nothing else."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType

from reporting.models import ReportSchedule
from targets.models import Service
from tests import conftest

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_transactional_test_changes_what_the_migrations_left() -> None:
    assert ReportSchedule.objects.exists()
    ReportSchedule.objects.all().delete()
    Permission.objects.filter(codename__startswith="view_").delete()
    Service.objects.create(code="waste", name="Waste and Recycling")


def test_the_next_finds_the_migrated_rows_again_and_nothing_else() -> None:
    assert conftest._rows_of_every_table() == conftest._MIGRATED_ROWS
    assert {m.__name__ for m, _ in conftest._MIGRATED_ROWS} >= {
        "ContentType",
        "Permission",
        "ReportSchedule",
    }
    assert not Service.objects.exists()
    migrated_types = dict(conftest._MIGRATED_ROWS)[ContentType]
    service_type = ContentType.objects.get_for_model(Service)
    assert {"id": service_type.pk, "app_label": "targets", "model": "service"} in migrated_types
