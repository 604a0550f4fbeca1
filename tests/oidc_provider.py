"""A real OpenID Connect provider for the single sign-on tests, started by the tests.

Built with authlib's *server* (the authorisation code grant, the OpenID Connect extension and
PKCE), served by a WSGI server in a thread on a free port, with its own RSA key, discovery
document, JWKS, authorisation, token, user info and end-session endpoints, and a sign-in page of
its own (with a session cookie, so that a second authorisation signs in without the form, as a
council's identity provider does, until its end-session endpoint is visited).

A test can make it misbehave as a broken or hostile provider would (`fault`): an ID token for
another audience, an expired one, one signed with a key it does not publish, one naming another
issuer, one with another sign-in's nonce, groups left out of the ID token (then only in the user
info) or too many to list, a discovery document that names another issuer.
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
import socketserver
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html import escape
from http import HTTPStatus
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

# authlib's server refuses plain-HTTP endpoints unless told this is a test.
os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")

from authlib.oauth2.rfc6749 import (  # noqa: E402
    AuthorizationCodeMixin,
    AuthorizationServer,
    ClientMixin,
    OAuth2Request,
)
from authlib.oauth2.rfc6749.errors import OAuth2Error  # noqa: E402
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant  # noqa: E402
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload  # noqa: E402
from authlib.oauth2.rfc6750 import BearerTokenGenerator  # noqa: E402
from authlib.oauth2.rfc7636 import CodeChallenge  # noqa: E402
from authlib.oidc.core import UserInfo  # noqa: E402
from authlib.oidc.core.grants import OpenIDCode  # noqa: E402
from joserfc.jwk import RSAKey  # noqa: E402
from requests.structures import CaseInsensitiveDict  # noqa: E402

SCOPES = ["openid", "email", "profile", "groups"]
COOKIE = "provider_session"

# The faults a test can ask for.
WRONG_AUDIENCE = "wrong_audience"
EXPIRED = "expired"
BAD_SIGNATURE = "bad_signature"
WRONG_ISSUER = "wrong_issuer"
GROUPS_IN_USERINFO = "groups_in_userinfo"
DISCOVERY_ISSUER = "discovery_issuer"
GROUP_OVERAGE = "group_overage"
WRONG_NONCE = "wrong_nonce"


@dataclass
class Account:
    username: str
    password: str
    given_name: str
    family_name: str
    email: str
    groups: list[str] = field(default_factory=list)
    sub: str = field(default_factory=lambda: secrets.token_hex(12))


@dataclass
class Client(ClientMixin):
    client_id: str
    client_secret: str
    redirect_uris: list[str]

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope: str) -> str:
        return " ".join(s for s in (scope or "").split() if s in SCOPES)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return hmac.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class Code(AuthorizationCodeMixin):
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: Account
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


class Request:
    """The bits of a WSGI request the provider needs."""

    def __init__(self, environ: dict[str, Any]) -> None:
        self.method = environ["REQUEST_METHOD"]
        self.path = environ.get("PATH_INFO", "/")
        host = environ.get("HTTP_HOST") or f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}"
        query = environ.get("QUERY_STRING", "")
        self.url = f"http://{host}{self.path}" + (f"?{query}" if query else "")
        self.query = dict(parse_qsl(query, keep_blank_values=True))
        self.headers: CaseInsensitiveDict[str] = CaseInsensitiveDict()
        for key, value in environ.items():
            if key.startswith("HTTP_"):
                self.headers[key[5:].replace("_", "-").title()] = value
        if environ.get("CONTENT_TYPE"):
            self.headers["Content-Type"] = environ["CONTENT_TYPE"]
        self.form: dict[str, str] = {}
        if self.method == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length).decode() if length else ""
            self.form = dict(parse_qsl(body, keep_blank_values=True))
        cookie = SimpleCookie(environ.get("HTTP_COOKIE", ""))
        self.cookies = {name: morsel.value for name, morsel in cookie.items()}


class ProviderRequest(OAuth2Request):
    def __init__(self, request: Request) -> None:
        super().__init__(request.method, request.url, headers=request.headers)
        self.payload = BasicOAuth2Payload({**request.query, **request.form})
        self._request = request

    @property
    def args(self) -> dict[str, str]:
        return self._request.query

    @property
    def form(self) -> dict[str, str]:
        return self._request.form


Response = tuple[int, Any, list[tuple[str, str]]]


class Server(AuthorizationServer):  # type: ignore[misc]
    def __init__(self, provider: Provider) -> None:
        super().__init__(scopes_supported=SCOPES)
        self.provider = provider
        self.register_token_generator(
            "default",
            BearerTokenGenerator(access_token_generator=lambda *a, **k: secrets.token_urlsafe(32)),
        )

    def query_client(self, client_id: str) -> Client | None:
        client = self.provider.client
        return client if client_id == client.client_id else None

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        self.provider.access_tokens[token["access_token"]] = request.user

    def create_oauth2_request(self, request: Any) -> OAuth2Request:
        return request if isinstance(request, OAuth2Request) else ProviderRequest(request)

    def create_json_request(self, request: Any) -> Any:
        raise NotImplementedError

    def handle_response(
        self, status: int, body: Any, headers: Iterable[tuple[str, str]]
    ) -> Response:
        return status, body, list(headers)

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        pass


class CodeGrant(AuthorizationCodeGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

    def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
        data = request.payload.data
        self.server.provider.codes[code] = Code(
            code=code,
            client_id=request.payload.client_id,
            redirect_uri=request.payload.redirect_uri,
            scope=request.payload.scope,
            user=request.user,
            nonce=data.get("nonce"),
            code_challenge=data.get("code_challenge"),
            code_challenge_method=data.get("code_challenge_method"),
            auth_time=int(time.time()),
        )
        self.server.provider.used_nonces.add(data.get("nonce"))

    def query_authorization_code(self, code: str, client: Client) -> Code | None:
        found: Code | None = self.server.provider.codes.get(code)
        return found if found is not None and found.client_id == client.client_id else None

    def delete_authorization_code(self, authorization_code: Code) -> None:
        self.server.provider.codes.pop(authorization_code.code, None)

    def authenticate_user(self, authorization_code: Code) -> Account:
        return authorization_code.user


class OpenID(OpenIDCode):  # type: ignore[misc]
    def __init__(self, provider: Provider) -> None:
        super().__init__(require_nonce=True)
        self.provider = provider

    def exists_nonce(self, nonce: str, request: OAuth2Request) -> bool:
        return nonce in self.provider.used_nonces

    def resolve_client_private_key(self, client: Client) -> RSAKey:
        return (
            self.provider.rogue_key if self.provider.fault == BAD_SIGNATURE else self.provider.key
        )

    def get_authorization_code_claims(self, authorization_code: Code) -> dict[str, Any]:
        claims: dict[str, Any] = super().get_authorization_code_claims(authorization_code)
        if self.provider.fault == WRONG_NONCE:
            claims["nonce"] = "a-nonce-from-another-sign-in"
        return claims

    def get_client_algorithm(self, client: Client) -> str:
        return "RS256"

    def get_encode_header(self, client: Client) -> dict[str, str]:
        return {"alg": "RS256", "kid": self.provider.key.kid or "", "typ": "JWT"}

    def get_client_claims(self, client: Client) -> dict[str, Any]:
        now = int(time.time())
        fault = self.provider.fault
        claims: dict[str, Any] = {
            "iss": self.provider.issuer,
            "aud": [client.client_id],
            "iat": now,
            "exp": now + 300,
        }
        if fault == WRONG_AUDIENCE:
            # Meant for another application of the same provider, naming us as the party it
            # was issued to: only a check of `aud` itself catches it.
            claims["aud"] = ["another-application"]
            claims["azp"] = client.client_id
        elif fault == EXPIRED:
            claims["iat"], claims["exp"] = now - 7200, now - 3600
        elif fault == WRONG_ISSUER:
            claims["iss"] = "https://impostor.example"
        return claims

    def generate_user_info(self, user: Account, scope: str) -> UserInfo:
        info = UserInfo(
            sub=user.sub,
            preferred_username=user.username,
            name=f"{user.given_name} {user.family_name}",
            given_name=user.given_name,
            family_name=user.family_name,
            email=user.email,
        )
        if self.provider.fault == GROUP_OVERAGE:
            info["_claim_names"] = {"groups": "src1"}
        elif self.provider.fault != GROUPS_IN_USERINFO:
            info["groups"] = list(user.groups)
        return info


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class ThreadingServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


class Provider:
    """The provider: `start()` it, add `accounts`, set `fault`, `stop()` it."""

    def __init__(self, client_id: str, client_secret: str, redirect_uris: list[str]) -> None:
        self.client = Client(client_id, client_secret, redirect_uris)
        self.key = RSAKey.generate_key(2048, parameters={"kid": "goldthread-test-1", "use": "sig"})
        # Same key id, different key: a token signed with it must fail its signature check.
        self.rogue_key = RSAKey.generate_key(
            2048, parameters={"kid": "goldthread-test-1", "use": "sig"}
        )
        self.accounts: dict[str, Account] = {}
        self.codes: dict[str, Code] = {}
        self.access_tokens: dict[str, Account] = {}
        self.sessions: dict[str, str] = {}  # provider session cookie → username
        self.used_nonces: set[str] = set()
        self.logouts: list[dict[str, str]] = []
        self.fault: str | None = None
        self.server = Server(self)
        self.server.register_grant(CodeGrant, [CodeChallenge(required=True), OpenID(self)])
        self._httpd: WSGIServer | None = None
        self.issuer = ""

    # --- life cycle -------------------------------------------------------------------------

    def start(self) -> Provider:
        self._httpd = make_server(
            "127.0.0.1", 0, self.app, server_class=ThreadingServer, handler_class=QuietHandler
        )
        self.issuer = f"http://127.0.0.1:{self._httpd.server_port}"
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()

    def add(self, account: Account) -> Account:
        self.accounts[account.username] = account
        return account

    # --- the WSGI application ---------------------------------------------------------------

    def app(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        request = Request(environ)
        routes: dict[str, Callable[[Request], Response]] = {
            "/.well-known/openid-configuration": self.discovery,
            "/jwks": self.jwks,
            "/authorize": self.authorize,
            "/token": self.token,
            "/userinfo": self.userinfo,
            "/logout": self.logout,
        }
        handler = routes.get(request.path)
        status, body, headers = handler(request) if handler else (404, "Not found", [])
        if isinstance(body, dict):
            body = json.dumps(body)
            headers = [*headers, ("Content-Type", "application/json")]
        payload = body.encode() if isinstance(body, str) else body
        start_response(f"{status} {HTTPStatus(status).phrase}", headers)
        return [payload]

    def discovery(self, request: Request) -> Response:
        issuer = "https://impostor.example" if self.fault == DISCOVERY_ISSUER else self.issuer
        return (
            200,
            {
                "issuer": issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "userinfo_endpoint": f"{self.issuer}/userinfo",
                "jwks_uri": f"{self.issuer}/jwks",
                "end_session_endpoint": f"{self.issuer}/logout",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "scopes_supported": SCOPES,
                "token_endpoint_auth_methods_supported": [
                    "client_secret_basic",
                    "client_secret_post",
                ],
                "claims_supported": ["sub", "email", "name", "preferred_username", "groups"],
            },
            [],
        )

    def jwks(self, request: Request) -> Response:
        return 200, {"keys": [self.key.as_dict(private=False)]}, []

    def _signed_in(self, request: Request) -> Account | None:
        username = self.sessions.get(request.cookies.get(COOKIE, ""))
        return self.accounts.get(username) if username else None

    def authorize(self, request: Request) -> Response:
        try:
            grant = self.server.get_consent_grant(request)
        except OAuth2Error as error:
            return 400, f"Bad authorisation request: {error.error}: {error.description}", []
        account = self._signed_in(request)
        headers: list[tuple[str, str]] = []
        if account is None and request.method == "POST":
            found = self.accounts.get(request.form.get("username", ""))
            if found is not None and hmac.compare_digest(
                found.password, request.form.get("password", "")
            ):
                account = found
                session = secrets.token_urlsafe(16)
                self.sessions[session] = found.username
                headers.append(("Set-Cookie", f"{COOKIE}={session}; Path=/; HttpOnly"))
            else:
                return self._sign_in_page(request, "Wrong username or password.")
        if account is None:
            return self._sign_in_page(request)
        status, body, more = self.server.create_authorization_response(
            request=grant.request, grant_user=account, grant=grant
        )
        return status, body, [*more, *headers]

    def _sign_in_page(self, request: Request, error: str = "") -> Response:
        fields = "".join(
            f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">'
            for k, v in request.query.items()
        )
        message = f'<p role="alert">{escape(error)}</p>' if error else ""
        page = (
            '<!doctype html><html lang="en-GB"><head><meta charset="utf-8">'
            "<title>Sign in to the council</title></head><body><main>"
            f"<h1>Sign in to the council</h1>{message}"
            f'<form method="post" action="/authorize?{urlencode(request.query)}">{fields}'
            '<label for="username">Username</label> <input id="username" name="username"> '
            '<label for="password">Password</label> '
            '<input id="password" name="password" type="password"> '
            '<button type="submit">Sign in</button></form></main></body></html>'
        )
        return 200, page, [("Content-Type", "text/html; charset=utf-8")]

    def token(self, request: Request) -> Response:
        return self.server.create_token_response(request)  # type: ignore[no-any-return]

    def userinfo(self, request: Request) -> Response:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        account = self.access_tokens.get(token) if scheme.lower() == "bearer" else None
        if account is None:
            return 401, {"error": "invalid_token"}, []
        return 200, {"sub": account.sub, "groups": account.groups, "email": account.email}, []

    def logout(self, request: Request) -> Response:
        self.logouts.append(dict(request.query))
        self.sessions.pop(request.cookies.get(COOKIE, ""), None)
        expire = ("Set-Cookie", f"{COOKIE}=; Path=/; Max-Age=0")
        target = request.query.get("post_logout_redirect_uri")
        if target:
            state = request.query.get("state")
            location = target + (f"?{urlencode({'state': state})}" if state else "")
            return 302, "", [("Location", location), expire]
        return 200, "You are signed out of the council.", [expire]
