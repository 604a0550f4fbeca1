"""Single sign-on and local sign-in are set from the environment; set-ups that would lock
everyone out, or sign nobody in, are refused at start."""

from __future__ import annotations

import pytest

from tests.test_deploy import _manage

SSO = {
    "OIDC_ISSUER": "https://login.microsoftonline.com/0d6b8b1e-4c39-4a8e-9d4f-5a7c2e1b9f30/v2.0",
    "OIDC_CLIENT_ID": "6731de76-14a6-49ae-97bc-6eba6914391e",
    "OIDC_CLIENT_SECRET": "a-client-secret",
}
READ = (
    "from django.conf import settings as s;"
    "print(s.OIDC_ISSUER, s.OIDC_GROUPS_CLAIM, s.LOCAL_LOGIN, s.OIDC_SCOPES.replace(' ', '+'))"
)


def test_sso_is_configured_entirely_from_the_environment() -> None:
    result = _manage(
        "shell", "--no-imports", "-c", READ, DEBUG="1", LOCAL_LOGIN="superusers",
        OIDC_GROUPS_CLAIM="roles", **SSO,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        SSO["OIDC_ISSUER"],
        "roles",
        "superusers",
        "openid+email+profile",
    ]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"LOCAL_LOGIN": "off"}, "LOCAL_LOGIN=off needs single sign-on (OIDC_ISSUER)."),
        ({"LOCAL_LOGIN": "sometimes"}, "LOCAL_LOGIN must be on, superusers or off."),
        (
            {"OIDC_ISSUER": SSO["OIDC_ISSUER"]},
            "OIDC_ISSUER needs OIDC_CLIENT_ID and OIDC_CLIENT_SECRET.",
        ),
        ({**SSO, "OIDC_SCOPES": "email profile"}, "OIDC_SCOPES must include openid."),
    ],
)
def test_a_set_up_that_cannot_work_is_refused_at_start(env: dict[str, str], message: str) -> None:
    result = _manage("check", DEBUG="1", **env)

    assert result.returncode != 0
    assert message in result.stderr
