"""The council's identity provider, as authlib's OpenID Connect client.

authlib does the protocol: the discovery document (`server_metadata_url`), the authorisation
code flow with PKCE (S256), `state` (kept in the session and used once) and `nonce`, and the ID
token's checks — its signature against the provider's JWKS, `iss`, `aud`, `exp`, `iat`, `nonce`,
`azp`, `at_hash`. No JWT is decoded here by hand.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from django.conf import settings

NAME = "council"
# Discovery and keys are fetched again after this long (a provider's keys rotate; authlib also
# fetches the JWKS again at once when a token names a key it does not know).
METADATA_MAX_AGE = 3600.0

_lock = threading.Lock()
_apps: dict[tuple[str, ...], tuple[float, DjangoOAuth2App]] = {}


class ProviderError(Exception):
    """The provider's set-up is wrong or it cannot be reached: not the person's fault."""


def configured() -> bool:
    return bool(settings.OIDC_ISSUER)


def discovery_url() -> str:
    return f"{settings.OIDC_ISSUER}/.well-known/openid-configuration"


def provider() -> DjangoOAuth2App:
    """The client for the configured provider (one per configuration, refreshed hourly)."""
    key = (
        settings.OIDC_ISSUER,
        settings.OIDC_CLIENT_ID,
        settings.OIDC_CLIENT_SECRET,
        settings.OIDC_SCOPES,
        str(settings.OIDC_TIMEOUT),
    )
    with _lock:
        found = _apps.get(key)
        if found is not None and time.monotonic() - found[0] < METADATA_MAX_AGE:
            return found[1]
        app = OAuth().register(
            name=NAME,
            client_id=settings.OIDC_CLIENT_ID,
            client_secret=settings.OIDC_CLIENT_SECRET,
            server_metadata_url=discovery_url(),
            client_kwargs={
                "scope": settings.OIDC_SCOPES,
                "code_challenge_method": "S256",
                "default_timeout": settings.OIDC_TIMEOUT,
            },
        )
        _apps[key] = (time.monotonic(), app)
        return app


def metadata() -> dict[str, Any]:
    """The provider's discovery document, checked: its issuer must be the one configured
    (OpenID Connect Discovery 1.0, section 4.3), and it must offer the code flow with S256."""
    found: dict[str, Any] = provider().load_server_metadata()
    issuer = str(found.get("issuer", "")).rstrip("/")
    if issuer != settings.OIDC_ISSUER:
        raise ProviderError(
            f"The discovery document names the issuer {issuer!r}, not {settings.OIDC_ISSUER!r}."
        )
    methods = found.get("code_challenge_methods_supported")
    if methods is not None and "S256" not in methods:
        raise ProviderError("The provider does not support PKCE with S256.")
    return found


def claims_options() -> dict[str, dict[str, Any]]:
    """The ID token must come from our issuer and be meant for our client (its `aud`)."""
    return {
        "iss": {"essential": True, "values": [str(metadata()["issuer"])]},
        "aud": {"essential": True, "value": settings.OIDC_CLIENT_ID},
        "sub": {"essential": True},
    }


def forget() -> None:
    """Drop the cached clients (tests change the provider between modules)."""
    with _lock:
        _apps.clear()
