"""Signing in and out: the sign-in page, the provider's round trip, and sign-out."""

from __future__ import annotations

import logging
from typing import Any

import requests
from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from joserfc.errors import JoseError

from targets import permissions
from targets.sso import client
from targets.sso.backends import SSO_BACKEND, password_sign_in_allowed
from targets.sso.services import SsoError, claims_from, sso_sign_in

logger = logging.getLogger(__name__)

NEXT = "sso_next"
ID_TOKEN = "sso_id_token"


def _explicit_next(request: HttpRequest, url: str | None) -> str:
    """The ?next= asked for if it is a page of this site, else ""."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


def landing(user: Any) -> str:
    """Where a person lands after signing in without a ?next=: officers, heads of service and
    data-quality champions on "My work", everyone else on the dashboard."""
    if permissions.lands_on_my_work(user):
        return reverse("my_work")
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _safe_next(request: HttpRequest, url: str | None) -> str:
    return _explicit_next(request, url) or landing(request.user)


class LoginView(auth_views.LoginView):
    """Django's sign-in, landing each person where their work is unless ?next= says otherwise."""

    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return landing(self.request.user)


def _login_context(request: HttpRequest) -> dict[str, Any]:
    return {
        "sso": client.configured(),
        "provider_name": settings.OIDC_PROVIDER_NAME,
        "local_login": settings.LOCAL_LOGIN,
        "passwords_allowed": password_sign_in_allowed(),
    }


@login_not_required
def login(request: HttpRequest) -> HttpResponseBase:
    """The sign-in page: the council's account first when SSO is on, a password form as
    LOCAL_LOGIN allows (for break-glass administrators only, or not at all)."""
    context = _login_context(request)
    if request.method == "POST" and not context["passwords_allowed"]:
        provider_name = settings.OIDC_PROVIDER_NAME
        context["refused"] = (
            f"Signing in with a password is switched off: sign in with {provider_name}."
        )
        return render(request, "registration/login.html", context, status=403)
    view = LoginView.as_view(extra_context=context)
    return view(request)


def _error(request: HttpRequest, message: str, status: int) -> HttpResponse:
    context = {**_login_context(request), "message": message}
    return render(request, "registration/sso_error.html", context, status=status)


@login_not_required
@require_GET
def sso_login(request: HttpRequest) -> HttpResponse:
    """Off to the provider: the authorisation request with state, nonce and a PKCE challenge."""
    if not client.configured():
        raise Http404("Single sign-on is not set up.")
    request.session[NEXT] = _explicit_next(request, request.GET.get("next"))
    redirect_uri = settings.OIDC_REDIRECT_URI or request.build_absolute_uri(reverse("sso_callback"))
    try:
        client.metadata()
        return client.provider().authorize_redirect(request, redirect_uri)  # type: ignore[no-any-return]
    except (requests.RequestException, client.ProviderError, RuntimeError) as exc:
        logger.error("Single sign-on: the provider cannot be used: %s", exc)
        name = settings.OIDC_PROVIDER_NAME
        return _error(
            request,
            f"{name[:1].upper()}{name[1:]} cannot be reached just now. Try again in a few "
            "minutes; if it goes on, tell IT.",
            502,
        )


@login_not_required
@require_GET
def sso_callback(request: HttpRequest) -> HttpResponse:
    """Back from the provider: check everything, then create or update the person, sign in."""
    if not client.configured():
        raise Http404("Single sign-on is not set up.")
    if request.GET.get("error"):
        description = request.GET.get("error_description") or request.GET["error"]
        logger.info("Single sign-on refused by the provider: %s", description)
        return _error(request, f"The identity provider did not sign you in: {description}", 403)
    try:
        token = client.provider().authorize_access_token(
            request, claims_options=client.claims_options()
        )
        if "userinfo" not in token:
            raise client.ProviderError("The provider sent no ID token.")
        raw = dict(token["userinfo"])
        overage = settings.OIDC_GROUPS_CLAIM in (raw.get("_claim_names") or {})
        if (
            settings.OIDC_GROUPS_CLAIM not in raw
            and not overage
            and client.metadata().get("userinfo_endpoint")
        ):
            # Some providers put groups in the user info only (Keycloak can be set up so).
            info = client.provider().userinfo(token=token)
            if str(info.get("sub")) == str(raw["sub"]) and settings.OIDC_GROUPS_CLAIM in info:
                raw[settings.OIDC_GROUPS_CLAIM] = info[settings.OIDC_GROUPS_CLAIM]
        claims = claims_from(raw, issuer=str(client.metadata()["issuer"]))
        result = sso_sign_in(claims=claims)
    except MismatchingStateError:
        logger.warning("Single sign-on: a callback with an unknown or used state")
        return _error(
            request,
            "This sign-in link has already been used or has expired. Start again.",
            400,
        )
    except OAuthError as exc:
        logger.warning("Single sign-on: the provider refused: %s", exc)
        return _error(request, f"The identity provider refused the sign-in: {exc.description}", 400)
    except JoseError as exc:
        logger.warning("Single sign-on: the ID token failed its checks: %r", exc)
        return _error(
            request,
            "The identity provider's answer could not be verified (its signature, audience, "
            "issuer or expiry is wrong), so you are not signed in. Try again; if it goes on, "
            "tell IT.",
            400,
        )
    except (requests.RequestException, client.ProviderError) as exc:
        logger.error("Single sign-on: the provider cannot be used: %s", exc)
        return _error(
            request,
            "The identity provider cannot be reached or answered wrongly. Try again in a few "
            "minutes; if it goes on, tell IT.",
            502,
        )
    except SsoError as exc:
        return _error(request, str(exc), 403)
    next_url = request.session.pop(NEXT, None)
    auth.login(request, result.user, backend=SSO_BACKEND)
    request.session[ID_TOKEN] = token.get("id_token", "")
    return HttpResponseRedirect(_safe_next(request, next_url))


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """End the Goldthread session and, where the provider offers it, the provider's too.

    The provider's end-session address is on another site, and the sign-out form's policy
    (`form-action 'self'`) forbids a redirect there after a form: a short page sends the
    browser on instead (a refresh of no delay, and a link for when that is switched off).
    """
    id_token = request.session.get(ID_TOKEN)
    auth.logout(request)
    after = resolve_url(settings.LOGOUT_REDIRECT_URL)
    if id_token and client.configured():
        try:
            end_session = client.metadata().get("end_session_endpoint")
            if end_session:
                logout_url = client.provider().create_logout_url(
                    post_logout_redirect_uri=request.build_absolute_uri(after),
                    id_token_hint=id_token,
                    client_id=settings.OIDC_CLIENT_ID,
                )
                context = {
                    "end_session": logout_url["url"],
                    "provider_name": settings.OIDC_PROVIDER_NAME,
                }
                return render(request, "registration/signed_out.html", context)
        except (requests.RequestException, client.ProviderError) as exc:
            logger.warning("Single sign-on: the provider's sign-out is not reachable: %s", exc)
    return HttpResponseRedirect(after)
