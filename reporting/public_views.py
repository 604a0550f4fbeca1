"""The public performance page and open data: anonymous, read-only, cached.

Pages are rendered without the request, so a cached page can hold nothing of whoever asked first
(no name, no messages, no CSRF token) and is the same for everyone, signed in or not. Their
finished bytes are kept by `reporting.public_cache`, whose middleware answers a visitor without
a session before the session and sign-in middleware; each view marked `@public_output` names its
entry from the request, the same way for the middleware and for itself.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_safe

from reporting import public, public_cache
from reporting.public import LICENCE_NAME, LICENCE_URL, OPEN_DATA_COLUMNS, Cell, OpenData
from reporting.public_cache import public_output
from targets.exports import csv_cell
from targets.rules import Direction, GreyReason, Rag, RagResult

SYMBOLS: dict[str, list[tuple[Any, str]]] = {
    "statuses": [
        (RagResult(Rag.GREEN), "The figure meets or beats its target."),
        (
            RagResult(Rag.AMBER),
            "The figure misses its target, but only by the small margin (the tolerance) set "
            "for the measure, such as 5% of the target.",
        ),
        (RagResult(Rag.RED), "The figure misses its target by more than the tolerance."),
        (RagResult(Rag.GREY, GreyReason.NO_DATA), "No figure has been published yet."),
        (RagResult(Rag.GREY, GreyReason.NO_TARGET), "There is no target to compare it with."),
        (
            RagResult(Rag.GREY, GreyReason.DATA_ONLY),
            "We report the figure for information: it has no target, and neither a higher nor "
            "a lower figure is better.",
        ),
    ],
    "directions": [
        (Direction.IMPROVING, "Better than the earlier figure."),
        (Direction.WORSENING, "Worse than the earlier figure."),
        (Direction.NO_CHANGE, "The same as the earlier figure, as rounded on this page."),
        (Direction.INCREASING, "Higher than the earlier figure, for a measure of data only."),
        (Direction.DECREASING, "Lower than the earlier figure, for a measure of data only."),
    ],
}
LICENCE_LINK = f'<{LICENCE_URL}>; rel="license"'


def _context(**extra: Any) -> dict[str, Any]:
    return {
        "council_name": settings.COUNCIL_NAME,
        "licence_name": LICENCE_NAME,
        "licence_url": LICENCE_URL,
        "symbols": SYMBOLS,
        **extra,
    }


def _cached(
    request: HttpRequest,
    name: str,
    build: Callable[[date], str | None],
    content_type: str,
    headers: dict[str, str] | None = None,
) -> HttpResponseBase:
    """Serve output `name` from the cache, building it if the published data has changed."""
    today = timezone.localdate()
    key = public.cache_key(name, today)
    entry = public_cache.get(key)
    if entry is None:
        body = build(today)
        if body is None:
            raise Http404("There is no such public page.")
        entry = public_cache.put(key, body, content_type, headers)
    return public_cache.respond(request, key, entry)


# The names of the cached outputs, from the request: PublicPageMiddleware asks them too.
def _home_name(request: HttpRequest) -> str:
    code = request.GET.get("period", "").strip()
    return f"home:{code}" if code else "home"


def _measure_name(request: HttpRequest, code: str) -> str:
    return f"measure:{code}"


@login_not_required
@require_safe
@public_output(_home_name)
def public_home(request: HttpRequest) -> HttpResponseBase:
    """The public page at the latest month mostly published, or at `?period=` (an earlier
    month); a month it cannot show is a 400 saying why."""
    code = request.GET.get("period", "").strip()
    month = None
    if code:
        try:
            month = public.month_asked(code, timezone.localdate())
        except public.MonthError as exc:
            context = _context(page=public.page(timezone.localdate()), current="home")
            context["month_error"] = str(exc)
            body = render_to_string("reporting/public/home.html", context)
            return HttpResponse(body, status=400, content_type="text/html; charset=utf-8")

    def build(today: date) -> str:
        context = _context(page=public.page(today, month), current="home")
        return render_to_string("reporting/public/home.html", context)

    return _cached(request, _home_name(request), build, "text/html; charset=utf-8")


@login_not_required
@require_safe
@public_output(_measure_name)
def public_measure(request: HttpRequest, code: str) -> HttpResponseBase:
    def build(today: date) -> str | None:
        item = public.measure_page(code, today)
        if item is None:
            return None
        context = _context(item=item, measure=item.measure, current="measure")
        return render_to_string("reporting/public/measure.html", context)

    return _cached(request, _measure_name(request, code), build, "text/html; charset=utf-8")


@login_not_required
@require_safe
@public_output(lambda request: "csv")
def public_data_csv(request: HttpRequest) -> HttpResponseBase:
    headers = {
        "Content-Disposition": 'attachment; filename="public-performance.csv"',
        "Link": LICENCE_LINK,
        "Access-Control-Allow-Origin": "*",
    }
    build = _open_data(open_data_csv)
    return _cached(request, "csv", build, "text/csv; charset=utf-8; header=present", headers)


@login_not_required
@require_safe
@public_output(lambda request: "json")
def public_data_json(request: HttpRequest) -> HttpResponseBase:
    headers = {"Link": LICENCE_LINK, "Access-Control-Allow-Origin": "*"}
    return _cached(request, "json", _open_data(open_data_json), "application/json", headers)


def _open_data(write: Callable[[OpenData], str]) -> Callable[[date], str]:
    def build(today: date) -> str:
        return write(public.open_data(today))

    return build


def open_data_csv(data: OpenData) -> str:
    """The rows as CSV after one comment line naming the licence, the publisher and the month
    the figures run to."""
    out = io.StringIO()
    # No commas in this line, so that a reader that does not skip comments sees one cell.
    out.write(
        f"# {LICENCE_NAME}: {LICENCE_URL} - published by {settings.COUNCIL_NAME}"
        f" - figures to {data.figures_to.label}\r\n"
    )
    writer = csv.writer(out)
    writer.writerow(OPEN_DATA_COLUMNS)
    writer.writerows([csv_cell(row[column]) for column in OPEN_DATA_COLUMNS] for row in data.rows)
    return out.getvalue()


def json_cell(cell: Cell) -> str | int | float | None:
    if isinstance(cell, Decimal):
        return int(cell) if cell == cell.to_integral_value() else float(cell)
    if isinstance(cell, datetime):
        return cell.isoformat()
    return cell


def open_data_json(data: OpenData) -> str:
    document = {
        "licence": {"name": LICENCE_NAME, "url": LICENCE_URL},
        "publisher": settings.COUNCIL_NAME,
        "generated": timezone.now().isoformat(),
        "figures_to": {"month": data.figures_to.code, "label": data.figures_to.label},
        "columns": list(OPEN_DATA_COLUMNS),
        "rows": [{key: json_cell(value) for key, value in row.items()} for row in data.rows],
    }
    return json.dumps(document, ensure_ascii=False)
