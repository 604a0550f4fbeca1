"""The data-quality pages (mounted at /quality/): procedures, the audit programme, audits and
their actions, and the champions' quarterly summary."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from targets import periods, permissions
from targets.models import (
    DIMENSIONS,
    Action,
    DataQualityAudit,
    DataQualityProcedure,
    Measure,
    Service,
    User,
)
from targets.periods import Frequency
from targets.plans.actions import PlanError
from targets.quality import reports as dq_reports
from targets.quality import services as dq_services
from targets.quality.filters import AuditFilter
from targets.quality.forms import (
    ActionFormSet,
    ActionUpdateForm,
    AuditAddForm,
    AuditRecordForm,
    ControlCheckForm,
    ProcedureForm,
    QuarterForm,
    ReasonForm,
)
from targets.quality.services import AuditStateError, ChecklistError


def _internal(request: HttpRequest) -> User:
    if not permissions.sees_data_quality(request.user):
        raise PermissionDenied("Data quality is for council staff.")
    return cast(User, request.user)


def home(request: HttpRequest) -> HttpResponse:
    """This month's audits, what needs attention, and the champions."""
    user = _internal(request)
    today = timezone.localdate()
    month = periods.period_containing(today, Frequency.MONTHLY)
    procedures = dq_reports.procedures_by_service(today)
    return render(
        request,
        "targets/quality/home.html",
        {
            "month": month,
            "audits": dq_reports.audits_with_details().filter(month=month.code).in_programme(),
            "procedures": procedures,
            "overdue": sum(len(r.overdue) for r in procedures),
            "missing": sum(len(r.missing) for r in procedures),
            "failures": dq_reports.open_failures(),
            "can_manage": permissions.can_manage_dq_audits(user),
            "proposed": dq_reports.rule_has_proposed(month),
        },
    )


# Procedures ----------------------------------------------------------------------------------


def _measure(code: str) -> Measure:
    return get_object_or_404(
        Measure.objects.select_related("service", "updater", "priority"), code=code
    )


def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = _internal(request)
    measure = _measure(code)
    panel = dq_reports.measure_panel(measure, timezone.localdate())
    return render(
        request,
        "targets/quality/procedure_detail.html",
        {
            "measure": measure,
            "panel": panel,
            "procedure": panel.procedure,
            "can_edit": permissions.can_edit_dq_procedure(user, measure),
        },
    )


