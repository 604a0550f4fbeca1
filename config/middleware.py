"""Project-wide middleware: caching rules, the database-down page, bad query parameters and the
session's lifetime."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.template import loader
from django.utils.cache import patch_cache_control

from targets.params import BadParameter

logger = logging.getLogger(__name__)

Handler = Callable[[HttpRequest], HttpResponseBase]

# What a database that cannot be reached (or is restarting, or refuses connections) raises.
DATABASE_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
SIGNED_IN_AT = "goldthread_signed_in_at"
LAST_SEEN = "goldthread_last_seen"


class NoStoreMiddleware:
    """`Cache-Control: private, no-store` on every response that its view did not mark public.

    Internal pages, the API, exports and downloads hold unpublished figures and names: no
    browser history, back button or proxy may keep a copy. Public pages (the public page, open
    data, public report packs) say `public` themselves and keep their own caching; static files
    never reach this middleware (WhiteNoise answers them first).
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not is_public(response):
            patch_cache_control(response, private=True, no_store=True)
        return response


def is_public(response: HttpResponseBase) -> bool:
    directives = {
        part.split("=", 1)[0].strip().lower()
        for part in response.get("Cache-Control", "").split(",")
        if part.strip()
    }
    return "public" in directives and "private" not in directives


class DatabaseUnavailableMiddleware:
    """A plain 503 page, never a stack trace, when the database cannot be reached.

    Errors raised by a view come through `process_exception`; errors raised in the middleware
    below this one (loading the session, the signed-in user) are turned into a 500 response by
    Django before they get here, so a signal receiver marks the request and the 500 is replaced.
    Nothing is kept between requests: the next request connects afresh, so the site recovers by
    itself when the database is back.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if getattr(request, "database_unavailable", False) and response.status_code >= 500:
            return database_unavailable_response()
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_ERRORS):
            _log_database_error(request, exception)
            return database_unavailable_response()
        return None


def database_unavailable_response() -> HttpResponse:
    # Rendered without the request: no context processor, so nothing here touches the database.
    body = loader.get_template("503.html").render({"retry_after": RETRY_AFTER_SECONDS})
    response = HttpResponse(body, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # It replaces the response after XFrameOptionsMiddleware has been by: say it here.
    response["X-Frame-Options"] = settings.X_FRAME_OPTIONS
    return response


def _log_database_error(request: HttpRequest, exception: BaseException) -> None:
    # One line for the operators; the page says nothing about the cause.
    logger.error("Database unavailable for %s %s: %s", request.method, request.path, exception)


def _note_database_error(sender: object, request: HttpRequest | None = None, **_: Any) -> None:
    exception = sys.exc_info()[1]
    if request is not None and isinstance(exception, DATABASE_ERRORS):
        _log_database_error(request, exception)
        request.database_unavailable = True  # type: ignore[attr-defined]


got_request_exception.connect(_note_database_error, dispatch_uid="goldthread.database_unavailable")


class BadParameterMiddleware:
    """A query parameter a page cannot read (`targets.params.BadParameter`: a year or a period
    that is not one) answers 400 with the message saying which and why, on the error page. The
    API answers the same refusal itself, as JSON."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, BadParameter):
            return None
        context = {"title": "Check the address", "message": exception.message, "back": "/"}
        return render(request, "error.html", context, status=400)


class SessionLifetimeMiddleware:
    """End a signed-in session after SESSION_IDLE_TIMEOUT seconds without a request, and in any
    case SESSION_ABSOLUTE_TIMEOUT seconds after sign-in.

    The time of the last request is written back at most once a minute (SESSION_RENEW_INTERVAL),
    not on every request, so a busy page costs no session write; the cookie outlives the idle
    timeout by that minute, and this check is what ends the session.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        # Only with a session cookie: a visitor without one stays anonymous, and the public
        # page's response stays the same for everyone (no `Vary: Cookie`).
        has_session = settings.SESSION_COOKIE_NAME in request.COOKIES
        if has_session and request.user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        session = request.session
        now = int(time.time())
        signed_in_at = int(session.setdefault(SIGNED_IN_AT, now))
        last_seen = int(session.setdefault(LAST_SEEN, now))
        if now - last_seen > settings.SESSION_IDLE_TIMEOUT:
            logout(request)
            minutes = settings.SESSION_IDLE_TIMEOUT // 60
            messages.info(request, f"You were signed out after {minutes} minutes without activity.")
        elif now - signed_in_at > settings.SESSION_ABSOLUTE_TIMEOUT:
            logout(request)
            hours = settings.SESSION_ABSOLUTE_TIMEOUT // 3600
            messages.info(request, f"You were signed out {hours} hours after signing in.")
        elif now - last_seen >= settings.SESSION_RENEW_INTERVAL:
            session[LAST_SEEN] = now


def _stamp_sign_in(sender: object, request: HttpRequest, **_: Any) -> None:
    if hasattr(request, "session"):
        now = int(time.time())
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN] = now


user_logged_in.connect(_stamp_sign_in, dispatch_uid="goldthread.session_signed_in_at")
