"""The approval queue: approve one value, a selection or every Green shown; return one in place."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from targets import approvals, permissions, services
from targets.exports import (
    Column,
    export_response,
    figure_cell,
    rag_cell,
    target_cell,
    travel_cell,
)
from targets.filters import ApprovalFilter
from targets.models import User, Value


def _earlier(index: int) -> Column:
    """The `index`-th of the three periods before (0: the oldest), as period and figure."""

    def cell(row: approvals.QueueRow) -> str:
        if index >= len(row.earlier):
            return ""
        period, figure = row.earlier[index]
        return f"{period.label}: {row.value.measure.format(figure)}"

    return Column(f"Earlier period {index + 1}", cell)


# The queue as the page shows it, one row per value, in its order.
EXPORT_COLUMNS = [
    Column("Code", lambda r: r.value.measure.code),
    Column("Measure", lambda r: r.value.measure.title),
    Column("Service", lambda r: r.value.measure.service.name),
    Column("Period", lambda r: r.status.period.label),
    Column("Value", lambda r: figure_cell(r.value.measure, r.value.actual)),
    Column("Target", lambda r: target_cell(r.value.measure, r.status.target)),
    Column("Status", lambda r: rag_cell(r.rag)),
    Column("Since last period", lambda r: travel_cell(r.status.dot_short)),
    Column("Since last year", lambda r: travel_cell(r.status.dot_long)),
    _earlier(0),
    _earlier(1),
    _earlier(2),
    Column(
        "Same period last year",
        lambda r: f"{r.last_year[0].label}: {r.value.measure.format(r.last_year[1])}",
    ),
    Column("Questioned", lambda r: " ".join(q.reason for q in r.questions)),
    Column("Commentary", lambda r: r.value.commentary),
    Column("Corrective action", lambda r: r.value.corrective_action),
    Column("Data quality", lambda r: r.value.get_dq_flag_display()),
    Column(
        "Submitted by",
        lambda r: str(r.value.submitted_by or r.value.entered_by or ""),
    ),
    Column(
        "Submitted on",
        lambda r: timezone.localtime(r.value.submitted_at).date() if r.value.submitted_at else None,
    ),
]


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _require_approver(user: User) -> None:
    if not permissions.approves_values(user):
        raise PermissionDenied(
            "The approval queue is for heads of service, approvers and the performance team."
        )


@require_safe
def approval_queue(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require_approver(user)
    filters = ApprovalFilter(request.GET or None, queryset=Value.objects.none())
    cleaned = filters.form.cleaned_data if filters.is_valid() else {}
    rows = approvals.queue(user, today=timezone.localdate(), filters=cleaned)
    exported = export_response(request, rows, EXPORT_COLUMNS, "values-to-approve")
    if exported is not None:
        return exported
    greens = [row for row in rows if row.is_green]
    select = request.GET.get("select", "")
    return render(
        request,
        "targets/approvals.html",
        {
            "filters": filters,
            "rows": rows,
            "greens": greens,
            "selected_green": select == "green",
            "here": request.get_full_path(),
            "select_green_url": _with_select(request),
            "sees_questions": permissions.is_performance_team(user),
        },
    )


def _with_select(request: HttpRequest) -> str:
    query = request.GET.copy()
    query["select"] = "green"
    return f"{request.path}?{query.urlencode()}"


def parse_tokens(tokens: list[str]) -> list[tuple[int, int | None]]:
    """ "12:3" (value 12 read at version 3) → (12, 3); anything else is a WorkflowError."""
    selected: list[tuple[int, int | None]] = []
    for token in tokens:
        pk, _, version = token.partition(":")
        if not pk.isdigit() or not version.isdigit() or len(token) > 40:
            raise services.WorkflowError(f"{token[:40]!r} is not a value of the queue.")
        selected.append((int(pk), int(version)))
    return selected


@require_POST
def approve_selected(request: HttpRequest) -> HttpResponse:
    """Approve the values ticked (or the one whose own button was pressed): all or nothing."""
    user = _user(request)
    _require_approver(user)
    back = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})
    back = back if safe and back else reverse("approval_queue")
    only = request.POST.get("only", "")
    tokens = [only] if only else request.POST.getlist("value")
    try:
        done = services.values_approve(selected=parse_tokens(tokens), user=user)
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        names = ", ".join(f"{v.measure.code} {v.period_obj.label}" for v in done)
        count = f"{len(done)} value{'s' if len(done) != 1 else ''}"
        messages.success(request, f"You approved {count}: {names}.")
    return redirect(back)
