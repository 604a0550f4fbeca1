"""The golden thread: a person's page upwards, a priority's page downwards, the HR export."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import time_machine
from bs4 import BeautifulSoup

from targets.models import Action, Priority, Service, ServicePlan, User
from tests.conftest import client_for
from tests.factories import (
    ActionFactory,
    MeasureFactory,
    ObjectiveFactory,
    PriorityFactory,
    ServicePlanFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def november_2026() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 11, 26, 12, tzinfo=UTC), tick=False):
        yield


def soup(response: object) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")  # type: ignore[attr-defined]


def links(page: BeautifulSoup) -> set[tuple[str, ...]]:
    """The (person, action, objective, priority) links a page shows, from its thread tables."""
    found = set()
    for row in page.select("table.thread-table tr[data-link]"):
        parts = tuple(row["data-link"].split("|"))
        if all(parts):  # actions outside any plan have no objective or priority
            found.add(parts)
    return found


@pytest.fixture
def council(
    waste: Service, housing: Service, alice: User, bob: User, hannah: User
) -> dict[str, object]:
    """Two services' plans for 2026/27 over three priorities, and a plan of another year."""
    housing_need = PriorityFactory(number=1, name="Meeting housing needs")
    greener = PriorityFactory(number=4, name="A cleaner greener city")
    efficient = PriorityFactory(number=5, name="An efficient and effective council")
    waste_plan = ServicePlanFactory(service=waste, year=2026)
    housing_plan = ServicePlanFactory(service=housing, year=2026)
    recycle = ObjectiveFactory(plan=waste_plan, priority=greener, title="Recycle more")
    cheaper = ObjectiveFactory(plan=waste_plan, priority=efficient, title="Cheaper rounds")
    homes = ObjectiveFactory(plan=housing_plan, priority=housing_need, title="Fewer in B&B")
    quick = ObjectiveFactory(plan=housing_plan, priority=efficient, title="Answer faster")
    made = {
        "trial": ActionFactory(objective=recycle, owner=alice, is_appraisal_target=True),
        "bins": ActionFactory(objective=recycle, owner=hannah),
        "routes": ActionFactory(objective=cheaper, owner=alice, is_appraisal_target=True),
        "hostel": ActionFactory(objective=homes, owner=bob, is_appraisal_target=True),
        "phones": ActionFactory(objective=quick, owner=alice),  # another service's, same person
        "nobody": ActionFactory(objective=quick, owner=None),
        "outside": ActionFactory(
            objective=None, service=waste, owner=alice, is_appraisal_target=True,
            due=date(2027, 1, 31), source=Action.Source.FEEDBACK,
        ),
    }  # fmt: skip
    old = ObjectiveFactory(plan=ServicePlanFactory(service=waste, year=2025), priority=greener)
    ActionFactory(objective=old, owner=alice, is_appraisal_target=True, title="Last year's")
    return {**made, "priorities": [housing_need, greener, efficient]}


def test_person_and_priority_pages_agree(
    council: dict[str, object], alice: User, bob: User, hannah: User, pat: User
) -> None:
    client = client_for(pat)
    downwards: set[tuple[str, ...]] = set()
    for priority in council["priorities"]:  # type: ignore[attr-defined]
        downwards |= links(soup(client.get(f"/priorities/{priority.number}/?year=2026")))
    upwards: set[tuple[str, ...]] = set()
    for person in (alice, bob, hannah, pat):
        upwards |= links(soup(client.get(f"/people/{person.username}/?year=2026")))
    assert upwards == downwards
    expected = {
        (a.owner.username, str(a.pk), str(a.objective.pk), str(a.objective.priority.number))
        for a in Action.objects.filter(objective__plan__year=2026, owner__isnull=False)
    }
    assert downwards == expected
    assert len(expected) == 5


def test_a_persons_page_shows_their_targets_up_to_the_priority(
    council: dict[str, object], alice: User
) -> None:
    MeasureFactory(service=alice.service_roles.get().service, code="WST-09", updater=alice)
    page = soup(client_for(alice).get("/people/alice/"))
    targets = page.select_one("[aria-labelledby=targets-title]")
    rows = [r.get_text(" ", strip=True) for r in targets.select("tbody tr")]
    assert len(rows) == 3  # trial, routes, and the feedback action outside the plan
    assert any("Recycle more" in r and "4. A cleaner greener city" in r for r in rows)
    assert any("Not in a plan" in r for r in rows)
    assert "Last year's" not in page.get_text()
    others = page.select_one("[aria-labelledby=actions-title]").get_text()
    assert "Answer faster" in others
    assert "WST-09" in page.select_one("[aria-labelledby=measures-title]").get_text()


