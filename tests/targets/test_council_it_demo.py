"""The demo's part of issue 20 (`targets/demo/council_it.py`): an Entra-style group mapping,
demo addresses, a few switched-off kinds and today's notices; safe to load again."""

from __future__ import annotations

import io
import uuid

import pytest

from targets.demo import council_it
from targets.models import GroupRoleMapping, Notice, NotificationPreference, Service, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_demo_maps_groups_gives_addresses_and_raises_notices(
    waste: Service, hannah: User
) -> None:
    UserFactory(username="performance", corporate_role="performance")
    UserFactory(username="waste-head")
    outsider = UserFactory(username="someone-real")
    out = io.StringIO()

    first = council_it.load(stdout=out)

    labels = set(GroupRoleMapping.objects.values_list("label", flat=True))
    assert "GG-Goldthread-Performance-Team" in labels
    assert "GG-Goldthread-Waste-Officers" in labels
    mapping = GroupRoleMapping.objects.get(label="GG-Goldthread-Waste-Officers")
    assert uuid.UUID(mapping.group).version == 5  # an object ID, as Entra ID sends it
    assert (mapping.service, mapping.service_role) == (waste, "updater")
    assert User.objects.get(username="performance").email == "performance@goldthread-demo.example"
    assert User.objects.get(pk=outsider.pk).email == ""  # not a demo login: left alone
    assert set(NotificationPreference.objects.values_list("user__username", "kind")) == {
        ("performance", "procedure_escalated"),
        ("waste-head", "action_due_soon"),
    }
    assert first["notices"] == Notice.objects.count() > 0  # waste has no feedback: its head is told
    assert "Council IT:" in out.getvalue()

    again = council_it.load(stdout=io.StringIO())

    assert again == {"mappings": 0, "notices": 0}
