"""Issue 17, point 2: elected members and their access. The demo's `member` receives the
all-members pack, reads the improvement programme (signed-off plans and their actions, reviews,
value for money, the OIM ranking: never a draft) and meets no 403 on any page it can reach."""

from __future__ import annotations

import io
from collections import deque
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.test import Client

from reporting.models import ReportSchedule
from targets import permissions
from targets.models import Action, CorporateRole, Objective, ServicePlan, User
from tests.conftest import client_for
from tests.factories import PriorityFactory, ServiceFactory

pytestmark = pytest.mark.django_db

# Pages a crawl does not follow: signing out, the API's schema and docs, static files;
# downloads and the API's JSON are fetched but not parsed.
SKIP_PREFIXES = ("/logout/", "/api/schema/", "/api/docs/", "/admin/", "/static/", "/media/")
LIMIT = 260


def crawl(client: Client, start: str = "/") -> dict[str, int]:
    """GET every internal page reachable by links from `start` (one query string variant per
    path), returning each path's status."""
    seen: dict[str, int] = {}
    queue = deque([start])
    paths: set[str] = set()
    while queue and len(seen) < LIMIT:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        page = BeautifulSoup(response.content, "html.parser")
        for link in page.select("a[href]"):
            href = urldefrag(link["href"])[0]
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            if parts.path.startswith(SKIP_PREFIXES) or parts.path in paths:
                continue
            paths.add(parts.path)
            queue.append(href)
    return seen


def test_the_demo_member_meets_no_403_on_any_page_it_can_reach() -> None:
    call_command("load_demo", stdout=io.StringIO())
    member = User.objects.get(username="member")
    assert member.corporate_role == CorporateRole.MEMBER and member.check_password("demo")
    seen = crawl(client_for(member))
    refused = {url: status for url, status in seen.items() if status in (403, 500)}
    assert not refused, refused
    # The crawl reached the improvement programme, not only the figures.
    reached = set(seen)
    for page in ("/plans/", "/fsr/", "/oim/", "/oim/vfm/", "/reports/"):
        assert any(url.split("?")[0] == page for url in reached), page
    assert any(url.startswith("/plans/") and url.count("/") >= 4 for url in reached)
    assert any(url.startswith("/fsr/reviews/") for url in reached)


def test_a_member_receives_the_all_members_pack_only() -> None:
    member = User.objects.create_user("amira", password="x", corporate_role=CorporateRole.MEMBER)
    visible = set(ReportSchedule.objects.visible_to(member).values_list("code", flat=True))
    assert visible == {"monthly-corporate"}


@pytest.fixture
def plans() -> dict[str, ServicePlan]:
    waste = ServiceFactory(code="waste", name="Waste and Recycling")
    housing = ServiceFactory(code="housing", name="Housing")
    signed = ServicePlan.objects.create(service=waste, year=2026, status="signed_off")
    draft = ServicePlan.objects.create(service=housing, year=2026)
    priority = PriorityFactory()
    for plan, title in ((signed, "Signed-off objective"), (draft, "Draft objective")):
        objective = Objective.objects.create(plan=plan, title=title, priority=priority)
        Action.objects.create(
            service=plan.service,
            objective=objective,
            title=f"Action of the {title.lower()}",
            due=date(2027, 1, 31),
        )
    return {"signed": signed, "draft": draft}


