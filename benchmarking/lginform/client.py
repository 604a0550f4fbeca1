"""The LG Inform Plus web API's client: signed requests, answers read into rows, bounded retries.

No Django here: the caller gives the key, the transport (how a GET is sent), a sleep and a clock,
so that tests replay recorded answers and never wait. See the package's docstring for what is
documented and what is inferred.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Protocol

BASE_URL = "https://webservices.esd.org.uk"
DATA_PATH = "/data.table"
# A data answer for 100 areas and a few periods is tens of kilobytes; this is far above it.
MAX_ANSWER_BYTES = 20 * 1024 * 1024
RETRYABLE = frozenset({429, 500, 502, 503, 504})
ALLOWANCE = "exceeded allowed usage"
FIELDS = ("areaIdentifier", "periodLabel", "value")


# --- Sending a request -------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    url: str
    timeout: float


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == wanted), None)


class TransportError(Exception):
    """No answer came: the connection was refused, reset or timed out."""


class Transport(Protocol):
    def send(self, request: Request) -> Response:
        """GET the URL; an HTTP error status is an answer, a failed connection raises
        TransportError."""
        ...


class UrlLibTransport:
    """The real transport: Python's own HTTP client, with a timeout and a size limit."""

    def send(self, request: Request) -> Response:
        get = urllib.request.Request(
            request.url, headers={"Accept": "application/json", "User-Agent": "Goldthread"}
        )
        try:
            with urllib.request.urlopen(get, timeout=request.timeout) as answer:  # noqa: S310
                return Response(
                    answer.status, answer.read(MAX_ANSWER_BYTES + 1), dict(answer.headers.items())
                )
        except urllib.error.HTTPError as exc:
            return Response(exc.code, exc.read(64 * 1024), dict(exc.headers.items()))
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise TransportError(str(reason)) from None


# --- The rules: signing and retrying (pure) -----------------------------------------------------


def sign(url: str, key: str, secret: str = "") -> str:
    """The URL with the application key, and its signature when there is a secret: the Base64
    HMAC-SHA1, keyed with the secret, of the URL (decoded) ending with `ApplicationKey=KEY`."""
    keyed = f"{url}{'&' if '?' in url else '?'}ApplicationKey={urllib.parse.quote(key, safe='')}"
    if not secret:
        return keyed
    message = urllib.parse.unquote_plus(keyed).encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha1).digest()
    return f"{keyed}&Signature={urllib.parse.quote(base64.b64encode(digest), safe='')}"


@dataclass(frozen=True)
class RetryPolicy:
    retries: int = 3  # attempts after the first
    first_delay: float = 2.0  # seconds, doubled at each attempt
    max_wait: float = 60.0  # the longest single wait, a server's Retry-After included


def retry_after(header: str | None, now: datetime) -> float | None:
    """The seconds a Retry-After header asks for (a number of seconds or an HTTP date); None
    when there is none or it cannot be read."""
    if header is None or not header.strip():
        return None
    text = header.strip()
    if text.isdigit():
        return float(int(text))
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def retry_delay(attempt: int, asked: float | None, policy: RetryPolicy) -> float | None:
    """How long to wait after failed attempt `attempt` (the first is 1) before the next one;
    None to give up: no attempts left, or the server asks for a longer wait than we allow."""
    if attempt < 1 or attempt > policy.retries:
        return None
    if asked is not None:
        return asked if asked <= policy.max_wait else None
    return float(min(policy.first_delay * 2 ** (attempt - 1), policy.max_wait))


# --- Reading an answer --------------------------------------------------------------------------


class LGInformError(Exception):
    """No usable answer. `stops_run`: every other metric would fail the same way (the key is
    refused, the allowance is used up, the API asks us to wait or cannot be reached)."""

    def __init__(self, message: str, *, stops_run: bool = False, status: int | None = None):
        super().__init__(message)
        self.stops_run = stops_run
        self.status = status
        self.requests = 0  # made before giving up, set by the client


class MalformedAnswer(LGInformError):
    """The answer is not the JSON the data method documents."""


