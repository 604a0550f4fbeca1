"""Sessions and sign-in (issue 10, item 5): a new session key at sign-in, nothing left after
sign-out, idle and absolute timeouts, secure cookies, and sign-in throttled after failures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from importlib import import_module
from typing import Any

import pytest
from axes.models import AccessAttempt
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.auth import authenticate
from django.test import Client, RequestFactory
from django.urls import reverse
from rest_framework.authtoken.models import Token

from config.security import client_ip
from targets.models import User
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db]
PASSWORD = "correct horse battery staple"
START = datetime(2026, 11, 26, 9, tzinfo=UTC)


@pytest.fixture
def walter() -> User:
    user = UserFactory(username="walter")
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def clock(time_machine: Any) -> Any:
    time_machine.move_to(START, tick=False)
    return time_machine


def sign_in(
    client: Client, username: str = "walter", password: str = PASSWORD, **extra: Any
) -> Any:
    return client.post(
        reverse("login"), {"username": username, "password": password}, secure=True, **extra
    )


def store(session_key: str) -> Any:
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key)


def signed_in(client: Client) -> bool:
    response = client.get(reverse("home"), secure=True)
    return response.status_code == 200


# --- Session key, sign-out, cookies ---------------------------------------------------------------


def test_signing_in_gives_a_new_session_key(walter: User) -> None:
    client = Client()
    anonymous = client.session
    anonymous["seen_the_banner"] = True
    anonymous.save()
    before = anonymous.session_key
    client.cookies[settings.SESSION_COOKIE_NAME] = before

    response = sign_in(client)

    assert response.status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after and after != before
    assert not store(before).exists(before), "the pre-sign-in session must be gone"
    assert signed_in(client)


def test_signing_out_kills_the_session_for_good(walter: User) -> None:
    client = Client()
    sign_in(client)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert signed_in(client)

    response = client.post(reverse("logout"), secure=True)

    assert response.status_code == 302
    assert not store(key).exists(key)
    # Someone who kept a copy of the old cookie gets nothing with it.
    stolen = Client()
    stolen.cookies[settings.SESSION_COOKIE_NAME] = key
    replay = stolen.get(reverse("home"), secure=True)
    assert replay.status_code == 302 and replay["Location"].startswith(reverse("login"))


def test_session_and_csrf_cookies_are_secure_httponly_and_same_site(walter: User) -> None:
    client = Client()
    page = client.get(reverse("login"), secure=True)
    csrf = page.cookies[settings.CSRF_COOKIE_NAME]
    response = sign_in(client)
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    for cookie in (session, csrf):
        assert cookie["secure"] is True
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"
    # The cookie outlives the idle timeout by the renewal interval only; the server decides.
    assert int(session["max-age"]) == settings.SESSION_IDLE_TIMEOUT + 60


# --- Timeouts -------------------------------------------------------------------------------------


def test_idle_session_ends_after_thirty_minutes(walter: User, clock: Any) -> None:
    assert settings.SESSION_IDLE_TIMEOUT == 30 * 60
    client = Client()
    sign_in(client)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    clock.move_to(START + timedelta(minutes=30, seconds=1), tick=False)

    response = client.get(reverse("home"), secure=True)

    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not store(key).exists(key)
    login = client.get(response["Location"], secure=True)
    message = BeautifulSoup(login.content, "html.parser").select_one(".messages")
    assert message and "signed out after 30 minutes without activity" in message.get_text()


def test_activity_keeps_a_session_alive(walter: User, clock: Any) -> None:
    client = Client()
    sign_in(client)
    for minutes in range(20, 200, 20):  # a request every 20 minutes for three hours
        clock.move_to(START + timedelta(minutes=minutes), tick=False)
        assert signed_in(client), f"signed out after {minutes} minutes of activity"


def test_a_busy_session_still_ends_at_its_absolute_lifetime(walter: User, clock: Any) -> None:
    client = Client()
    sign_in(client)
    minutes = 0
    while minutes < settings.SESSION_ABSOLUTE_TIMEOUT // 60 - 20:
        minutes += 20
        clock.move_to(START + timedelta(minutes=minutes), tick=False)
        assert signed_in(client)
    clock.move_to(START + timedelta(seconds=settings.SESSION_ABSOLUTE_TIMEOUT + 1), tick=False)
    assert not signed_in(client)


def test_a_page_within_the_minute_writes_no_session(walter: User, clock: Any) -> None:
    """The last-seen time is renewed at most once a minute: a busy page costs no session write."""
    client = Client()
    sign_in(client)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    expiry = store(key).get_expiry_date()
    clock.move_to(START + timedelta(seconds=30), tick=False)
    response = client.get(reverse("home"), secure=True)
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    clock.move_to(START + timedelta(seconds=90), tick=False)
    response = client.get(reverse("home"), secure=True)
    assert settings.SESSION_COOKIE_NAME in response.cookies
    assert store(key).get_expiry_date() > expiry


# --- Sign-in throttling (django-axes) -------------------------------------------------------------


def test_five_failures_lock_the_username_from_that_address(walter: User, clock: Any) -> None:
    client = Client()
    for attempt in range(1, 5):
        response = sign_in(client, password=f"wrong-{attempt}")
        assert response.status_code == 200, attempt
        assert "Please enter a correct username and password" in response.content.decode()
    locked = sign_in(client, password="wrong-5")
    assert locked.status_code == 429
    # Now even the right password is refused until the cool-off ends.
    again = sign_in(client)
    assert again.status_code == 429
    assert int(again["Retry-After"]) == 15 * 60
    soup = BeautifulSoup(again.content, "html.parser")
    assert soup.h1.get_text(strip=True) == "Too many sign-in attempts"
    alert = soup.select_one("[role=alert]").get_text(" ", strip=True)
    assert "5 unsuccessful attempts" in alert and "15 minutes" in alert
    assert "Traceback" not in again.content.decode()
    assert not signed_in(client)


def test_lockout_ends_after_the_cool_off(walter: User, clock: Any) -> None:
    client = Client()
    for attempt in range(5):
        sign_in(client, password=f"wrong-{attempt}")
    assert sign_in(client).status_code == 429
    clock.move_to(START + timedelta(minutes=16), tick=False)
    response = sign_in(client)
    assert response.status_code == 302
    assert signed_in(client)


def test_lockout_is_per_username_and_address(walter: User, clock: Any) -> None:
    UserFactory(username="xena").set_password(PASSWORD)
    for attempt in range(5):
        sign_in(Client(), password=f"wrong-{attempt}")
    assert sign_in(Client()).status_code == 429
    # The same person from another address, and another person from this one, are not locked.
    assert sign_in(Client(), REMOTE_ADDR="192.0.2.44").status_code == 302
    xena = User.objects.get(username="xena")
    xena.set_password(PASSWORD)
    xena.save()
    assert sign_in(Client(), username="xena").status_code == 302


def test_a_successful_sign_in_resets_the_failures(walter: User, clock: Any) -> None:
    client = Client()
    for attempt in range(4):
        sign_in(client, password=f"wrong-{attempt}")
    assert sign_in(client).status_code == 302
    assert not AccessAttempt.objects.filter(username="walter").exists()
    for attempt in range(4):
        sign_in(Client(), password=f"wrong-again-{attempt}")
    assert sign_in(Client()).status_code == 302


def test_admin_sign_in_is_throttled_too(walter: User, clock: Any) -> None:
    walter.is_staff = True
    walter.save()
    client = Client()
    url = reverse("admin:login")
    for attempt in range(5):
        client.post(url, {"username": "walter", "password": f"x{attempt}"}, secure=True)
    response = client.post(url, {"username": "walter", "password": PASSWORD}, secure=True)
    assert response.status_code == 429


def test_the_other_ways_in_still_work(walter: User) -> None:
    # The admin's own sign-in form.
    walter.is_staff = True
    walter.save()
    admin = Client()
    response = admin.post(
        reverse("admin:login"), {"username": "walter", "password": PASSWORD}, secure=True
    )
    assert response.status_code == 302
    assert admin.get(reverse("admin:index"), secure=True).status_code in {200, 403}
    # An API token.
    token = Token.objects.create(user=walter)
    api = Client().get(
        reverse("measure-list") + "?format=json",
        HTTP_AUTHORIZATION=f"Token {token.key}",
        secure=True,
    )
    assert api.status_code == 200
    # Callers without a request (the test client's login, the shell, commands).
    assert Client().login(username="walter", password=PASSWORD)
    assert authenticate(username="walter", password=PASSWORD) == walter
    assert authenticate(username="walter", password="wrong") is None


def test_throttling_can_be_switched_off(walter: User, settings: Any) -> None:
    settings.AXES_ENABLED = False
    client = Client()
    for attempt in range(8):
        sign_in(client, password=f"wrong-{attempt}")
    assert sign_in(client).status_code == 302


def test_client_address_behind_trusted_proxies(settings: Any) -> None:
    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.5", "no proxy trusted: the header is ignored"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.9", "the address our proxy saw, not the spoofed one"
    settings.TRUSTED_PROXY_COUNT = 3
    assert client_ip(request) == "10.0.0.5", "fewer hops than proxies: fall back"
