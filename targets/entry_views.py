"""Pages for entering values and moving them through the workflow."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from targets import history, params, periods, permissions, services
from targets.forms import GridRowForm, ReturnForm, ValueForm, VersionForm, decimal_or_none
from targets.models import ChangeRecord, Measure, Service, User, Value, ValueStatus
from targets.periods import Period
from targets.plans.cycle import my_plan_work
from targets.rules import TargetSpec
from targets.scorecard import TargetBook
from targets.services import ConflictError, ValueInput, WorkflowError
from targets.worklist import worklist


def _user(request: HttpRequest) -> User:
    """The signed-in user: every page here is behind LoginRequiredMiddleware."""
    return cast(User, request.user)


VALUE_FIELDS = (
    "actual",
    "numerator",
    "denominator",
    "commentary",
    "corrective_action",
    "dq_flag",
    "forecast",
)


def _initial(value: Value, names: tuple[str, ...]) -> dict[str, object]:
    """A stored value's fields for a form; figures as written (55.5, not 55.500000)."""
    initial: dict[str, object] = {}
    for name in names:
        item = getattr(value, name)
        initial[name] = format(item.normalize(), "f") if isinstance(item, Decimal) else item
    return initial


def _period(request: HttpRequest, measure: Measure) -> Period:
    """The ?period= asked for (default: the measure's latest complete period), one the measure
    reports (BadParameter otherwise)."""
    latest = periods.latest_complete_period(timezone.localdate(), measure.period_frequency)
    period = params.period_param(request.GET, default=latest)
    try:
        services.check_period(measure, period)
    except WorkflowError as exc:
        raise params.BadParameter("period", str(exc)) from exc
    return period


def _local(request: HttpRequest, url: str) -> str:
    """`url` if it is a page of this site, else "": a form's `next` never leads elsewhere."""
    safe = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if safe else ""


def my_work(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    monthly = permissions.editable_measures(user).filter(frequency=Measure.Frequency.MONTHLY)
    today = timezone.localdate()
    return render(
        request,
        "targets/my_work.html",
        {
            "work": worklist(user, today),
            "services_to_enter": Service.objects.filter(measures__in=monthly).distinct(),
            **my_plan_work(user, today),
        },
    )


def value_edit(request: HttpRequest, code: str) -> HttpResponse:
    measure = get_object_or_404(Measure.objects.select_related("service"), code=code)
    if not permissions.can_edit_value(_user(request), measure):
        raise PermissionDenied(f"You cannot enter values for {measure.code}.")
    period = _period(request, measure)
    value = Value.objects.filter(measure=measure, period=period.code).first()
    initial: dict[str, object] = {"version": value.version if value else 0}
    if value:
        initial |= _initial(value, VALUE_FIELDS)
    form = ValueForm(request.POST or None, request.FILES or None, measure=measure, initial=initial)
    preview = None
    conflict = None
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action", "save")
        data = form.value_input()
        if action == "check":
            try:
                preview = services.would_be(measure, period, services.derived_actual(measure, data))
            except WorkflowError as exc:
                form.add_error(exc.field, str(exc))
        else:
            try:
                saved = services.value_save(
                    measure=measure,
                    period=period,
                    data=data,
                    user=_user(request),
                    expected_version=form.cleaned_data["version"],
                    submit=action == "submit",
                    reason=form.cleaned_data.get("reason", ""),
                )
            except ConflictError as exc:
                conflict = exc.current
                form.add_error(None, str(exc))
            except WorkflowError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc))
            else:
                verb = {"submit": "submitted for approval"}.get(action, "saved")
                if saved.status == ValueStatus.PUBLISHED:
                    verb = f"restated (revision {saved.revision})"
                messages.success(request, f"{measure.code} {period.label} {verb}.")
                return redirect("my_work")
    elif value is not None and value.actual is not None:
        preview = services.would_be(measure, period, value.actual)
    return render(
        request,
        "targets/value_form.html",
        {
            "measure": measure,
            "period": period,
            "value": value,
            "form": form,
            "preview": preview,
            "conflict": conflict,
            "target": services.period_target(measure, period),
            "due_date": period.due_date(measure.due_days),
            "is_published": value is not None and value.status == ValueStatus.PUBLISHED,
            "can_restate": permissions.can_publish(_user(request)),
            "is_locked": value is not None
            and value.status in (ValueStatus.SUBMITTED, ValueStatus.APPROVED)
            and not permissions.can_publish(_user(request)),
        },
    )


@require_GET
def value_preview(request: HttpRequest, code: str) -> JsonResponse:
    """The RAG a figure would get, for the form's live preview."""
    measure = get_object_or_404(Measure, code=code)
    if not permissions.can_edit_value(_user(request), measure):
        raise PermissionDenied
    try:
        period = _period(request, measure)
    except params.BadParameter as exc:
        return JsonResponse({"error": exc.message}, status=400)
    data = ValueInput(
        actual=decimal_or_none(request.GET.get("actual", "")),
        numerator=decimal_or_none(request.GET.get("numerator", "")),
        denominator=decimal_or_none(request.GET.get("denominator", "")),
    )
    try:
        result = services.would_be(measure, period, services.derived_actual(measure, data))
    except WorkflowError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse({"rag": result.rag.value, "label": result.label, "symbol": result.symbol})


