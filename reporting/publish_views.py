"""Publishing with a safety catch, and withdrawing: the performance team's pages.

Publishing a period or one value shows the preview first (`reporting.publishing`); the
confirmation publishes exactly what was previewed, or nothing. Withdrawing a published value
takes it off the public page, the open data and scrutiny's view at once, with a reason.
"""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from reporting import public, publishing
from targets import params, permissions, services
from targets.forms import VersionForm
from targets.models import User, Value, ValueStatus


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why is it being withdrawn?",
        help_text="Recorded in the measure's history with your name.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the value is being withdrawn"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def _team(request: HttpRequest) -> User:
    user = cast(User, request.user)
    if not permissions.can_publish(user):
        raise PermissionDenied("Only the performance team publishes and withdraws values.")
    return user


def publish_period(request: HttpRequest) -> HttpResponse:
    """GET ?period=: the preview of publishing every approved value of the period; POST: the
    confirmation, with the preview's token (refused if the set has changed since)."""
    user = _team(request)
    source = request.POST if request.method == "POST" else request.GET
    if not str(source.get("period") or "").strip():
        raise params.BadParameter("period", "Say which period to publish, e.g. ?period=2026-10.")
    period = params.period_param(source, default=public.figures_to(timezone.localdate()))
    if request.method == "POST":
        try:
            expected = publishing.parse_token(request.POST.get("previewed", ""))
            count = services.period_publish(period=period, user=user, expected=expected)
        except ValueError as exc:
            messages.error(request, f"The preview was not understood ({exc}): look again.")
        except services.WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            noun = "value" if count == 1 else "values"
            messages.success(
                request,
                f"Published {count} {noun} for {period.label}: the public page and open data "
                "show them now.",
            )
            return redirect("my_work")
    values = publishing.approved_of(period)
    return render(
        request,
        "reporting/publish_preview.html",
        {
            "period": period,
            "preview": publishing.preview(values, today=timezone.localdate()),
            "confirm_url": request.path,
            "single": None,
        },
    )


def publish_value(request: HttpRequest, pk: int) -> HttpResponse:
    """One approved value: GET the preview, POST the confirmation (at the version previewed)."""
    user = _team(request)
    value = get_object_or_404(
        Value.objects.select_related("measure", "measure__service", "measure__priority"), pk=pk
    )
    if request.method == "POST":
        form = VersionForm(request.POST)
        version = form.cleaned_data.get("version") if form.is_valid() else None
        label = f"{value.measure.code} {value.period_obj.label}"
        try:
            if version is None:
                raise services.WorkflowError("The preview was not understood: look again.")
            services.value_publish(value, user=user, expected_version=version)
        except services.ConflictError:
            messages.error(request, f"{label} changed since your preview: nothing was published.")
        except services.WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"{label} published: the public page shows it now.")
            return redirect(value.measure.get_absolute_url())
        value.refresh_from_db()
    values = [value] if value.status == ValueStatus.APPROVED else []
    return render(
        request,
        "reporting/publish_preview.html",
        {
            "period": value.period_obj,
            "preview": publishing.preview(values, today=timezone.localdate()),
            "confirm_url": request.path,
            "single": value,
        },
    )


def withdraw_value(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a published value off every public output, with a reason (audited)."""
    user = _team(request)
    value = get_object_or_404(Value.objects.select_related("measure", "published_by"), pk=pk)
    form = WithdrawForm(request.POST or None, initial={"version": value.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.value_withdraw(
                value,
                user=user,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except services.ConflictError:
            form.add_error(None, "The value changed since you opened this page: look again.")
            value.refresh_from_db()
        except services.WorkflowError as exc:
            form.add_error("reason" if exc.field == "reason" else None, str(exc))
        else:
            messages.success(
                request,
                f"{value.measure.code} {value.period_obj.label} withdrawn: it is no longer on the "
                "public page or in the open data. It is approved again: publish it again or "
                "return it to its officer.",
            )
            return redirect(value.measure.get_absolute_url())
    return render(
        request,
        "reporting/withdraw.html",
        {
            "value": value,
            "measure": value.measure,
            "form": form,
            "is_published": value.status == ValueStatus.PUBLISHED,
            "on_public": value.measure.is_public,
            "figures_to": public.figures_to(timezone.localdate()),
        },
    )
