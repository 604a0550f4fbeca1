"""Authentication backends: passwords as LOCAL_LOGIN allows, and the sessions of SSO sign-ins."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from targets.models import User

SSO_BACKEND = "targets.sso.backends.SingleSignOnBackend"


def password_sign_in_allowed(user: User | None = None) -> bool:
    """May this person (or, without one, anyone at all) sign in with a password?"""
    policy = settings.LOCAL_LOGIN
    if policy == "on":
        return True
    if policy == "superusers":
        return user is None or user.is_superuser
    return False


class LocalPasswordBackend(ModelBackend):
    """Django's password check, for local accounts: everyone (LOCAL_LOGIN=on), break-glass
    administrators only (superusers), or nobody (off: everyone signs in through SSO)."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if settings.LOCAL_LOGIN == "off":
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None or not password_sign_in_allowed(user):  # type: ignore[arg-type]
            return None
        return user  # type: ignore[return-value]


class SingleSignOnBackend(ModelBackend):
    """The backend of sessions opened by the identity provider: it checks no password, and
    keeps loading the signed-in person on each request (`get_user`) while they are active."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        return None