@require_POST
def value_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    value = get_object_or_404(Value.objects.select_related("measure"), pk=pk)
    if not permissions.sees_internal_values(_user(request)):
        raise Http404
    user = _user(request)
    version_form = VersionForm(request.POST)
    version = version_form.cleaned_data.get("version") if version_form.is_valid() else None
    label = f"{value.measure.code} {value.period_obj.label}"
    try:
        if action == "submit":
            services.value_submit(value, user=user, expected_version=version)
            messages.success(request, f"{label} submitted for approval.")
        elif action == "approve":
            services.value_approve(value, user=user, expected_version=version)
            messages.success(request, f"{label} approved.")
        elif action == "return":
            form = ReturnForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            services.value_return(value, user=user, reason=reason, expected_version=version)
            officer = value.submitted_by or value.entered_by
            to = f" to {officer}" if officer and officer != user else ""
            messages.success(request, f"You returned {label}{to} as a draft, with your reason.")
        else:
            raise Http404
    except WorkflowError as exc:
        messages.error(request, f"{label}: {exc}")
    return redirect(_local(request, request.POST.get("next", "")) or "my_work")


def measure_history(request: HttpRequest, code: str) -> HttpResponse:
    measure = get_object_or_404(Measure, code=code)
    if not permissions.sees_internal_values(_user(request)):
        raise PermissionDenied("The change history is for council staff.")
    records = ChangeRecord.objects.filter(measure_code=measure.code).select_related("user")[:500]
    context = {"measure": measure, "entries": history.entries(records)}
    return render(request, "targets/measure_history.html", context)


def value_evidence(request: HttpRequest, pk: int) -> FileResponse:
    """Evidence is for council staff; a draft's evidence only for those who may edit it."""
    value = get_object_or_404(Value.objects.select_related("measure"), pk=pk)
    user = _user(request)
    if not value.evidence or not permissions.sees_internal_values(user):
        raise Http404
    if value.status == ValueStatus.DRAFT and not permissions.can_edit_value(user, value.measure):
        raise Http404
    return FileResponse(value.evidence.open("rb"), as_attachment=True)


GRID_FIELDS = ("actual", "numerator", "denominator", "commentary", "corrective_action")


@dataclass
class GridRow:
    measure: Measure
    value: Value | None
    target: TargetSpec | None
    form: GridRowForm
    is_open: bool


def service_grid(request: HttpRequest, code: str) -> HttpResponse:
    """A whole service's month on one page: all or nothing, like an import."""
    service = get_object_or_404(Service, code=code)
    user = _user(request)
    latest = periods.latest_complete_period(timezone.localdate(), periods.Frequency.MONTHLY)
    month = params.period_param(request.GET, default=latest, frequency=periods.Frequency.MONTHLY)
    measures = list(
        permissions.editable_measures(user)
        .filter(service=service, frequency=Measure.Frequency.MONTHLY)
        .active_in(month.year)
        .order_by("code")
    )
    if not measures:
        raise PermissionDenied(f"You enter no monthly values for {service.name}.")
    values = {
        v.measure_id: v for v in Value.objects.filter(measure__in=measures, period=month.code)
    }
    book = TargetBook.load(measures, [month.year])
    rows = []
    for measure in measures:
        value = values.get(measure.pk)
        open_ = value is None or value.status == ValueStatus.DRAFT
        initial: dict[str, object] = {"version": value.version if value else 0}
        if value:
            initial |= _initial(value, GRID_FIELDS)
        form = GridRowForm(
            request.POST if request.method == "POST" and open_ else None,
            measure=measure,
            prefix=measure.code,
            initial=initial,
        )
        rows.append(GridRow(measure, value, book.for_period(measure, month), form, open_))

    open_rows = [row for row in rows if row.is_open]
    if request.method == "POST" and all(row.form.is_valid() for row in open_rows):
        entries = [
            services.Entry(row.measure, row.form.value_input(), row.form.cleaned_data["version"])
            for row in open_rows
            if row.form.has_entry
        ]
        try:
            saved = services.values_save_all(
                period=month,
                entries=entries,
                user=user,
                submit=request.POST.get("action") == "submit",
            )
        except services.EntriesRefused as refused:
            for row in open_rows:
                if (exc := refused.errors.get(row.measure.code)) is not None:
                    row.form.add_error(
                        exc.field if exc.field in row.form.fields else None, str(exc)
                    )
        else:
            messages.success(request, f"{service.name}, {month.label}: {saved} values saved.")
            return redirect(f"{request.path}?period={month.code}")
    return render(
        request,
        "targets/service_grid.html",
        {
            "service": service,
            "month": month,
            "rows": rows,
            "choices": list(reversed(periods.last_n(latest, 12))),
            "has_errors": any(row.form.errors for row in rows),
        },
    )
