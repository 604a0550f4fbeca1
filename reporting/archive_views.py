"""The report archive: runs by schedule and period, each run's page (its pack as a dashboard),
its PDF, board slides (PPTX), CSV and XLSX, and the performance team's "generate now".

Every run is checked for every user on the server: `ReportRun.objects.visible_to`. Someone
signed in who may not see a run gets a 404 (its existence is not revealed); someone signed out
is asked to sign in, unless the run's schedule is public.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from itertools import groupby
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_POST, require_safe

from reporting import narrative, services
from reporting.models import PackStatus, ReportRun, ReportSchedule, RunStatus
from reporting.packs import deck, exports
from reporting.packs.snapshot import Pack, restore
from targets import permissions
from targets.periods import Period

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
View = Callable[..., HttpResponseBase]


def signed_out_may_sign_in(view: View) -> View:
    """Open to anyone (public packs); someone signed out who may not see the run is asked to
    sign in rather than told it does not exist."""

    @login_not_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except Http404:
            if request.user.is_authenticated:
                raise
            return redirect_to_login(request.get_full_path())

    return wrapper


def _visible_run(request: HttpRequest, pk: int, *, done: bool) -> ReportRun:
    runs = ReportRun.objects.visible_to(request.user).select_related("schedule")
    run = runs.filter(pk=pk).first()
    if run is None or (done and run.status != RunStatus.DONE):
        raise Http404("No such report pack.")
    return run


def _pack(run: ReportRun) -> Pack:
    if not run.snapshot:
        raise Http404("The pack's figures are missing.")
    return restore(run.snapshot)


def _private(response: HttpResponseBase, run: ReportRun) -> HttpResponseBase:
    if run.schedule.is_public and not run.internal:
        patch_cache_control(response, public=True, max_age=300)
    else:
        patch_cache_control(response, private=True, no_cache=True)
    return response


class GenerateForm(forms.Form):
    period = forms.ChoiceField(label="Period")
    force = forms.BooleanField(label="Make a new version even if one exists", required=False)

    def __init__(self, *args: Any, schedule: ReportSchedule, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.schedule = schedule
        self.periods = {p.code: p for p in schedule.recent_periods(timezone.localdate())}
        field = cast(forms.ChoiceField, self.fields["period"])
        field.choices = [(code, p.label) for code, p in self.periods.items()]

    def cleaned_period(self) -> Period:
        return self.periods[self.cleaned_data["period"]]


class NarrativeForm(forms.Form):
    text = forms.CharField(
        label="Summary of what changed",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="One sentence a line. Write a measure's code in square brackets, e.g. "
        "[CP10], to link to it.",
    )


def _may_edit_narrative(request: HttpRequest, run: ReportRun) -> bool:
    return (
        permissions.is_performance_team(request.user)
        and run.status == RunStatus.DONE
        and run.pack_status != PackStatus.FINAL
        and bool((run.snapshot or {}).get("narrative"))
    )


@require_safe
def archive(request: HttpRequest) -> HttpResponse:
    """Runs by schedule and period, as far as the user may see them."""
    schedules = list(ReportSchedule.objects.visible_to(request.user))
    runs = (
        ReportRun.objects.visible_to(request.user)
        .select_related("schedule")
        .defer("snapshot")
        .order_by("schedule__name", "schedule_id", "-period", "-version")
    )
    by_schedule = {pk: list(found) for pk, found in groupby(runs, key=lambda r: r.schedule_id)}
    team = permissions.is_performance_team(request.user)
    sections = [
        {
            "schedule": s,
            "runs": by_schedule.get(s.pk, []),
            "form": GenerateForm(schedule=s, prefix=s.code) if team else None,
        }
        for s in schedules
    ]
    return render(
        request, "reporting/archive/archive.html", {"sections": sections, "is_team": team}
    )


@login_not_required
@require_safe
def public_archive(request: HttpRequest) -> HttpResponse:
    """Packs of public schedules, for anyone: linked from the public page."""
    runs = ReportRun.objects.public().select_related("schedule").defer("snapshot")
    runs = runs.order_by("schedule__name", "schedule_id", "-period", "-version")
    sections = [(schedule, list(found)) for schedule, found in groupby(runs, lambda r: r.schedule)]
    response = render(request, "reporting/archive/public.html", {"sections": sections})
    patch_cache_control(response, public=True, max_age=300)
    return response


@require_POST
def generate(request: HttpRequest, code: str) -> HttpResponse:
    """The performance team's "generate now": ask for a schedule's pack for a period."""
    if not permissions.is_performance_team(request.user):
        raise PermissionDenied("Only the performance team can generate report packs.")
    schedule = get_object_or_404(ReportSchedule, code=code)
    form = GenerateForm(request.POST, schedule=schedule, prefix=schedule.code)
    back = reverse("report_archive") + f"#schedule-{schedule.code}"
    if not form.is_valid():
        messages.error(request, f"{schedule.name}: choose one of the periods offered.")
        return redirect(back)
    period = form.cleaned_period()
    requested = services.request_run(
        schedule=schedule,
        period=period,
        force=form.cleaned_data["force"],
        user=request.user,  # type: ignore[arg-type]
    )
    run = requested.run
    if requested.created:
        messages.success(request, f"{run} requested. It is listed below with its status.")
    elif run.status == RunStatus.FAILED:
        messages.success(request, f"{run} had failed: it has been asked for again.")
    else:
        messages.info(
            request,
            f"{run} already exists. Tick “Make a new version even if one exists” for another.",
        )
    return redirect(back)


@signed_out_may_sign_in
@require_safe
def run_page(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The run's pack as a dashboard, from its own snapshot: it never changes after the event."""
    run = _visible_run(request, pk, done=False)
    return _run_page(request, run, form=None)


