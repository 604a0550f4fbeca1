"""Single sign-on, end to end, against a real OpenID Connect provider started by the tests
(`tests/oidc_provider.py`: authlib's server, its own keys, discovery, JWKS, authorisation and
token endpoints). Goldthread's side is driven with Django's test client; the browser's side at
the provider with `requests`, as a browser would follow the redirects.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from targets.models import (
    ChangeRecord,
    CorporateRole,
    GroupRoleMapping,
    Service,
    ServiceRole,
    SsoIdentity,
    User,
)
from targets.sso import client as sso_client
from tests import oidc_provider as op
from tests.factories import MeasureFactory, UserFactory

pytestmark = pytest.mark.django_db

CALLBACK = "http://testserver/sso/callback/"
CLIENT_ID, SECRET = "goldthread", "a-long-client-secret-for-tests"
PERFORMANCE, CMT = "6f1c1a52-perf", "0b7d2e90-cmt"
WASTE_OFFICERS, WASTE_HEADS, HOUSING_OFFICERS = (
    "grp-waste-officers",
    "grp-waste-head",
    "grp-housing",
)


@pytest.fixture(scope="module")
def provider() -> Iterator[op.Provider]:
    started = op.Provider(CLIENT_ID, SECRET, [CALLBACK]).start()
    started.add(
        op.Account(
            "a.jones", "pw-alice", "Alice", "Jones", "alice@oxford.example", [WASTE_OFFICERS]
        )
    )
    started.add(op.Account("p.team", "pw-pat", "Pat", "Team", "pat@oxford.example", [PERFORMANCE]))
    started.add(
        op.Account(
            "h.head",
            "pw-hannah",
            "Hannah",
            "Head",
            "hannah@oxford.example",
            [WASTE_HEADS, "unmapped-group"],
        )
    )
    started.add(
        op.Account(
            "c.cmt", "pw-carol", "Carol", "Chief", "carol@oxford.example", [CMT, HOUSING_OFFICERS]
        )
    )
    started.add(op.Account("n.nobody", "pw-nora", "Nora", "Nobody", "nora@oxford.example", []))
    yield started
    started.stop()


@pytest.fixture(autouse=True)
def _sso(settings: Any, provider: op.Provider) -> None:
    settings.OIDC_ISSUER = provider.issuer
    settings.OIDC_CLIENT_ID = CLIENT_ID
    settings.OIDC_CLIENT_SECRET = SECRET
    settings.OIDC_PROVIDER_NAME = "your Oxford City Council account"
    settings.OIDC_TIMEOUT = 5
    settings.LOCAL_LOGIN = "on"
    provider.fault = None
    provider.sessions.clear()
    provider.logouts.clear()
    sso_client.forget()


@pytest.fixture
def services() -> dict[str, Service]:
    waste = Service.objects.create(code="waste", name="Waste and Recycling")
    housing = Service.objects.create(code="housing", name="Housing")
    GroupRoleMapping.objects.create(
        group=PERFORMANCE, label="GG Performance", corporate_role="performance"
    )
    GroupRoleMapping.objects.create(group=CMT, label="GG CMT", corporate_role="cmt")
    GroupRoleMapping.objects.create(group=WASTE_OFFICERS, service=waste, service_role="updater")
    GroupRoleMapping.objects.create(group=WASTE_HEADS, service=waste, service_role="head")
    GroupRoleMapping.objects.create(group=HOUSING_OFFICERS, service=housing, service_role="updater")
    return {"waste": waste, "housing": housing}


def at_provider(browser: requests.Session, url: str, username: str, password: str) -> str:
    """Follow the authorisation request at the provider as a browser: sign in on its page if it
    asks; return where it sends the browser back to."""
    answer = browser.get(url, allow_redirects=False, timeout=5)
    if answer.status_code == 200:
        form = BeautifulSoup(answer.text, "html.parser").find("form")
        assert form is not None, answer.text
        data = {i["name"]: i.get("value", "") for i in form.find_all("input") if i.get("name")}
        data |= {"username": username, "password": password}
        answer = browser.post(
            urlsplit(url)._replace(path=form["action"].split("?")[0]).geturl(),
            data=data,
            allow_redirects=False,
            timeout=5,
        )
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def sign_in(
    site: Client,
    browser: requests.Session,
    username: str,
    password: str,
    next_url: str = "",
) -> Any:
    """Goldthread → provider → Goldthread's callback; the callback's response."""
    start = site.get(reverse("sso_login") + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302, start.content
    back = at_provider(browser, start["Location"], username, password)
    assert back.startswith(CALLBACK), back
    return site.get(urlsplit(back).path + "?" + urlsplit(back).query)


def signed_in_user(site: Client) -> User | None:
    response = site.get("/my/")
    return response.wsgi_request.user if response.status_code == 200 else None  # type: ignore[return-value]


def test_good_sign_in_creates_the_user_and_lands_on_my_work(services: Any) -> None:
    site, browser = Client(), requests.Session()

    response = sign_in(site, browser, "a.jones", "pw-alice")

    assert response.status_code == 302
    assert response["Location"] == "/my/"  # an officer: their work, not the dashboard
    user = User.objects.get(username="a.jones")
    assert (user.first_name, user.last_name, user.email) == (
        "Alice",
        "Jones",
        "alice@oxford.example",
    )
    assert not user.has_usable_password()
    identity = SsoIdentity.objects.get(user=user)
    assert identity.issuer == sso_client.metadata()["issuer"]
    assert identity.groups == [WASTE_OFFICERS]
    page = site.get("/")
    assert page.status_code == 200
    assert "Signed in as Alice Jones" in BeautifulSoup(page.content, "html.parser").get_text(" ")
    record = ChangeRecord.objects.get(object_type="user", object_id=user.pk)
    assert record.action == "create" and record.source == "system"
    assert record.changes["roles"] == ["no role", "Officer (updater) of Waste and Recycling"]
    assert WASTE_OFFICERS in record.reason


def test_the_authorisation_request_uses_pkce_state_and_nonce(services: Any) -> None:
    start = Client().get(reverse("sso_login"))

    query = parse_qs(urlsplit(start["Location"]).query)
    assert query["response_type"] == ["code"]
    assert query["client_id"] == [CLIENT_ID]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43  # base64url of a SHA-256
    assert query["state"][0] and query["nonce"][0]
    assert set(query["scope"][0].split()) == {"openid", "email", "profile"}


def test_next_page_is_kept_through_the_round_trip(services: Any) -> None:
    response = sign_in(Client(), requests.Session(), "a.jones", "pw-alice", next_url="/reports/")

    assert response["Location"] == "/reports/"


def test_next_never_leads_off_the_site(services: Any) -> None:
    response = sign_in(
        Client(), requests.Session(), "a.jones", "pw-alice", next_url="https://evil.example/"
    )

    assert response["Location"] == "/my/"


@pytest.mark.parametrize(
    "fault", [op.WRONG_AUDIENCE, op.EXPIRED, op.BAD_SIGNATURE, op.WRONG_ISSUER, op.WRONG_NONCE]
)
def test_a_token_that_fails_its_checks_signs_nobody_in(
    services: Any, provider: op.Provider, fault: str
) -> None:
    provider.fault = fault
    site = Client()

    response = sign_in(site, requests.Session(), "a.jones", "pw-alice")

    assert response.status_code == 400
    text = BeautifulSoup(response.content, "html.parser").get_text(" ")
    assert "could not be verified" in text
    assert not User.objects.filter(username="a.jones").exists()
    assert signed_in_user(site) is None


def test_a_replayed_state_is_refused(services: Any) -> None:
    site, browser = Client(), requests.Session()
    start = site.get(reverse("sso_login"))
    back = at_provider(browser, start["Location"], "a.jones", "pw-alice")
    path = urlsplit(back).path + "?" + urlsplit(back).query
    assert site.get(path).status_code == 302
    site.post(reverse("logout"))

    again = site.get(path)

    assert again.status_code == 400
    assert "already been used" in again.content.decode()
    assert signed_in_user(site) is None


def test_a_callback_from_another_browser_is_refused(services: Any) -> None:
    """Login CSRF: a callback whose state was issued to another session."""
    start = Client().get(reverse("sso_login"))
    back = at_provider(requests.Session(), start["Location"], "a.jones", "pw-alice")

    victim = Client()
    response = victim.get(urlsplit(back).path + "?" + urlsplit(back).query)

    assert response.status_code == 400
    assert signed_in_user(victim) is None


@pytest.mark.parametrize(
    ("username", "password", "corporate", "service_roles", "heads"),
    [
        ("a.jones", "pw-alice", "", {("waste", "updater")}, set()),
        ("p.team", "pw-pat", CorporateRole.PERFORMANCE, set(), set()),
        ("h.head", "pw-hannah", "", set(), {"waste"}),
        ("c.cmt", "pw-carol", CorporateRole.CMT, {("housing", "updater")}, set()),
        ("n.nobody", "pw-nora", "", set(), set()),
    ],
)
def test_groups_land_each_person_with_their_roles_and_nothing_more(
    services: Any,
    username: str,
    password: str,
    corporate: str,
    service_roles: set[tuple[str, str]],
    heads: set[str],
) -> None:
    sign_in(Client(), requests.Session(), username, password)

    user = User.objects.get(username=username)
    assert user.corporate_role == corporate
    assert not user.is_staff and not user.is_superuser
    held = set(ServiceRole.objects.filter(user=user).values_list("service__code", "role"))
    assert held == service_roles
    assert set(Service.objects.filter(head=user).values_list("code", flat=True)) == heads


def test_the_roles_decide_what_each_person_may_do(services: Any) -> None:
    waste_measure = MeasureFactory(code="WR01", service=services["waste"])
    housing_measure = MeasureFactory(code="HS01", service=services["housing"])
    officer, nobody, team = Client(), Client(), Client()
    sign_in(officer, requests.Session(), "a.jones", "pw-alice")
    sign_in(nobody, requests.Session(), "n.nobody", "pw-nora")
    sign_in(team, requests.Session(), "p.team", "pw-pat")

    def entry(site: Client, measure: Any) -> int:
        return site.get(f"/measures/{measure.code}/enter/?period=2026-10").status_code

    assert entry(officer, waste_measure) == 200
    assert entry(officer, housing_measure) == 403
    assert entry(nobody, waste_measure) == 403
    assert entry(team, housing_measure) == 200
    assert team.get("/admin/").status_code == 200
    assert officer.get("/admin/").status_code == 302


def test_leaving_a_group_removes_the_role_at_the_next_sign_in(
    services: Any, provider: op.Provider
) -> None:
    sign_in(Client(), requests.Session(), "c.cmt", "pw-carol")
    carol = User.objects.get(username="c.cmt")
    assert carol.corporate_role == CorporateRole.CMT
    # A role set by hand that no group gives is the performance team's business: kept.
    ServiceRole.objects.create(user=carol, service=services["waste"], role="dq_champion")
    provider.accounts["c.cmt"].groups = [HOUSING_OFFICERS]

    site = Client()
    sign_in(site, requests.Session(), "c.cmt", "pw-carol")

    carol.refresh_from_db()
    assert carol.corporate_role == ""
    assert set(ServiceRole.objects.filter(user=carol).values_list("service__code", "role")) == {
        ("housing", "updater"),
        ("waste", "dq_champion"),
    }
    record = ChangeRecord.objects.filter(object_type="user", object_id=carol.pk).first()
    assert record is not None and record.action == "update"
    assert record.changes["corporate_role"] == ["cmt", None]
    # The session of this sign-in already has the new rights: no CMT-only page.
    assert site.get("/my/").wsgi_request.user.corporate_role == ""
    provider.accounts["c.cmt"].groups = [CMT, HOUSING_OFFICERS]


def test_a_head_already_named_is_not_replaced(services: Any) -> None:
    someone = UserFactory(username="existing-head")
    Service.objects.filter(code="waste").update(head=someone)

    sign_in(Client(), requests.Session(), "h.head", "pw-hannah")

    assert Service.objects.get(code="waste").head == someone
    record = ChangeRecord.objects.get(
        object_type="user", object_id=User.objects.get(username="h.head").pk
    )
    assert "not made head of Waste and Recycling: it already has a head" in record.reason


def test_groups_only_in_the_user_info_are_used(services: Any, provider: op.Provider) -> None:
    provider.fault = op.GROUPS_IN_USERINFO

    sign_in(Client(), requests.Session(), "p.team", "pw-pat")

    assert User.objects.get(username="p.team").corporate_role == CorporateRole.PERFORMANCE


def test_too_many_groups_for_the_token_is_refused_with_what_to_do(
    services: Any, provider: op.Provider
) -> None:
    provider.fault = op.GROUP_OVERAGE

    response = sign_in(Client(), requests.Session(), "p.team", "pw-pat")

    assert response.status_code == 403
    assert "too many groups" in response.content.decode()
    assert not User.objects.filter(username="p.team").exists()


def test_a_switched_off_account_cannot_sign_in(services: Any) -> None:
    sign_in(Client(), requests.Session(), "a.jones", "pw-alice")
    User.objects.filter(username="a.jones").update(is_active=False)

    site = Client()
    response = sign_in(site, requests.Session(), "a.jones", "pw-alice")

    assert response.status_code == 403
    assert "switched off" in response.content.decode()
    assert signed_in_user(site) is None


def test_a_local_account_of_the_same_name_is_not_taken_over(services: Any, settings: Any) -> None:
    UserFactory(username="a.jones", corporate_role=CorporateRole.PERFORMANCE)

    response = sign_in(Client(), requests.Session(), "a.jones", "pw-alice")

    assert response.status_code == 403
    assert "already exists" in response.content.decode()
    assert not SsoIdentity.objects.exists()

    settings.OIDC_LINK_LOCAL_ACCOUNTS = True
    assert sign_in(Client(), requests.Session(), "a.jones", "pw-alice").status_code == 302
    assert SsoIdentity.objects.get().user.username == "a.jones"


def test_a_second_sign_in_with_nothing_changed_records_nothing(services: Any) -> None:
    sign_in(Client(), requests.Session(), "a.jones", "pw-alice")
    sign_in(Client(), requests.Session(), "a.jones", "pw-alice")

    assert ChangeRecord.objects.filter(object_type="user").count() == 1


def test_the_provider_remembers_its_own_sign_in(services: Any) -> None:
    browser = requests.Session()
    sign_in(Client(), browser, "a.jones", "pw-alice")

    start = Client().get(reverse("sso_login"))
    answer = browser.get(start["Location"], allow_redirects=False, timeout=5)

    assert answer.status_code == 302  # straight back, no sign-in page


def test_sign_out_ends_both_sessions(services: Any, provider: op.Provider) -> None:
    site, browser = Client(), requests.Session()
    sign_in(site, browser, "a.jones", "pw-alice")

    response = site.post(reverse("logout"))

    # A page, not a redirect: the form's policy (form-action 'self') forbids leaving the site.
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    refresh = page.find("meta", attrs={"http-equiv": "refresh"})
    assert refresh is not None
    end_session = refresh["content"].split("url=", 1)[1]
    link = page.find("a", string=lambda t: bool(t) and "Continue signing out" in t)
    assert link is not None and link["href"] == end_session
    assert end_session.startswith(f"{provider.issuer}/logout?")
    query = parse_qs(urlsplit(end_session).query)
    assert query["post_logout_redirect_uri"] == ["http://testserver/login/"]
    assert query["id_token_hint"][0].count(".") == 2
    assert signed_in_user(site) is None
    back = browser.get(end_session, allow_redirects=False, timeout=5)
    assert back.headers["Location"].startswith("http://testserver/login/")
    # The provider asks for the password again.
    start = Client().get(reverse("sso_login"))
    assert browser.get(start["Location"], allow_redirects=False, timeout=5).status_code == 200


def test_a_local_sign_out_does_not_go_to_the_provider(services: Any) -> None:
    local = UserFactory(username="demo")
    site = Client()
    site.force_login(local)

    assert site.post(reverse("logout"))["Location"] == "/login/"


def test_the_sign_in_page_offers_the_council_account(services: Any) -> None:
    page = BeautifulSoup(Client().get("/login/").content, "html.parser")

    link = page.find("a", string="Sign in with your Oxford City Council account")
    assert link is not None and link["href"] == "/sso/login/"
    assert page.find("input", attrs={"name": "password"}) is not None


@pytest.mark.parametrize(
    ("policy", "who", "signed_in"),
    [
        ("on", "local", True),
        ("superusers", "local", False),
        ("superusers", "admin", True),
        ("off", "local", False),
        ("off", "admin", False),
    ],
)
def test_local_sign_in_follows_local_login(
    services: Any, settings: Any, policy: str, who: str, signed_in: bool
) -> None:
    settings.LOCAL_LOGIN = policy
    user = UserFactory(username=who, is_superuser=who == "admin", is_staff=who == "admin")
    user.set_password("A-long-passphrase-9")
    user.save()
    site = Client()

    response = site.post("/login/", {"username": who, "password": "A-long-passphrase-9"})

    assert (signed_in_user(site) is not None) is signed_in
    if policy == "off":
        assert response.status_code == 403
        assert "switched off" in response.content.decode()
    admin = Client()
    admin.post("/admin/login/", {"username": who, "password": "A-long-passphrase-9"})
    assert (admin.get("/admin/").status_code == 200) is (signed_in and who == "admin")


def test_with_local_login_off_the_page_offers_only_the_council_account(
    services: Any, settings: Any
) -> None:
    settings.LOCAL_LOGIN = "off"

    page = BeautifulSoup(Client().get("/login/").content, "html.parser")

    assert page.find("input", attrs={"name": "password"}) is None
    assert page.find("a", href="/sso/login/") is not None


def test_an_unreachable_provider_gives_a_clear_page(services: Any, settings: Any) -> None:
    settings.OIDC_ISSUER = "http://127.0.0.1:9"  # the discard port: nothing listens
    settings.OIDC_TIMEOUT = 1

    response = Client().get(reverse("sso_login"))

    assert response.status_code == 502
    assert "cannot be reached" in response.content.decode()


def test_a_discovery_document_naming_another_issuer_is_refused(
    services: Any, provider: op.Provider
) -> None:
    provider.fault = op.DISCOVERY_ISSUER

    response = Client().get(reverse("sso_login"))

    assert response.status_code == 502


def test_the_provider_refusing_says_so(services: Any) -> None:
    response = Client().get(
        reverse("sso_callback")
        + "?error=access_denied&error_description=Not+assigned+to+Goldthread"
    )

    assert response.status_code == 403
    assert "Not assigned to Goldthread" in response.content.decode()


def test_without_sso_configured_its_addresses_do_not_exist(settings: Any) -> None:
    settings.OIDC_ISSUER = ""

    assert Client().get(reverse("sso_login")).status_code == 404
    assert Client().get(reverse("sso_callback")).status_code == 404
    page = BeautifulSoup(Client().get("/login/").content, "html.parser")
    assert page.find("a", href="/sso/login/") is None