@pytest.mark.parametrize("role", [CorporateRole.MEMBER, CorporateRole.SCRUTINY])
def test_councillors_read_signed_off_plans_and_never_a_draft(
    role: str, plans: dict[str, ServicePlan]
) -> None:
    councillor = User.objects.create_user("cllr", password="x", corporate_role=role)
    client = client_for(councillor)
    signed, draft = plans["signed"], plans["draft"]
    page = BeautifulSoup(client.get("/plans/?year=2026").content, "html.parser")
    assert page.select_one("#signed-off-only") is not None
    nav = page.select_one("nav[aria-label=Main]")
    assert nav.find("a", string="Plans") is not None
    signed_page = client.get(signed.get_absolute_url())
    assert signed_page.status_code == 200
    assert "Action of the signed-off objective" in signed_page.content.decode()
    draft_page = client.get(draft.get_absolute_url())
    assert draft_page.status_code == 200
    assert "Draft objective" not in draft_page.content.decode()
    assert "has no signed-off plan for 2026/27 yet" in draft_page.content.decode()

    action = Action.objects.get(title="Action of the signed-off objective")
    assert client.get(action.get_absolute_url()).status_code == 200
    hidden = Action.objects.get(title="Action of the draft objective")
    assert client.get(hidden.get_absolute_url()).status_code == 403

    api_plans = client.get("/api/v1/plans/").json()["results"]
    assert [p["id"] for p in api_plans] == [signed.pk]
    api_actions = client.get("/api/v1/actions/").json()["results"]
    assert [a["id"] for a in api_actions] == [action.pk]


def test_councillors_do_not_see_the_golden_thread_of_people() -> None:
    member = User.objects.create_user("amira", password="x", corporate_role=CorporateRole.MEMBER)
    assert permissions.reads_signed_off_plans(member)
    assert not permissions.sees_plans(member)
    assert not permissions.sees_internal_values(member)


@pytest.mark.parametrize("path", ["/oim/", "/oim/vfm/"])
def test_councillors_read_the_ranking_and_value_for_money_from_published_values(
    path: str, sam: User
) -> None:
    member = User.objects.create_user("amira", password="x", corporate_role=CorporateRole.MEMBER)
    for user in (member, sam):
        response = client_for(user).get(path)
        assert response.status_code == 200
        page = BeautifulSoup(response.content, "html.parser")
        assert page.select_one("#published-only") is not None
        sub = page.select_one("nav[aria-label=Improvement]")
        assert sub.find("a", string="Factors and weights") is None  # staff only: hidden


def test_staff_read_the_ranking_from_internal_values(carol: User) -> None:
    page = BeautifulSoup(client_for(carol).get("/oim/").content, "html.parser")
    assert page.select_one("#published-only") is None


def test_a_member_reads_reviews_and_their_progress(waste: Any) -> None:
    from fsr.models import Review

    found = Review.objects.create(
        service=waste,
        title="Fundamental review of waste",
        scope="All of it",
        start=date(2026, 5, 1),
        planned_end=date(2027, 1, 31),
        status=Review.Status.IN_PROGRESS,
    )
    member = User.objects.create_user("amira", password="x", corporate_role=CorporateRole.MEMBER)
    client = client_for(member)
    assert client.get(found.get_absolute_url()).status_code == 200
    assert client.get("/api/v1/reviews/").json()["results"][0]["id"] == found.pk
    assert client.get(f"/fsr/reviews/{found.pk}/edit/").status_code == 403


def test_the_ranking_for_councillors_leaves_out_values_not_yet_published(waste: Any) -> None:
    from oim.performance import service_performance
    from tests.factories import MeasureFactory, TargetFactory, ValueFactory

    published = MeasureFactory(code="WST-P", service=waste, frequency="monthly")
    submitted = MeasureFactory(code="WST-S", service=waste, frequency="monthly")
    for measure in (published, submitted):
        TargetFactory(measure=measure, year=2026, value=Decimal("50"))
    ValueFactory(measure=published, period="2026-10", actual=Decimal("60"))
    ValueFactory(measure=submitted, period="2026-10", actual=Decimal("70"), status="submitted")
    today = date(2026, 11, 20)
    staff = service_performance([waste], 2026, today)[waste.pk]
    councillors = service_performance([waste], 2026, today, internal=False)[waste.pk]
    assert (staff.rated, staff.green) == (2, 2)
    assert (councillors.rated, councillors.green) == (1, 1)
