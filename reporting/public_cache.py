"""The public outputs' finished responses, cached and served before the session and sign-in
middleware.

A public page is the same for everyone (`public_views` renders it without the request), so its
finished bytes are kept under `public.cache_key`, which changes with the fingerprint of the
published data: a publish, withdrawal or restatement gives a new key, and the next request
builds the output afresh. `PublicPageMiddleware` sits just below the security headers: a GET or
HEAD of a cached public output by a visitor without a session is answered there, with the one
fingerprint query and no session, CSRF token, user or messages (so no cookie and no
`Vary: Cookie`). Anything else (a miss, a signed-in visitor, a POST) goes on down the stack to
the view, which builds the output and keeps it.

Entries live in Django's cache (Redis in production, shared by every worker) and, over a shared
cache, also in a small memory of each process (`LOCAL_ENTRIES`): a page of ~100 KB is then not
fetched from Redis and unpickled on every request. An entry's key names the data it was built
from, so a copy in memory is never older than that data; it expires with the shared one
(`public.CACHE_SECONDS` after it was built, the safety net for names the fingerprint does not
track).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response

from reporting import public

# What the public outputs say to browsers and proxies: keep a copy, but ask again every time
# (with If-None-Match), so that a publish shows at once. `public` also tells
# config.middleware.NoStoreMiddleware that the response holds nothing private.
CACHE_CONTROL = "public, no-cache"
LOCAL_ENTRIES = 32  # outputs kept in each process's memory, the most recently used


@dataclass(frozen=True)
class Entry:
    """A finished public output."""

    body: bytes
    content_type: str
    headers: tuple[tuple[str, str], ...]
    built_at: float  # time.time() when it was built

    @property
    def expires_at(self) -> float:
        return self.built_at + public.CACHE_SECONDS


class _Local:
    """The most recently used entries of this process, by cache key; safe across threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[str, Entry] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> Entry | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is None:
                return None
            if entry.expires_at <= time.time():
                del self.entries[key]
                return None
            self.entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: Entry) -> None:
        with self.lock:
            self.entries[key] = entry
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


_local = _Local(LOCAL_ENTRIES)


def uses_local_memory() -> bool:
    """A process memory in front of the cache only pays over a shared one: Django's memory
    cache is this process's memory already."""
    return not isinstance(caches["default"], LocMemCache)


def clear_local() -> None:
    _local.clear()


def _cache_changed(*, setting: str, **_: Any) -> None:
    # Another cache (a test's own Redis): copies made over the old one must not outlive it.
    if setting == "CACHES":
        clear_local()


setting_changed.connect(_cache_changed, dispatch_uid="goldthread.public_cache.caches")


def get(key: str) -> Entry | None:
    if uses_local_memory() and (entry := _local.get(key)) is not None:
        return entry
    entry = cache.get(key)
    if not isinstance(entry, Entry):
        return None
    if uses_local_memory() and entry.expires_at > time.time():
        _local.put(key, entry)
    return entry


def put(key: str, body: str, content_type: str, headers: dict[str, str] | None = None) -> Entry:
    entry = Entry(body.encode(), content_type, tuple((headers or {}).items()), time.time())
    cache.set(key, entry, public.CACHE_SECONDS)
    if uses_local_memory():
        _local.put(key, entry)
    return entry


def respond(request: HttpRequest, key: str, entry: Entry) -> HttpResponseBase:
    """The entry as a response, or 304 Not Modified if the visitor's copy is this one."""
    etag = f'"{key.rsplit(".", 1)[-1]}"'
    response = HttpResponse(entry.body, content_type=entry.content_type, headers=entry.headers)
    response["Content-Length"] = str(len(entry.body))
    response["ETag"] = etag
    response["Cache-Control"] = CACHE_CONTROL
    return get_conditional_response(request, etag=etag, response=response) or response


# The views that are cached public outputs: each names its entry from the request.
Namer = Callable[..., str]


def public_output(namer: Namer) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark a view as a cached public output whose entry `namer(request, **kwargs)` names, so
    that PublicPageMiddleware can answer it from the cache."""

    def mark(view: Callable[..., Any]) -> Callable[..., Any]:
        view.public_output = namer  # type: ignore[attr-defined]
        return view

    return mark


def cached_response(request: HttpRequest) -> HttpResponseBase | None:
    """The cached output the request asks for, if it is a public output already cached."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    namer: Namer | None = getattr(match.func, "public_output", None)
    if namer is None:
        return None
    key = public.cache_key(namer(request, **match.kwargs), timezone.localdate())
    entry = get(key)
    return None if entry is None else respond(request, key, entry)


class PublicPageMiddleware:
    """Answer a cached public output before sessions, CSRF and sign-in (see the module)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.prefix = ""

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not self.prefix:
            self.prefix = reverse("public_home")
        if (
            request.method in ("GET", "HEAD")
            and request.path.startswith(self.prefix)
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        ):
            response = cached_response(request)
            if response is not None:
                return response
        return self.get_response(request)