def _run_page(
    request: HttpRequest, run: ReportRun, *, form: NarrativeForm | None, status: int = 200
) -> HttpResponseBase:
    context: dict[str, Any] = {"run": run, "is_team": permissions.is_performance_team(request.user)}
    if run.status == RunStatus.DONE and run.snapshot:
        pack = restore(run.snapshot)
        context |= _dashboard(pack)
        if form is None and _may_edit_narrative(request, run) and pack.narrative:
            form = NarrativeForm(initial={"text": pack.narrative.text})
        context["narrative_form"] = form
    response = render(request, "reporting/archive/run.html", context, status=status)
    return _private(response, run)


@require_POST
def run_narrative(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The performance team rewrites a draft pack's "what changed"."""
    if not permissions.is_performance_team(request.user):
        raise PermissionDenied("Only the performance team can edit a pack's summary.")
    run = _visible_run(request, pk, done=True)
    form = NarrativeForm(request.POST)
    if form.is_valid():
        try:
            services.run_narrative_edit(
                run_id=run.pk,
                user=request.user,  # type: ignore[arg-type]
                text=form.cleaned_data["text"],
            )
        except narrative.NarrativeError as exc:
            form.add_error("text", str(exc))
        else:
            messages.success(request, "The summary of what changed is saved, and the PDF remade.")
            return redirect(reverse("report_run", args=[run.pk]) + "#what-changed-title")
    return _run_page(request, run, form=form, status=400)


def _dashboard(pack: Pack) -> dict[str, Any]:
    card = pack.card
    by_priority = pack.priority_summaries
    names = [f"{p.number}. {p.name}" if p else "Not linked to a priority" for p, _ in by_priority]
    charts = {
        "trend": {
            "x": [m.label for m, _ in card.trend],
            "y": [s.percent_on_target for _, s in card.trend],
            "text": [s.text for _, s in card.trend],
        },
        "priorities": {
            "names": names,
            **{
                rag: [getattr(s, rag) for _, s in by_priority]
                for rag in ("green", "amber", "red", "grey")
            },
        },
    }
    return {
        "pack": pack,
        "card": card,
        "month": pack.month,
        "priority_summaries": by_priority,
        "red": pack.red,
        "data_quality": pack.data_quality,
        "benchmarks": pack.benchmarks,
        "charts": charts,
    }


@signed_out_may_sign_in
@require_safe
def run_pdf(request: HttpRequest, pk: int) -> HttpResponseBase:
    run = _visible_run(request, pk, done=True)
    name = run.pdf.name or ""
    if not name or not default_storage.exists(name):
        raise Http404("The pack's PDF is missing.")
    response = FileResponse(
        default_storage.open(name, "rb"),
        content_type="application/pdf",
        filename=f"{run.file_stem()}.pdf",
    )
    return _private(response, run)


@signed_out_may_sign_in
@require_safe
def run_csv(request: HttpRequest, pk: int) -> HttpResponseBase:
    run = _visible_run(request, pk, done=True)
    response = HttpResponse(exports.as_csv(_pack(run)), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{run.file_stem()}.csv"'
    return _private(response, run)


@signed_out_may_sign_in
@require_safe
def run_xlsx(request: HttpRequest, pk: int) -> HttpResponseBase:
    run = _visible_run(request, pk, done=True)
    response = HttpResponse(exports.as_xlsx(_pack(run)), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{run.file_stem()}.xlsx"'
    return _private(response, run)


@signed_out_may_sign_in
@require_safe
def run_pptx(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The board slides, for exactly whoever may download the PDF: made with the run, or now
    from its snapshot for a run made before there were slides (then kept beside the PDF)."""
    run = _visible_run(request, pk, done=True)
    if not run.snapshot:
        raise Http404("The pack's figures are missing.")
    name = services.run_deck(run=run)
    response = FileResponse(
        default_storage.open(name, "rb"),
        content_type=deck.CONTENT_TYPE,
        filename=f"{run.file_stem()}.pptx",
    )
    return _private(response, run)
