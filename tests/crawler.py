"""Follow every same-site link a person can click, breadth first, GET only: the pages the app
itself offers them. Used by tests/reporting/test_crawl.py (no page reachable by clicking answers a
bare 403 or a 5xx)."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit

from django.test import Client
from django.urls import Resolver404, resolve

# Not followed: leaving (sign out), files (exports, packs, evidence), the admin's hundreds of
# object pages (its index is visited), the API's JSON, and the public site's own tree.
SKIP_PREFIXES = ("/logout/", "/admin/", "/api/v1/", "/api/schema/", "/static/", "/media/")
SKIP_SUFFIXES = (".csv", ".json", ".xlsx", ".pdf", ".zip", ".ico", ".svg", ".png")
SKIP_PARTS = ("/download", "/evidence/", "/export")
ENTRY_POINTS = ("/admin/",)  # visited, not crawled


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a" and found.get("href") and "download" not in found:
            self.links.append(found["href"] or "")


@dataclass
class Visit:
    url: str
    status: int
    came_from: str


@dataclass
class Crawl:
    visits: list[Visit] = field(default_factory=list)
    capped: bool = False

    def failures(self) -> list[Visit]:
        return [v for v in self.visits if v.status == 403 or v.status >= 500]


def _shape(url: str) -> str:
    """Pages told apart by path and the names of their query parameters: /?period=2026-10 and
    /?period=2026-09 are the same page for this purpose (a filter's every value is not a page)."""
    parts = urlsplit(url)
    keys = sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return parts.path + "?" + "&".join(keys)


def _route(url: str) -> str:
    """The URL pattern a page is an instance of (/measures/<str:code>/): a few of each is enough
    to know whether the links to them can be followed."""
    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return parts.path
    keys = sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return (match.view_name or match.route) + "?" + "&".join(keys)


def _follow(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme not in ("", "http", "https") or parts.netloc not in ("", "testserver"):
        return False
    path = parts.path
    if "export=" in parts.query:
        return False
    if path.startswith(SKIP_PREFIXES) and path not in ENTRY_POINTS:
        return False
    return not (path.endswith(SKIP_SUFFIXES) or any(p in path for p in SKIP_PARTS))


def crawl(client: Client, start: str = "/", *, limit: int = 250, per_route: int = 3) -> Crawl:
    """Visit pages from `start`, breadth first, at most `per_route` of each URL pattern and
    `limit` in all (`capped` says whether the limit was reached)."""
    result = Crawl()
    queue: deque[tuple[str, str]] = deque([(start, "(start)")])
    seen = {_shape(start)}
    routes: dict[str, int] = {_route(start): 1}
    while queue:
        if len(result.visits) >= limit:
            result.capped = True
            break
        url, came_from = queue.popleft()
        response = client.get(url)
        result.visits.append(Visit(url, response.status_code, came_from))
        content_type = response.get("Content-Type", "")
        if response.status_code != 200 or not content_type.startswith("text/html"):
            continue
        if urlsplit(url).path in ENTRY_POINTS:
            continue
        parser = _Links()
        parser.feed(response.content.decode())
        for href in parser.links:
            target = urldefrag(urljoin("http://testserver" + url, href))[0]
            if not _follow(target):
                continue
            parts = urlsplit(target)
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            shape, route = _shape(local), _route(local)
            if shape not in seen and routes.get(route, 0) < per_route:
                seen.add(shape)
                routes[route] = routes.get(route, 0) + 1
                queue.append((local, url))
    return result
