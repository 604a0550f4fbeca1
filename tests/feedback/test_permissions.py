"""Who may do what in customer feedback (feedback.permissions)."""

from __future__ import annotations

import pytest

from feedback import permissions
from targets.models import Service, ServicePlan, User
from targets.permissions import can_add_action_to_plan

pytestmark = pytest.mark.django_db


def test_complaints_are_seen_by_staff_and_imported_by_the_performance_team(
    alice: User, hannah: User, pat: User, sam: User, carol: User
) -> None:
    assert permissions.can_view_complaints(alice) and permissions.can_view_complaints(carol)
    assert not permissions.can_view_complaints(sam)
    assert permissions.can_import_complaints(pat) and not permissions.can_import_complaints(hannah)


def test_the_panel_is_the_performance_teams(pat: User, hannah: User) -> None:
    assert permissions.can_manage_panel(pat) and not permissions.can_manage_panel(hannah)


def test_rounds_are_recorded_by_managers_and_owners(
    alice: User, bob: User, hannah: User, waste: Service
) -> None:
    assert permissions.can_record_feedback(hannah, waste)
    assert not permissions.can_record_feedback(alice, waste)
    assert permissions.can_record_feedback(alice, waste, owner_id=alice.pk)
    assert not permissions.can_record_feedback(bob, waste, owner_id=alice.pk)


def test_a_signed_off_plan_takes_actions_from_its_head_or_the_performance_team(
    alice: User, hannah: User, pat: User, waste: Service
) -> None:
    plan = ServicePlan.objects.create(service=waste, year=2026)
    assert can_add_action_to_plan(alice, plan)
    plan.status = ServicePlan.Status.SIGNED_OFF
    assert not can_add_action_to_plan(alice, plan)
    assert can_add_action_to_plan(hannah, plan)
    assert can_add_action_to_plan(pat, plan)
