"""Where signing in leads: officers, heads of service and data-quality champions to My work,
everyone else to the dashboard; an explicit ?next= wins."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from targets.models import User

pytestmark = pytest.mark.django_db
PASSWORD = "A-long-passphrase-9"


def _sign_in(user: User, next_url: str = "") -> str:
    user.set_password(PASSWORD)
    user.save()
    url = f"/login/?next={next_url}" if next_url else "/login/"
    response = Client().post(url, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return str(response["Location"])


@pytest.mark.parametrize("persona", ["alice", "hannah", "dora"])
def test_it_lands_service_people_on_my_work(persona: str, request: pytest.FixtureRequest) -> None:
    assert _sign_in(request.getfixturevalue(persona)) == "/my/"


@pytest.mark.parametrize("persona", ["pat", "carol", "sam"])
def test_it_lands_everyone_else_on_the_dashboard(
    persona: str, request: pytest.FixtureRequest
) -> None:
    assert _sign_in(request.getfixturevalue(persona)) == "/"


def test_it_lands_someone_without_a_role_on_the_dashboard() -> None:
    assert _sign_in(User.objects.create(username="nora")) == "/"


def test_it_respects_an_explicit_next(alice: User) -> None:
    assert _sign_in(alice, "/reports/") == "/reports/"


def test_it_never_follows_a_next_off_the_site(alice: User) -> None:
    assert _sign_in(alice, "https://evil.example/") == "/my/"


def test_my_work_title_is_plain_text(hannah: User) -> None:
    client = Client()
    client.force_login(hannah)
    page = BeautifulSoup(client.get("/my/").content, "html.parser")
    title = page.title.get_text() if page.title else ""
    assert title.startswith("My work – ")
    assert "<" not in title and "section" not in title
