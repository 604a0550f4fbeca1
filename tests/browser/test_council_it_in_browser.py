"""Fitting a council's IT, in headless Chromium: sign in through the council's identity provider
(a real OpenID Connect provider started by the test), land with the roles the groups give, see
the deadlines on "My work", choose what is e-mailed, sign out of both.

axe-core checks every Goldthread page the journey visits against WCAG 2.2 A and AA (the test
provider's own sign-in page is not ours).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from targets.models import GroupRoleMapping, Notice, NotificationPreference, Service, User
from targets.notify.engine import digests_gather, digests_send
from targets.sso import client as sso_client
from tests import oidc_provider as op
from tests.browser.accessibility import assert_accessible

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WASTE_OFFICERS = "3b0e5a8c-waste-officers"


@pytest.fixture
def provider(live_server: Any, settings: Any) -> Iterator[op.Provider]:
    started = op.Provider("goldthread", "browser-test-secret", [f"{live_server.url}/sso/callback/"])
    started.start()
    started.add(
        op.Account(
            "a.jones", "council-pw", "Alice", "Jones", "alice@oxford.example", [WASTE_OFFICERS]
        )
    )
    settings.OIDC_ISSUER = started.issuer
    settings.OIDC_CLIENT_ID = "goldthread"
    settings.OIDC_CLIENT_SECRET = "browser-test-secret"
    settings.OIDC_PROVIDER_NAME = "your Oxford City Council account"
    sso_client.forget()
    yield started
    started.stop()


def test_sign_in_through_the_council_see_deadlines_choose_e_mails_sign_out(
    browser: Browser, live_server: Any, provider: op.Provider, waste: Service
) -> None:
    GroupRoleMapping.objects.create(
        group=WASTE_OFFICERS, label="GG Waste officers", service=waste, service_role="updater"
    )
    page = browser.new_context().new_page()
    base = live_server.url

    page.goto(base + "/login/")
    assert_accessible(page)
    page.get_by_role("link", name="Sign in with your Oxford City Council account").click()
    # At the council's identity provider.
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to the council")
    page.get_by_label("Username").fill("a.jones")
    page.get_by_label("Password").fill("council-pw")
    page.get_by_role("button", name="Sign in").click()

    # An officer: landing on My work.
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")
    expect(page.get_by_text("Signed in as Alice Jones")).to_be_visible()
    alice = User.objects.get(username="a.jones")
    assert alice.service_roles.get().service == waste

    Notice.objects.create(
        recipient=alice, kind="value_late", object_key="measure:1:2026-10",
        title="WR01 Bins collected on time, Oct 2026", url="/my/",
        detail="Was due 15 Nov 2026 (11 days late)", raised_on=date(2026, 11, 26),
    )  # fmt: skip
    page.get_by_role("link", name="My work").click()
    notices = page.get_by_role("region", name="Deadlines and notices (1)")
    expect(
        notices.get_by_role("link", name="WR01 Bins collected on time, Oct 2026")
    ).to_be_visible()
    expect(notices).to_contain_text("Was due 15 Nov 2026 (11 days late)")
    assert_accessible(page)

    notices.get_by_role("link", name="Choose what you are e-mailed").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notification e-mails")
    assert_accessible(page)
    page.get_by_role("checkbox", name="Report packs published").uncheck()
    page.get_by_role("button", name="Save my choices").click()
    expect(page.get_by_text("Your choices are saved.")).to_be_visible()
    expect(page.get_by_role("checkbox", name="Report packs published")).not_to_be_checked()
    assert NotificationPreference.objects.get(user=alice).kind == "pack_published"

    page.get_by_role("button", name="Sign out").click()
    # Through the provider's end-session endpoint and back to our sign-in page.
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert provider.logouts and provider.logouts[0]["id_token_hint"]
    page.goto(base + "/my/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    # The provider's session ended too: it asks for the password again.
    page.get_by_role("link", name="Sign in with your Oxford City Council account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to the council")


def test_the_digest_e_mail_is_accessible(
    browser: Browser, alice: User, hannah: User, mailoutbox: list[Any]
) -> None:
    """The HTML part of a digest with escalations and several areas, checked by axe-core."""
    hannah.email = "hannah@oxford.example"
    hannah.save()
    for title, kind, escalation in (
        ("WR01 Bins collected on time, Oct 2026", "value_escalated", True),
        ("Food waste collections (Waste and Recycling)", "action_overdue", False),
        ("Customer feedback of Waste and Recycling", "feedback_lapsed", False),
    ):
        Notice.objects.create(
            recipient=hannah, kind=kind, object_key=f"x:{title}", title=title, url="/my/",
            detail="Was due 15 Nov 2026 (11 days late)", escalation=escalation,
            raised_on=date(2026, 11, 26),
        )  # fmt: skip
    digests_gather(today=date(2026, 11, 26))
    digests_send(today=date(2026, 11, 26))
    (message,) = mailoutbox
    html, _ = message.alternatives[0]

    page = browser.new_context().new_page()
    page.set_content(str(html))

    expect(page.get_by_role("heading", level=2)).to_have_text(
        ["Escalated to you", "Improvement actions", "Customer feedback"]
    )
    assert_accessible(page)
