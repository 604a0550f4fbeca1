"""The planning calendar: the standard cycle, marking milestones done, the panel on My work."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from io import StringIO

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core.management import CommandError, call_command

from targets.models import ChangeRecord, PlanningMilestone, User
from targets.plans.cycle import milestones_generate
from tests.conftest import client_for
from tests.factories import ActionFactory, PlanningMilestoneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def november_2026() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 11, 26, 12, tzinfo=UTC), tick=False):
        yield


def test_the_standard_cycle_runs_september_to_march() -> None:
    added = milestones_generate(year=2026)
    dues = [m.due for m in added]
    assert min(dues) == date(2026, 9, 30) and max(dues) == date(2027, 3, 31)
    kinds = {m.kind: [] for m in added}
    for m in added:
        kinds[m.kind].append(m.due)
    for kind in ("corporate_plan", "budget", "mtfs"):
        assert all(date(2026, 9, 1) <= d <= date(2027, 2, 28) for d in kinds[kind]), kind
    assert kinds["service_plans"][-1] == date(2027, 3, 31)
    assert kinds["appraisals"] == [date(2027, 3, 31)]
    assert "2027/28" in next(m for m in added if m.kind == "service_plans").description
    assert milestones_generate(year=2026) == []  # idempotent
    assert PlanningMilestone.objects.count() == len(added) == 10


def test_the_command_adds_the_calendar_of_a_year() -> None:
    out = StringIO()
    call_command("planning_calendar", "2027/28", stdout=out)
    assert "10 milestones added to the 2027/28 planning calendar (preparing 2028/29)" in (
        out.getvalue()
    )
    call_command("planning_calendar", stdout=StringIO())
    assert set(PlanningMilestone.objects.values_list("year", flat=True)) == {2026, 2027}
    with pytest.raises(CommandError, match="not a financial year"):
        call_command("planning_calendar", "next year")


def test_performance_team_sees_overdue_milestones_on_my_work(pat: User, alice: User) -> None:
    milestones_generate(year=2026)
    page = BeautifulSoup(client_for(pat).get("/my/").content, "html.parser")
    panel = page.select_one("[aria-labelledby=cycle-title]")
    overdue = panel.select("table")[0].get_text(" ", strip=True)
    assert "Corporate plan review starts" in overdue and "Overdue" in overdue
    assert "Medium-term financial strategy refreshed" in overdue
    coming = panel.select("table")[1].get_text(" ", strip=True)
    assert "Budget proposals published for consultation" in coming
    alice_page = BeautifulSoup(client_for(alice).get("/my/").content, "html.parser")
    assert alice_page.select_one("[aria-labelledby=cycle-title]") is None


def test_performance_team_marks_a_milestone_done(pat: User, hannah: User) -> None:
    milestone = PlanningMilestoneFactory(due=date(2026, 10, 31))
    assert client_for(hannah).post(f"/planning/{milestone.pk}/done/").status_code == 403
    response = client_for(pat).post(f"/planning/{milestone.pk}/done/", {"back": "my"})
    assert response["Location"] == "/my/"
    milestone.refresh_from_db()
    assert (milestone.done_on, milestone.done_by) == (date(2026, 11, 26), pat)
    assert ChangeRecord.objects.get(object_type="planningmilestone").user == pat
    again = client_for(pat).post(f"/planning/{milestone.pk}/done/", follow=True)
    assert "already marked done" in again.content.decode()


def test_a_milestone_cannot_be_done_in_the_future(pat: User) -> None:
    milestone = PlanningMilestoneFactory()
    response = client_for(pat).post(
        f"/planning/{milestone.pk}/done/", {"done_on": "2026-12-25"}, follow=True
    )
    assert "cannot be done on a future date" in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.done_on is None


def test_the_calendar_page_and_its_generate_button(pat: User, carol: User) -> None:
    response = client_for(pat).post("/planning/generate/", {"year": "2026"})
    assert response["Location"] == "/planning/?year=2026"
    page = BeautifulSoup(client_for(carol).get("/planning/").content, "html.parser")
    assert len(page.select("tbody tr")) == 10
    assert page.find("button", string="Mark done") is None  # CMT reads it
    assert client_for(carol).post("/planning/generate/", {"year": "2026"}).status_code == 403


def test_my_work_lists_the_actions_i_own(alice: User) -> None:
    ActionFactory(owner=alice, title="Food waste trial", due=date(2026, 10, 1))
    ActionFactory(owner=alice, title="Finished", status="done", completed_on=date(2026, 9, 1))
    page = BeautifulSoup(client_for(alice).get("/my/").content, "html.parser")
    section = page.select_one("[aria-labelledby=my-actions-title]").get_text(" ", strip=True)
    assert "Food waste trial" in section and "Overdue" in section
    assert "Finished" not in section
