"""Pages for entering values and moving them through the workflow."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from targets import entry_grid, history, params, periods, permissions, questions, rules, services
from targets.anomaly import Question
from targets.forms import GridRowForm, ReturnForm, ValueForm, VersionForm, decimal_or_none
from targets.models import ChangeRecord, Measure, Service, User, Value, ValueStatus
from targets.periods import Period
from targets.plans.cycle import my_plan_work
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
    # The month grid lists quarterly and annual measures too, when they are due.
    editable = permissions.editable_measures(user)
    today = timezone.localdate()
    return render(
        request,
        "targets/my_work.html",
        {
            "work": worklist(user, today),
            "services_to_enter": Service.objects.filter(measures__in=editable).distinct(),
            **my_plan_work(user, today),
        },
    )


def _typed_rag(measure: Measure, period: Period, form: ValueForm) -> rules.RagResult | None:
    """The RAG of the figures a posted form holds, when they can be read: the form keeps
    showing it after a refusal, rather than going back to "Enter a value"."""
    data = form.cleaned_data
    typed = ValueInput(
        actual=data.get("actual"),
        numerator=data.get("numerator"),
        denominator=data.get("denominator"),
    )
    try:
        actual = services.derived_actual(measure, typed)
    except WorkflowError:
        return None
    return services.would_be(measure, period, actual) if actual is not None else None


def _typed_question(measure: Measure, period: Period, form: ValueForm) -> Question | None:
    """The question about the figures a posted form holds, when they can be read."""
    if not hasattr(form, "cleaned_data"):
        return None
    data = form.cleaned_data
    typed = ValueInput(numerator=data.get("numerator"), denominator=data.get("denominator"))
    try:
        actual = services.derived_actual(measure, replace(typed, actual=data.get("actual")))
    except WorkflowError:
        return None
    return questions.ask(
        measure, period, actual, numerator=typed.numerator, denominator=typed.denominator
    )


def value_edit(request: HttpRequest, code: str) -> HttpResponse:
    measure = get_object_or_404(Measure.objects.select_related("service"), code=code)
    user = _user(request)
    if not permissions.can_edit_value(user, measure):
        raise PermissionDenied(f"You cannot enter values for {measure.code}.")
    period = _period(request, measure)
    previous, last_year = period.previous(), period.same_period_last_year()
    found = {
        v.period: v
        for v in Value.objects.filter(
            measure=measure, period__in=[period.code, previous.code, last_year.code]
        ).select_related("entered_by")
    }
    value = found.get(period.code)
    initial: dict[str, object] = {"version": value.version if value else 0}
    if value:
        initial |= _initial(value, VALUE_FIELDS)
    form = ValueForm(request.POST or None, request.FILES or None, measure=measure, initial=initial)
    preview = None
    question = None
    conflict = None
    if request.method == "POST":
        valid = form.is_valid()
        action = request.POST.get("action", "save")
        if valid and action == "check":
            try:
                data = form.value_input()
                preview = services.would_be(measure, period, services.derived_actual(measure, data))
            except WorkflowError as exc:
                form.add_error(exc.field, str(exc))
        elif valid:
            try:
                saved = services.value_save(
                    measure=measure,
                    period=period,
                    data=form.value_input(),
                    user=user,
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
        if preview is None:
            preview = _typed_rag(measure, period, form)
        question = _typed_question(measure, period, form)
    elif value is not None and value.actual is not None:
        preview = services.would_be(measure, period, value.actual)
        question = questions.ask(
            measure,
            period,
            value.actual,
            numerator=value.numerator,
            denominator=value.denominator,
        )
    target = services.period_target(measure, period)
    status = entry_grid.value_status(value)
    returned = entry_grid.last_return(value) if value and status == "returned" else None
    return render(
        request,
        "targets/value_form.html",
        {
            "measure": measure,
            "period": period,
            "value": value,
            "status": status,
            "status_label": entry_grid.RowStatus.LABELS[status],
            "returned": returned,
            "previous": found.get(previous.code),
            "previous_period": previous,
            "last_year": found.get(last_year.code),
            "last_year_period": last_year,
            "form": form,
            "preview": preview,
            "question": question,
            "recorded": list(value.questions.select_related("raised_by")) if value else [],
            "needs_corrective_action": preview is not None and preview.rag == rules.Rag.RED,
            "conflict": conflict,
            "target": target,
            "stored_rag": measure.rate(value.actual, target) if value else None,
            "due_date": period.due_date(measure.due_days),
            "is_published": value is not None and value.status == ValueStatus.PUBLISHED,
            "can_restate": permissions.can_publish(user),
            "is_locked": value is not None
            and value.status in (ValueStatus.SUBMITTED, ValueStatus.APPROVED)
            and not permissions.can_publish(user),
        },
    )


# A figure field holds 14 digits before the point (`figure_field`).
MAX_FIGURE = Decimal(10) ** 14


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
    figures: dict[str, Decimal | None] = {}
    for name, label in (
        ("actual", "Value"),
        ("numerator", "Numerator"),
        ("denominator", "Denominator"),
    ):
        text = request.GET.get(name, "")
        figure = decimal_or_none(text)
        if text.strip() and (figure is None or not figure.is_finite()):
            return JsonResponse({"error": f"{label} must be a number"}, status=400)
        if figure is not None and abs(figure) >= MAX_FIGURE:
            return JsonResponse({"error": f"{label} has too many digits"}, status=400)
        figures[name] = figure
    try:
        actual = services.derived_actual(
            measure,
            ValueInput(
                actual=figures["actual"],
                numerator=figures["numerator"],
                denominator=figures["denominator"],
            ),
        )
        result = services.would_be(measure, period, actual)
    except WorkflowError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    asked = questions.ask(
        measure,
        period,
        actual,
        numerator=figures["numerator"],
        denominator=figures["denominator"],
    )
    return JsonResponse(
        {
            "rag": result.rag.value,
            "label": result.label,
            "symbol": result.symbol,
            "corrective_action_required": result.rag == rules.Rag.RED,
            # The question the figure would raise: an explanation is then required.
            "question": questions.as_json(asked, measure) if asked is not None else None,
        }
    )


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


def _check_rows(rows: list[entry_grid.GridRow], *, saving: bool) -> None:
    """Rate and question each open row's typed figure (nothing is saved): the RAG and the
    question shown after "Check" and after a refused save, so the page keeps what was typed and
    what it would mean. When `saving`, a Red row without a corrective action and a questioned
    row without an explanation are marked at once, so one answer lists every row's problem
    (the save checks again)."""
    entered = [row for row in rows if row.is_open and row.form.is_valid() and row.form.has_entry]
    # Every row's history and peers at once: the grid may have a hundred rows.
    book = questions.Book.load([(row.measure, row.period) for row in entered])
    for row in entered:
        data = row.form.value_input()
        try:
            actual = services.derived_actual(row.measure, data)
            row.checked = row.rate(actual)
            row.question = book.ask(
                row.measure,
                row.period,
                actual,
                numerator=data.numerator,
                denominator=data.denominator,
            )
            if saving:
                services.require_corrective_action(row.checked, data.corrective_action)
                services.require_explanation(row.question, data.commentary)
        except WorkflowError as exc:
            row.form.add_error(exc.field if exc.field in row.form.fields else None, str(exc))


def _grid_input(row: entry_grid.GridRow) -> ValueInput:
    """A row's figures and words; what the grid has no field for (data-quality flag, forecast)
    stays as the draft had it, never reset by a save from the grid."""
    data = row.form.value_input()
    if row.value is None:
        return data
    return replace(data, dq_flag=row.value.dq_flag, forecast=row.value.forecast)


def service_grid(request: HttpRequest, code: str) -> HttpResponse:
    """A whole service's month on one page: every measure due that month, each for its own
    period; saved all or nothing, like an import."""
    service = get_object_or_404(Service, code=code)
    user = _user(request)
    if not permissions.editable_measures(user).filter(service=service).exists():
        raise PermissionDenied(f"You enter no values for {service.name}.")
    latest = periods.latest_complete_period(timezone.localdate(), periods.Frequency.MONTHLY)
    month = params.period_param(request.GET, default=latest, frequency=periods.Frequency.MONTHLY)
    rows = entry_grid.load_rows(service, month, user)
    posted = request.method == "POST"
    for row in rows:
        initial: dict[str, object] = {"version": row.value.version if row.value else 0}
        if row.value and row.is_open:
            initial |= _initial(row.value, GRID_FIELDS)
        row.form = GridRowForm(
            request.POST if posted and row.is_open else None,
            measure=row.measure,
            prefix=row.measure.code,
            initial=initial,
        )

    open_rows = [row for row in rows if row.is_open]
    action = request.POST.get("action", "save")
    if posted:
        _check_rows(open_rows, saving=action != "check")
    if posted and action != "check" and all(row.form.is_valid() for row in open_rows):
        entries = [
            services.Entry(
                row.measure, _grid_input(row), row.form.cleaned_data["version"], row.period
            )
            for row in open_rows
            if row.form.has_entry
        ]
        try:
            saved = services.values_save_all(
                period=month, entries=entries, user=user, submit=action == "submit"
            )
        except services.EntriesRefused as refused:
            for row in open_rows:
                if (exc := refused.errors.get(row.measure.code)) is not None:
                    row.form.add_error(
                        exc.field if exc.field in row.form.fields else None, str(exc)
                    )
        else:
            verb = "submitted for approval" if action == "submit" else "saved as drafts"
            noun = "value" if saved == 1 else "values"
            messages.success(request, f"{service.name}, {month.label}: {saved} {noun} {verb}.")
            return redirect(f"{request.path}?period={month.code}")
    return render(
        request,
        "targets/service_grid.html",
        {
            "service": service,
            "month": month,
            "rows": rows,
            "choices": sorted({*periods.last_n(latest, 12), month}, reverse=True),
            "has_errors": any(row.form.errors for row in rows),
            "has_open_rows": bool(open_rows),
            "checked": posted and action == "check",
        },
    )