def procedure_edit(request: HttpRequest, code: str) -> HttpResponse:
    user = _internal(request)
    measure = _measure(code)
    if not permissions.can_edit_dq_procedure(user, measure):
        raise PermissionDenied(f"You cannot change the data-quality procedure of {measure.code}.")
    procedure = DataQualityProcedure.objects.filter(measure=measure).first()
    initial: dict[str, object] = {"last_reviewed": timezone.localdate()}
    if procedure is not None:
        initial |= {
            "collection": procedure.collection,
            "calculation": procedure.calculation,
            "source_system": procedure.source_system,
            "controls": procedure.controls,
        }
    elif measure.data_source:
        initial["source_system"] = measure.data_source
    form = ProcedureForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = dq_services.procedure_save(measure=measure, data=form.to_input(), user=user)
        messages.success(
            request,
            f"Procedure saved. The next review is due by {saved.next_review_due:%-d %B %Y}.",
        )
        return redirect(saved)
    return render(
        request,
        "targets/quality/procedure_form.html",
        {"measure": measure, "procedure": procedure, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def procedures(request: HttpRequest) -> HttpResponse:
    """Procedures overdue for review and missing, by service."""
    _internal(request)
    service = None
    if code := request.GET.get("service", "").strip():
        service = get_object_or_404(Service, code=code)
    rows = dq_reports.procedures_by_service(timezone.localdate(), service=service)
    return render(
        request,
        "targets/quality/procedures.html",
        {
            "rows": rows,
            "attention": [r for r in rows if r.needs_attention],
            "service": service,
            "services": Service.objects.filter(is_active=True).order_by("name"),
            "today": timezone.localdate(),
        },
    )


# The audit programme ---------------------------------------------------------------------------


def programme(request: HttpRequest) -> HttpResponse:
    user = _internal(request)
    today = timezone.localdate()
    this_year = periods.financial_year_of(today)
    this_month = periods.period_containing(today, Frequency.MONTHLY)
    data = request.GET.copy()
    data.setdefault("year", periods.fy_label(this_year))
    filters = AuditFilter(data, queryset=dq_reports.audits_with_details())
    valid = filters.is_valid()
    year = (filters.form.cleaned_data.get("year") if valid else None) or this_year
    return render(
        request,
        "targets/quality/programme.html",
        {
            "filters": filters,
            "months": dq_reports.programme(filters.qs if valid else filters.queryset, year),
            "year_label": periods.fy_label(year),
            "this_month": this_month,
            "can_manage": permissions.can_manage_dq_audits(user),
            "proposed": dq_reports.rule_has_proposed(this_month),
        },
        status=200 if valid else 400,
    )


@require_POST
def propose(request: HttpRequest) -> HttpResponse:
    user = _internal(request)
    if not permissions.can_manage_dq_audits(user):
        raise PermissionDenied("Only the performance team proposes audits.")
    month = periods.period_containing(timezone.localdate(), Frequency.MONTHLY)
    made = dq_services.audits_propose(month=month, user=user, source="form")
    if made:
        codes = ", ".join(a.measure.code for a in made)
        messages.success(request, f"Proposed for {month.label}: {codes}.")
    else:
        messages.info(
            request, f"Nothing new to propose: {month.label}'s audits are already chosen."
        )
    return redirect("dq_programme")


def audit_new(request: HttpRequest) -> HttpResponse:
    user = _internal(request)
    if not permissions.can_manage_dq_audits(user):
        raise PermissionDenied("Only the performance team adds audits.")
    month = periods.period_containing(timezone.localdate(), Frequency.MONTHLY)
    initial = {"month": request.GET.get("month", month.code), "measure": request.GET.get("measure")}
    form = AuditAddForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            row = dq_services.audit_add(
                measure=form.cleaned_data["measure"],
                month=form.cleaned_data["month"],
                auditor=form.cleaned_data["auditor"],
                note=form.cleaned_data["note"],
                user=user,
            )
        except AuditStateError as exc:
            form.add_error("measure", str(exc))
        else:
            messages.success(request, f"Added to {row.month_label}: {row.measure.code}.")
            return redirect(row)
    return render(
        request,
        "targets/quality/audit_new.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


def _audit(pk: int) -> DataQualityAudit:
    return get_object_or_404(dq_reports.audits_with_details(), pk=pk)


def audit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _internal(request)
    row = _audit(pk)
    checks = list(row.control_checks.prefetch_related("actions"))
    actions = [
        (
            action,
            permissions.can_update_dq_action(user, action),
            ActionUpdateForm(initial={"status": action.status}, prefix=f"a{action.pk}"),
        )
        for action in row.actions.all()
    ]
    return render(
        request,
        "targets/quality/audit_detail.html",
        {
            "audit": row,
            "actions": actions,
            "checks": checks,
            "failing_controls": sum(1 for c in checks if c.is_failing),
            "can_manage": permissions.can_manage_dq_audits(user),
            "flagged": row.is_failed and row.pk in {a.pk for a in dq_reports.open_failures()},
        },
    )


def audit_record(request: HttpRequest, pk: int) -> HttpResponse:
    user = _internal(request)
    if not permissions.can_manage_dq_audits(user):
        raise PermissionDenied("Only the performance team records audits.")
    row = _audit(pk)
    if row.status == DataQualityAudit.Status.CANCELLED:
        raise PermissionDenied("A cancelled audit cannot be recorded.")
    finish = request.POST.get("finish") == "done"
    initial = {
        "auditor": row.auditor_id or user.pk,
        "sample_from": row.sample_from,
        "sample_to": row.sample_to if row.sample_to != row.sample_from else "",
        "findings": row.findings,
        "completed_on": row.completed_on or timezone.localdate(),
        **{name: getattr(row, name) for name, _, _ in DIMENSIONS},
    }
    bound = request.method == "POST"
    form = AuditRecordForm(
        request.POST if bound else None, initial=initial, audit_row=row, finish=finish
    )
    formset = ActionFormSet(request.POST if bound else None, prefix="actions")
    if bound and form.is_valid() and formset.is_valid():
        new = [a for f in formset.forms if (a := f.to_input()) is not None]
        try:
            saved = dq_services.audit_record(
                audit_row=row, data=form.to_input(), actions=new, user=user
            )
        except AuditStateError as exc:
            form.add_error(None, str(exc))
        else:
            state = "recorded as done" if finish else "saved as in progress"
            messages.success(request, f"Audit of {saved.measure.code} {state}.")
            return redirect(saved)
    return render(
        request,
        "targets/quality/audit_form.html",
        {
            "audit": row,
            "form": form,
            "formset": formset,
            "dimension_fields": [form[name] for name, _, _ in DIMENSIONS],
        },
        status=400 if bound else 200,
    )


def audit_controls(request: HttpRequest, pk: int) -> HttpResponse:
    """The audit's checklist against the measure's own procedure: each control tested or not,
    working or not, with the evidence; a control not working raises an action."""
    user = _internal(request)
    if not permissions.can_manage_dq_audits(user):
        raise PermissionDenied("Only the performance team records audits.")
    row = _audit(pk)
    if row.status == DataQualityAudit.Status.CANCELLED:
        raise PermissionDenied("A cancelled audit cannot be recorded.")
    controls = dq_services.audit_controls(row)
    held = {c.position: c for c in row.control_checks.prefetch_related("actions")}
    bound = request.method == "POST"
    forms = []
    for position, control in enumerate(controls, start=1):
        check = held.get(position)
        verdict = (check.result or "untested") if check else "untested"
        initial = {"verdict": verdict, "evidence": check.evidence if check else ""}
        form = ControlCheckForm(
            request.POST if bound else None,
            initial=initial,
            prefix=f"c{position}",
            control=control,
            position=position,
        )
        form.held_check = check
        forms.append(form)
    error = ""
    if bound and controls and all(f.is_valid() for f in forms):
        try:
            saved = dq_services.audit_controls_save(
                audit_row=row, checks=[f.to_input() for f in forms], user=user
            )
        except ChecklistError as exc:
            for f in forms:
                if f.position in exc.problems:
                    f.add_error(None, exc.problems[f.position])
            error = "Some controls cannot be saved as they are: see below."
        except (AuditStateError, PlanError) as exc:
            error = str(exc)
        else:
            failing = [c for c in saved if c.is_failing]
            text = f"Checklist of {row.measure.code} saved."
            if failing:
                text += f" {len(failing)} control(s) not working, each with an action."
            messages.success(request, text)
            return redirect(row)
    return render(
        request,
        "targets/quality/audit_controls.html",
        {
            "audit": row,
            "forms": forms,
            "error": error,
            "can_edit_procedure": permissions.can_edit_dq_procedure(user, row.measure),
        },
        status=400 if bound else 200,
    )


@require_POST
def audit_cancel(request: HttpRequest, pk: int, replace: bool = False) -> HttpResponse:
    user = _internal(request)
    if not permissions.can_manage_dq_audits(user):
        raise PermissionDenied("Only the performance team changes the programme.")
    row = _audit(pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the audit is cancelled or replaced.")
        return redirect(row)
    reason = form.cleaned_data["reason"]
    try:
        if replace:
            new = dq_services.audit_replace(audit_row=row, reason=reason, user=user)
            if new is None:
                messages.info(request, "Cancelled; no other measure is eligible this month.")
            else:
                messages.success(request, f"Replaced by {new.measure.code}.")
                return redirect(new)
        else:
            dq_services.audit_cancel(audit_row=row, reason=reason, user=user)
            messages.success(request, f"Audit of {row.measure.code} cancelled.")
    except AuditStateError as exc:
        messages.error(request, str(exc))
    return redirect(row)


@require_POST
def audit_replace(request: HttpRequest, pk: int) -> HttpResponse:
    return audit_cancel(request, pk, replace=True)


@require_POST
def action_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = _internal(request)
    # Only an audit's actions: a plan's own actions are updated on their page, by their rules.
    audits_actions = Action.objects.filter(dq_audits__isnull=False).distinct()
    action = get_object_or_404(audits_actions.select_related("service"), pk=pk)
    if not permissions.can_update_dq_action(user, action):
        raise PermissionDenied("You cannot update this action.")
    form = ActionUpdateForm(request.POST, prefix=f"a{action.pk}")
    audit_row = action.dq_audits.first()
    if form.is_valid():
        try:
            dq_services.action_update(
                action=action,
                status=form.cleaned_data["status"],
                progress=form.cleaned_data["progress"],
                user=user,
                audit_row=audit_row,
            )
        except PlanError as exc:
            messages.error(request, f"{action.title}: {exc}")
        else:
            messages.success(request, f"Action updated: {action.title}.")
    else:
        messages.error(request, "Choose one of the statuses offered.")
    return redirect(audit_row if audit_row else "dq_home")


# The champions -------------------------------------------------------------------------------


def champions_summary(request: HttpRequest) -> HttpResponse:
    """The quarterly champions' meeting's one-page summary (printable)."""
    _internal(request)
    today = timezone.localdate()
    form = QuarterForm(request.GET)
    if form.is_valid():
        quarter = form.cleaned_data["quarter"]
        status = 200
    else:
        quarter = periods.period_containing(today, Frequency.QUARTERLY)
        status = 400
    choices = periods.last_n(periods.period_containing(today, Frequency.QUARTERLY), 8)
    return render(
        request,
        "targets/quality/summary.html",
        {
            "form": form,
            "summary": dq_reports.quarter_summary(quarter, today),
            "quarter_choices": list(reversed(choices)),
        },
        status=status,
    )