@dataclass(frozen=True)
class DataRow:
    """One area's figure for one period. `period` is the answer's label: `2023/24`,
    `2025/26 Q3`, or `2024` for a calendar year; `value` is None where there is no figure."""

    area: str
    area_label: str
    period: str
    value: Decimal | str | None


def parse_data(body: bytes, metric_type: int) -> list[DataRow]:
    """The rows of a `data.table` answer (a JSON array of flat records); raise MalformedAnswer
    saying what is wrong and where."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedAnswer("The answer is not UTF-8 text") from None
    try:
        records = json.loads(text, parse_float=Decimal, parse_int=Decimal)
    except json.JSONDecodeError as exc:
        raise MalformedAnswer(
            f"The answer is not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        ) from None
    if not isinstance(records, list):
        kind = "an object" if isinstance(records, dict) else type(records).__name__
        raise MalformedAnswer(f"The answer is {kind}, not a list of records{_keys(records)}")
    return [_row(number, record, metric_type) for number, record in enumerate(records, 1)]


def _keys(found: object) -> str:
    if isinstance(found, dict) and found:
        return f" (it has {', '.join(sorted(str(k) for k in found)[:5])})"
    return ""


def _row(number: int, record: object, metric_type: int) -> DataRow:
    if not isinstance(record, dict):
        raise MalformedAnswer(f"Record {number} of the answer is not an object")
    missing = [name for name in FIELDS if name not in record]
    if missing:
        raise MalformedAnswer(f"Record {number} of the answer has no {', '.join(missing)}")
    metric = record.get("metricTypeIdentifier")
    if metric is not None and str(metric) != str(metric_type):
        raise MalformedAnswer(
            f"Record {number} of the answer is of metric type {metric}, not {metric_type}"
        )
    area, period, value = record["areaIdentifier"], record["periodLabel"], record["value"]
    if not isinstance(area, str) or not isinstance(period, str):
        raise MalformedAnswer(f"Record {number} of the answer has no area or period as text")
    if isinstance(value, bool) or not isinstance(value, Decimal | str | None):
        raise MalformedAnswer(f"Record {number} of the answer has a value that is not a figure")
    if isinstance(value, str) and value.strip().lower() in {"", "null"}:
        value = None
    label = record.get("areaLabel")
    return DataRow(area.strip(), label if isinstance(label, str) else "", period.strip(), value)


def _snippet(body: bytes) -> str:
    """What an error answer says, as one short line of text (never the request's URL)."""
    text = re.sub(r"<[^>]*>", " ", body[:4096].decode("utf-8", "replace"))
    text = " ".join(text.split())
    return text[:200] + ("…" if len(text) > 200 else "")


# --- The client ---------------------------------------------------------------------------------


@dataclass
class Answer:
    rows: list[DataRow]
    requests: int  # retries included
    pages: int


class LGInformClient:
    def __init__(
        self,
        *,
        key: str,
        transport: Transport,
        secret: str = "",
        base_url: str = BASE_URL,
        areas_per_request: int = 100,
        timeout: float = 30.0,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        if not key:
            raise ValueError("An application key is needed")
        if urllib.parse.urlsplit(base_url).scheme not in {"https", "http"}:
            raise ValueError(f"{base_url} is not an http(s) address")
        if areas_per_request < 1:
            raise ValueError("areas_per_request must be at least 1")
        self.key, self.secret = key, secret
        self.transport = transport
        self.base_url = base_url.rstrip("/")
        self.areas_per_request = areas_per_request
        self.timeout = timeout
        self.policy = policy or RetryPolicy()
        self.sleep = sleep
        self.clock = clock or (lambda: datetime.now(UTC))

    def data_url(self, metric_type: int, areas: Sequence[str], latest: int) -> str:
        """The data method's URL for one metric, some areas and the latest periods (unsigned)."""
        query = urllib.parse.urlencode(
            {
                "value.valueType": "raw",
                "metricType": str(metric_type),
                "area": ",".join(areas),
                "period": f"latest:{latest}",
                "columnGrouping": "metricType",
                "rowGrouping": "area",
            },
            safe=":,",
        )
        return f"{self.base_url}{DATA_PATH}?{query}"

    def fetch(self, metric_type: int, areas: Sequence[str], *, latest: int) -> Answer:
        """Every row for the areas, `areas_per_request` areas a request; raise LGInformError."""
        if not areas:
            raise ValueError("No areas to ask for")
        answer = Answer(rows=[], requests=0, pages=0)
        pages = -(-len(areas) // self.areas_per_request)
        try:
            for start in range(0, len(areas), self.areas_per_request):
                chunk = areas[start : start + self.areas_per_request]
                url = sign(self.data_url(metric_type, chunk, latest), self.key, self.secret)
                body = self._get(url, metric_type, answer)
                try:
                    answer.rows += parse_data(body, metric_type)
                except MalformedAnswer as exc:
                    where = (
                        f"request {answer.pages + 1} of {pages}, areas {chunk[0]} to {chunk[-1]}"
                    )
                    raise MalformedAnswer(f"{exc} ({where})") from None
                answer.pages += 1
        except LGInformError as exc:
            exc.requests = answer.requests
            raise
        return answer

    def _get(self, url: str, metric_type: int, answer: Answer) -> bytes:
        attempt = 0
        while True:
            attempt += 1
            answer.requests += 1
            try:
                response: Response | None = self.transport.send(Request(url, self.timeout))
                problem = ""
            except TransportError as exc:
                response, problem = None, str(exc)
            if response is not None and response.status == 200:
                if len(response.body) > MAX_ANSWER_BYTES:
                    raise MalformedAnswer(
                        f"The answer is larger than {MAX_ANSWER_BYTES // (1024 * 1024)} MB"
                    )
                return response.body
            if response is not None and response.status not in RETRYABLE:
                raise _refusal(response, metric_type)
            asked = retry_after(response.header("Retry-After"), self.clock()) if response else None
            delay = retry_delay(attempt, asked, self.policy)
            if delay is None:
                raise self._gave_up(response, attempt, asked, problem)
            self.sleep(delay)

    def _gave_up(
        self, response: Response | None, attempts: int, asked: float | None, problem: str
    ) -> LGInformError:
        tries = f"{attempts} attempt{'s' if attempts != 1 else ''}"
        if response is None:
            return LGInformError(
                f"LG Inform Plus could not be reached after {tries} ({problem})", stops_run=True
            )
        said = f"HTTP {response.status}" + (f": {s}" if (s := _snippet(response.body)) else "")
        if asked is not None and asked > self.policy.max_wait:
            return LGInformError(
                f"LG Inform Plus asked to wait {asked:.0f} seconds before asking again ({said}), "
                f"longer than the {self.policy.max_wait:.0f} seconds allowed: the next scheduled "
                "fetch will try again",
                stops_run=True,
                status=response.status,
            )
        if response.status == 429:
            return LGInformError(
                f"LG Inform Plus was still limiting requests after {tries} ({said}): the next "
                "scheduled fetch will try again",
                stops_run=True,
                status=429,
            )
        return LGInformError(
            f"LG Inform Plus did not answer after {tries} ({said})", status=response.status
        )


def _refusal(response: Response, metric_type: int) -> LGInformError:
    said = f"HTTP {response.status}" + (f": {s}" if (s := _snippet(response.body)) else "")
    if response.status == 401 and ALLOWANCE in said.lower():
        return LGInformError(
            f"LG Inform Plus says the usage allowance is used up ({said}): nothing more can be "
            "fetched until it renews (see the API keys page of LG Inform Plus)",
            stops_run=True,
            status=401,
        )
    if response.status in (401, 403):
        return LGInformError(
            f"LG Inform Plus refused the key ({said}): check LGINFORM_API_KEY and "
            "LGINFORM_API_SECRET",
            stops_run=True,
            status=response.status,
        )
    return LGInformError(
        f"LG Inform Plus refused the request for metric type {metric_type} ({said})",
        status=response.status,
    )
