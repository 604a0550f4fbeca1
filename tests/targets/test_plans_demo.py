"""The demo council's plans, actions and planning calendar."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine

from targets.demo.builder import load_demo
from targets.models import Action, PlanningMilestone, Priority, ServicePlan, User
from targets.plans.thread import person_thread, priority_thread
from tests.conftest import module_world

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 26)


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with (
        module_world(django_db_blocker),
        time_machine.travel(datetime(2026, 11, 26, 12, tzinfo=UTC), tick=False),
    ):
        load_demo(today=TODAY)
        yield


def test_every_service_has_last_and_this_years_plan() -> None:
    plans = ServicePlan.objects.select_related("service")
    assert {p.year for p in plans} == {2025, 2026}
    assert plans.filter(year=2026).count() == plans.filter(year=2025).count() == 15
    drafts = [p.service.code for p in plans.filter(status=ServicePlan.Status.DRAFT)]
    assert drafts == ["planning"]  # this year's, not yet signed off
    for plan in plans:
        measures = list(plan.measures.all())
        assert 0 < len(measures) <= ServicePlan.MAX_TARGETS
        assert all(m.service_id == plan.service_id for m in measures)
    this_year = plans.filter(year=2026, status=ServicePlan.Status.SIGNED_OFF)
    assert all(p.copied_from and p.copied_from.year == 2025 for p in this_year)
    assert all(p.signed_off_at.month == 3 and p.signed_off_at.year == 2026 for p in this_year)


def test_objectives_cover_the_five_priorities_and_actions_have_owners() -> None:
    numbers = set(Action.objects.filter(objective__plan__year=2026).values_list(
        "objective__priority__number", flat=True
    ))  # fmt: skip
    assert numbers == {1, 2, 3, 4, 5}
    actions = Action.objects.filter(objective__plan__year=2026)
    assert not actions.filter(owner__isnull=True).exists()
    assert actions.filter(is_appraisal_target=True).count() >= 30
    assert 0 < actions.overdue(TODAY).count() < actions.count() // 4
    # Three actions from elsewhere wait to join a plan (audits' actions never do).
    loose = Action.objects.filter(objective__isnull=True).exclude(source=Action.Source.DATA_QUALITY)
    assert loose.count() == 3


def test_this_years_calendar_has_one_overdue_milestone() -> None:
    milestones = PlanningMilestone.objects.filter(year=2026)
    assert milestones.count() == 10
    overdue = [m.title for m in milestones if m.is_overdue(TODAY)]
    assert overdue == ["Medium-term financial strategy refreshed"]


def test_loading_again_adds_nothing() -> None:
    before = (ServicePlan.objects.count(), Action.objects.count())
    result = load_demo(today=TODAY)
    assert (ServicePlan.objects.count(), Action.objects.count()) == before
    assert not result.created.get("actions") and not result.created.get("service plans")


def test_the_demo_thread_agrees_both_ways() -> None:
    down = set().union(*(priority_thread(p, 2026).links for p in Priority.objects.all()))
    up = set().union(*(person_thread(u, 2026).links for u in User.objects.all()))
    assert up == down and len(up) == 60
