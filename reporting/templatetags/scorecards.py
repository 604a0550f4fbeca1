"""The rows of a scorecard table (the dashboard's, a service scorecard's, an archived run's),
written in Python rather than by a template per cell.

A council's dashboard has 160 rows of twelve cells; rendered by the template language (an
include, a dozen tags and filters per row) they took most of the page's time, and their
indentation and repeated attributes most of its bytes (issue 18: at most 150 KB of HTML). The
cells are those `_scorecard_table.html` wrote, with the same words; what every row repeated is
in the style sheet once (`.scorecard-rows`): the symbols beside each status and direction
(generated content, hidden from screen readers as the `aria-hidden` spans were), the sparkline's
size and strokes, drawn in whole pixels.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from django import template
from django.core.cache import cache
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import SafeString, mark_safe

from reporting.dashboard import CACHE_SECONDS
from reporting.sparkline import draw
from reporting.templatetags.charts import trend_summary
from targets.models import Measure
from targets.periods import span_label
from targets.rules import Direction, RagResult
from targets.scorecard import MeasureStatus
from targets.templatetags.goldthread import target_text
from targets.widgets import escaped

register = template.Library()

_FLAG = '<span aria-hidden="true">⚑</span> Failed data-quality audit'
# What `reverse` leaves unquoted in an argument (as django.urls.resolvers quotes).
_URL_SAFE = RFC3986_SUBDELIMS + "/~:@"
_NONE = "–"


def _memo(draw_one: Callable[[Any], str]) -> Callable[[Any], str]:
    """The few statuses and directions there are, each written once per page."""
    seen: dict[Any, str] = {}

    def cached(result: Any) -> str:
        if result not in seen:
            seen[result] = draw_one(result)
        return seen[result]

    return cached


@lru_cache(maxsize=256)
def _span(periods: tuple[Any, ...]) -> str:
    """`MeasureStatus.ytd_span`, named once for the many rows whose years to date cover the same
    months (a pure rule of the periods)."""
    return span_label(periods)


def _rag(result: RagResult | None) -> str:
    """A status as a word on its colour; its symbol (✓ ! ✗ –) comes from the style sheet."""
    if result is None:
        return '<span class="rag rag--none">–</span>'
    return f'<span class="rag rag--{escaped(result.rag.value)}">{escaped(result.label)}</span>'


def _travel(direction: Direction | None) -> str:
    """A direction's cell: its word, its arrow from the style sheet, coloured by judgement."""
    if direction is None:
        return '<td class="d-none">Not known</td>'
    return f'<td class="d-{escaped(direction.value)}">{escaped(direction.label)}</td>'


def sparkline_small(measure: Measure, history: list[tuple[Any, Any]]) -> str:
    """A row's trend (oldest first), with the accessible name the scorecards' sparklines have
    always had: first and latest figures, the lowest and the highest."""
    line = draw([None if v is None else float(v) for _, v in history], [], digits=0)
    if line is None or line.last is None:
        return '<span class="hint">Too few values</span>'
    # The column's header names the periods ("Last 12 periods"): the label does not repeat it.
    label = escaped(trend_summary(measure, history))
    return (
        f'<svg viewBox="0 0 {line.width} {line.height}" role="img" aria-label="{label}">'
        f'<polyline points="{line.figures}"/></svg>'
    )


def _url_of(name: str, *, query: str = "") -> Callable[[str], str]:
    """The address of the page `name` for a code, its pattern reversed once a page (160 rows
    each reversing it took a tenth of the rows' time): the code quoted as `reverse` quotes it."""
    marker = "codeplaceholder"
    before, after = reverse(name, args=[marker]).split(marker)
    after += query

    def url(code: str) -> str:
        return f"{before}{quote(code, safe=_URL_SAFE)}{after}"

    return url