def test_a_priority_page_shows_objectives_actions_and_people(
    council: dict[str, object], carol: User, alice: User, hannah: User
) -> None:
    MeasureFactory(code="CP04", corporate=True, priority=council["priorities"][1])  # type: ignore[index]
    page = soup(client_for(carol).get("/priorities/4/?year=2026/27"))
    text = page.get_text(" ", strip=True)
    assert "Recycle more" in text and "Cheaper rounds" not in text
    assert "2 people" in text
    owners = {a.get_text() for a in page.select("table.thread-table td a")}
    assert owners == {str(alice), str(hannah)}
    assert "CP04" in page.select_one("[aria-labelledby=measures-title]").get_text()
    listing = soup(client_for(carol).get("/priorities/?year=2026"))
    assert len(listing.select("tbody tr")) == 3


def test_who_may_see_a_persons_page(
    council: dict[str, object],
    alice: User,
    bob: User,
    hannah: User,
    dora: User,
    pat: User,
    carol: User,
    sam: User,
) -> None:
    def status(viewer: User, username: str) -> int:
        return client_for(viewer).get(f"/people/{username}/").status_code

    assert status(alice, "alice") == 200  # their own
    assert status(hannah, "alice") == 200  # her head of service
    assert status(pat, "alice") == 200 and status(carol, "alice") == 200
    assert status(bob, "alice") == 403  # another officer
    assert status(dora, "alice") == 403  # a colleague, not her head
    assert status(hannah, "bob") == 403  # another service's head
    assert status(sam, "alice") == 403
    loner = UserFactory(username="loner")
    assert status(loner, "loner") == 200  # anyone sees their own page
    assert client_for(pat).get("/people/nobody-here/").status_code == 404
    assert client_for(pat).get("/people/alice/?year=twenty").status_code == 400


def test_appraisal_targets_export_for_hr(
    council: dict[str, object], alice: User, bob: User, pat: User
) -> None:
    alice.email, alice.first_name = "alice@oxford.example", "=HYPERLINK(1)"
    alice.save()
    response = client_for(pat).get("/people/appraisal-targets.csv?year=2026")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "appraisal-targets-2026-27.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["username"] for r in rows] == ["alice", "alice", "alice", "bob"]
    assert {r["objective"] for r in rows} == {"Recycle more", "Cheaper rounds", "", "Fewer in B&B"}
    first = rows[0]
    assert first["email"] == "alice@oxford.example"
    assert first["name"].startswith("'=HYPERLINK")  # never a formula in a spreadsheet
    assert first["priority"] == "4. A cleaner greener city"
    assert first["plan_year"] == "2026/27"
    assert first["status"] == "Not started"
    assert first["due"] == "2026-09-30"


def test_only_the_performance_team_exports(
    council: dict[str, object], hannah: User, carol: User
) -> None:
    for someone in (hannah, carol):
        assert client_for(someone).get("/people/appraisal-targets.csv").status_code == 403


def test_thread_pages_take_a_fixed_number_of_queries(
    council: dict[str, object],
    pat: User,
    django_assert_max_num_queries: object,
    waste: Service,
) -> None:
    client = client_for(pat)
    client.get("/priorities/5/")  # warm the session
    plan = ServicePlan.objects.get(service=waste, year=2026)
    for n in range(10):
        ActionFactory(objective=plan.objectives.last(), owner=UserFactory(username=f"p{n}"))
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        assert client.get("/priorities/5/").status_code == 200
    with django_assert_max_num_queries(14):  # type: ignore[operator]
        assert client.get("/people/alice/").status_code == 200
    with django_assert_max_num_queries(16):  # type: ignore[operator]
        assert client.get("/plans/waste/2026/").status_code == 200


def test_priorities_need_an_internal_user(council: dict[str, object], sam: User) -> None:
    assert client_for(sam).get("/priorities/4/").status_code == 403
    assert client_for(sam).get("/priorities/").status_code == 403


def test_thread_of_unknown_priority_is_404(pat: User, priority: Priority) -> None:
    assert client_for(pat).get("/priorities/9/").status_code == 404
