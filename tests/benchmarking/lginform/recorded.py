"""The recorded answers of this folder, and a fake transport that replays them."""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from benchmarking.lginform.client import Request, Response, TransportError

HERE = Path(__file__).parent
# The five areas of the recorded answers, in the order the client asks for them.
AREAS = ["E06000023", "E07000041", "E07000066", "E07000092", "E07000178"]
PAGES = {
    "E06000023,E07000041": "data-46-page1.json",
    "E07000066,E07000092": "data-46-page2.json",
    "E07000178": "data-46-page3.json",
}


def recorded(name: str, status: int = 200, **headers: str) -> Response:
    return Response(
        status, (HERE / name).read_bytes(), {k.replace("_", "-"): v for k, v in headers.items()}
    )


def query(request: Request) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(request.url).query))


@dataclass
class FakeTransport:
    """Answers each request with `handler(request)`; keeps every request it was sent.

    The handler may return a Response, raise TransportError, or return a list of Responses to
    give one after another to repeated requests for the same areas (the last one repeats)."""

    handler: Callable[[Request], Response | list[Response] | TransportError]
    requests: list[Request] = field(default_factory=list)
    _queues: dict[str, list[Response]] = field(default_factory=dict)

    def send(self, request: Request) -> Response:
        self.requests.append(request)
        areas = query(request).get("area", "")
        if areas in self._queues:
            queue = self._queues[areas]
            return queue.pop(0) if len(queue) > 1 else queue[0]
        answer = self.handler(request)
        if isinstance(answer, TransportError):
            raise answer
        if isinstance(answer, list):
            self._queues[areas] = answer[1:] or answer
            return answer[0]
        return answer

    @property
    def areas_asked(self) -> list[str]:
        return [query(r)["area"] for r in self.requests]


def pages(request: Request) -> Response:
    """The good answers: one recorded page per pair of areas."""
    return recorded(PAGES[query(request)["area"]])


def replaying(**by_areas: Response | list[Response]) -> FakeTransport:
    """The good pages, except the answers given for some area lists (keys: page1, page2, page3)."""
    names = dict(zip(("page1", "page2", "page3"), PAGES, strict=True))
    special = {names[key]: answer for key, answer in by_areas.items()}

    def handler(request: Request) -> Response | list[Response]:
        areas = query(request)["area"]
        return special.get(areas, pages(request))

    return FakeTransport(handler)