@register.simple_tag(takes_context=True)
def scorecard_rows(
    context: template.Context,
    rows: Iterable[MeasureStatus],
    *,
    show_service: bool = False,
    show_owner: bool = False,
    usual_span: str = "",
) -> SafeString:
    """The table body's rows: measure, [service,] period, actual, target, status, directions,
    year to date, forecast, the last periods' trend[, owner]. A row's year to date names its
    months unless they are `usual_span`, which the column's header names.

    A cached scorecard's rows are cached beside it, for as long, under what else they show:
    the failed audits flagging them (looked up afresh each time), whether the viewer may open
    those audits, and the month the links carry."""
    rows = list(rows)
    card = context.get("card")
    flags = getattr(card, "dq_flags", None) or {}
    flagged = {r.measure.pk: flags[r.measure.pk].pk for r in rows if r.measure.pk in flags}
    sees_dq = context.get("sees_data_quality")
    opens_audits = bool(flagged) and bool(sees_dq() if callable(sees_dq) else sees_dq)
    month = context.get("month")
    # The scorecard links carry the month when it was asked for or is not where pages open
    # (a scorecard opens where this page opened: 160 links need not say so).
    request = context.get("request")
    asked = request is not None and "period" in request.GET
    said = month is not None and (asked or month != context.get("opens_at"))
    period_query = f"?period={month.code}" if month is not None and said else ""
    key = ""
    # Not when the page caches its whole scorecard's HTML, these rows with it (`card_vary`).
    if (cached_as := getattr(card, "cache_key", "")) and not context.get("card_vary"):
        shown = [r.measure.pk for r in rows], sorted(flagged.items()), opens_audits
        asked_for = period_query, show_service, show_owner, usual_span
        digest = hashlib.blake2b(repr((shown, asked_for)).encode(), digest_size=16)
        key = f"{cached_as}.rows.{digest.hexdigest()}"
        if (html := cache.get(key)) is not None:
            return mark_safe(html)  # written (and escaped) below
    html = _rows(rows, flags, opens_audits, period_query, show_service, show_owner, usual_span)
    if key:
        cache.set(key, html, CACHE_SECONDS)
    return mark_safe(html)  # every part escaped in _rows


def _rows(
    rows: list[MeasureStatus],
    flags: dict[int, Any],
    opens_audits: bool,
    period_query: str,
    show_service: bool,
    show_owner: bool,
    usual_span: str,
) -> str:
    rag_html, travel_html = _memo(_rag), _memo(_travel)
    measure_url = _url_of("measure_detail")
    service_url = _memo(_url_of("service_scorecard", query=period_query))
    out: list[str] = []
    for row in rows:
        measure = row.measure
        cells: list[str] = [
            f'<tr><th scope="row"><a href="{escaped(measure_url(measure.code))}">'
            f"{escaped(measure.code)}</a> {escaped(measure.title)}</th>"
        ]
        if show_service:
            service = measure.service
            if service.code:
                name = f'<a href="{escaped(service_url(service.code))}">{escaped(service.name)}</a>'
            else:
                name = escaped(service.name or str(service))
            cells.append(f'<td class="service-cell">{name}</td>')
        period = escaped(row.period.label)
        if row.reported and not row.due:
            period += escaped(f", reported {date_format(row.reported, 'M Y')}")
        cells.append(f"<td>{period}</td>")
        approval = '<br><span class="tag">not yet approved</span>' if row.not_yet_approved else ""
        # The actual and the target are right-aligned by the style sheet, by their column.
        cells.append(
            f"<td>{escaped(measure.format(row.actual))}{approval}</td>"
            f"<td>{escaped(target_text(measure, row.target))}</td>"
        )
        status: str = rag_html(row.rag)
        if row.late:
            status += ' <span class="tag tag--late">Late</span>'
        flag = flags.get(measure.pk)
        if flag is not None:
            if opens_audits:
                status += (
                    f'<br><a class="dq-flag" href="{escaped(flag.get_absolute_url())}">{_FLAG}</a>'
                )
            else:
                status += f'<br><span class="dq-flag">{_FLAG}</span>'
        cells.append(f"<td>{status}</td>{travel_html(row.dot_short)}{travel_html(row.dot_long)}")
        if row.ytd_actual is not None:
            ytd = escaped(measure.format(row.ytd_actual))
            if row.ytd_target:
                of = escaped(target_text(measure, row.ytd_target))
                ytd += f'<span class="hint"> of {of}</span>'
            ytd += "<br>" + rag_html(row.ytd_rag)
            if (span := _span(row.ytd_periods)) and span != usual_span:
                ytd += f'<br><span class="hint ytd-span">{escaped(span)}</span>'
        else:
            ytd = _NONE
        if row.forecast_rag:
            forecast = escaped(measure.format(row.value.forecast))  # type: ignore[union-attr]
            forecast += "<br>" + rag_html(row.forecast_rag)
        else:
            forecast = _NONE
        cells.append(
            f"<td>{ytd}</td><td>{forecast}</td><td>{sparkline_small(measure, row.history)}</td>"
        )
        if show_owner:
            cells.append(f"<td>{escaped(str(measure.updater) if measure.updater else _NONE)}</td>")
        cells.append("</tr>")
        out.append("".join(cells))
    return "".join(out)


@register.filter
def usual_ytd_span(rows: Iterable[MeasureStatus]) -> str:
    """The months most of these rows' years to date cover ("Apr–Nov"), if most cover the same:
    the table's header names them once instead of every row."""
    spans = Counter(_span(row.ytd_periods) for row in rows if row.ytd_actual is not None)
    if not spans:
        return ""
    span, count = spans.most_common(1)[0]
    return span if span and 2 * count > sum(spans.values()) else ""
