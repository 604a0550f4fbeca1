"""An audit's actions go through the one Action service: cancelling one, on the audit's page or
through the API, never stores a completion date (a cancelled action was never completed, as the
plans' rules say); a completion date given with a cancellation is refused with the reason."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from rest_framework.test import APIClient

from targets.models import Action, ChangeRecord, DataQualityAudit, Measure, Service, User
from tests.conftest import client_for
from tests.factories import MeasureFactory
from tests.targets.quality_data import action, done_audit

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 26)


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(datetime(2026, 11, 26, 12, tzinfo=UTC), tick=False)


@pytest.fixture
def bins(waste: Service, alice: User) -> Measure:
    return MeasureFactory(code="WST-01", service=waste, updater=alice)


@pytest.fixture
def found(bins: Measure, alice: User) -> tuple[DataQualityAudit, Action]:
    fix = action(bins, owner=alice)
    return done_audit(bins, "2026-10", result="fail", actions=[fix]), fix


def api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_cancelling_on_the_audits_page_stores_no_completion_date(
    found: tuple[DataQualityAudit, Action], alice: User
) -> None:
    audit_row, fix = found
    client = client_for(alice)
    page = reverse("dq_action_update", args=[fix.pk])
    client.post(page, {f"a{fix.pk}-status": "done"})
    fix.refresh_from_db()
    assert (fix.status, fix.completed_on) == ("done", TODAY)
    response = client.post(page, {f"a{fix.pk}-status": "cancelled", f"a{fix.pk}-progress": "Moot"})
    assert response["Location"] == audit_row.get_absolute_url()
    fix.refresh_from_db()
    assert (fix.status, fix.completed_on, fix.progress) == ("cancelled", None, "Moot")
    entry = ChangeRecord.objects.filter(object_type="action", object_id=fix.pk).first()
    assert entry is not None and entry.measure_code == "WST-01" and entry.period == "2026-10"
    assert entry.changes["completed_on"] == [TODAY.isoformat(), None]
    shown = BeautifulSoup(client.get(response["Location"]).content, "html.parser")
    assert "Action updated" in shown.get_text()


def test_the_api_refuses_a_completion_date_for_a_cancelled_action(
    found: tuple[DataQualityAudit, Action], alice: User
) -> None:
    audit_row, fix = found
    path = f"/api/v1/dq-audits/{audit_row.pk}/actions/{fix.pk}/"
    refused = api(alice).post(
        path, {"status": "cancelled", "completed_on": "2026-11-20"}, format="json"
    )
    assert refused.status_code == 400
    assert refused.json() == {
        "completed_on": [
            "Only a done action has a completion date: clear the date or mark it done."
        ]
    }
    fix.refresh_from_db()
    assert (fix.status, fix.completed_on) == ("not_started", None)
    cancelled = api(alice).post(path, {"status": "cancelled", "progress": "Moot"}, format="json")
    assert cancelled.status_code == 200
    assert (cancelled.json()["status"], cancelled.json()["completed_on"]) == ("cancelled", None)
    done = api(alice).post(path, {"status": "done", "completed_on": "2026-11-20"}, format="json")
    assert (done.json()["status"], done.json()["completed_on"]) == ("done", "2026-11-20")
    sources = set(
        ChangeRecord.objects.filter(object_type="action", object_id=fix.pk).values_list(
            "source", flat=True
        )
    )
    assert sources == {"api"}


def test_only_those_who_may_report_progress_use_the_api(
    found: tuple[DataQualityAudit, Action], bob: User, sam: User, dora: User
) -> None:
    audit_row, fix = found
    path = f"/api/v1/dq-audits/{audit_row.pk}/actions/{fix.pk}/"
    assert api(bob).post(path, {"status": "done"}, format="json").status_code == 403
    assert api(sam).post(path, {"status": "done"}, format="json").status_code == 404
    assert api(dora).post(path, {"status": "in_progress"}, format="json").status_code == 200


def test_an_action_of_another_audit_is_not_found(
    found: tuple[DataQualityAudit, Action], bins: Measure, pat: User
) -> None:
    audit_row, _ = found
    other = action(bins)
    path = f"/api/v1/dq-audits/{audit_row.pk}/actions/{other.pk}/"
    assert api(pat).post(path, {"status": "done"}, format="json").status_code == 404
