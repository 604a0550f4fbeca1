"""The upload page: measures, targets or values from a CSV or XLSX file, all or nothing.

Officers who enter values upload values of their own measures; the performance team uploads all
three, and may import values as published (a backfill of history from an old system).
"""

from __future__ import annotations

from typing import IO, Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from targets import imports, permissions
from targets.imports import ImportReport
from targets.models import User

KIND_LABELS = {"values": "Values", "targets": "Targets", "measures": "Measures"}
# The page lists this many problems; the command line lists them all.
SHOWN_ERRORS = 1000


def upload_kinds(user: Any) -> list[str]:
    """What the user may upload: nothing, values, or (performance team) all three."""
    if permissions.is_performance_team(user):
        return list(KIND_LABELS)
    if permissions.editable_measures(user).exists():
        return ["values"]
    return []


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label="What the file holds")
    file = forms.FileField(
        label="File", help_text="CSV (UTF-8) or Excel .xlsx; row 1 names the columns."
    )
    dry_run = forms.BooleanField(
        label="Check only (dry run): report what would change without saving anything",
        required=False,
    )
    publish = forms.BooleanField(
        label="Publish the values (backfill of history from an old system)",
        help_text="Values arrive published instead of as drafts; a published value in the file "
        "is restated.",
        required=False,
    )

    def __init__(self, *args: Any, kinds: list[str], can_publish: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = cast(forms.ChoiceField, self.fields["kind"])
        kind.choices = [(k, KIND_LABELS[k]) for k in kinds]
        if not can_publish:
            del self.fields["publish"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("publish") and data.get("kind") != "values":
            self.add_error("publish", "Only values can be published.")
        return data


def _run(data: dict[str, Any], user: User) -> ImportReport:
    stream = cast(IO[bytes], data["file"])
    if data["kind"] == "measures":
        return imports.import_measures(stream, user=user, dry_run=data["dry_run"])
    if data["kind"] == "targets":
        return imports.import_targets(stream, user=user, dry_run=data["dry_run"])
    publish = data.get("publish", False)
    # Values entered by upload are questioned like the form's; the performance team's
    # backfill of published history is not (it is history, already reported).
    return imports.import_values(
        stream, user=user, dry_run=data["dry_run"], publish=publish, question=not publish
    )


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    kinds = upload_kinds(request.user)
    if not kinds:
        raise PermissionDenied("You have no measures to enter values for.")
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        kinds=kinds,
        can_publish=permissions.can_publish(request.user),
    )
    report = None
    if request.method == "POST" and form.is_valid():
        report = _run(form.cleaned_data, cast(User, request.user))
        if report.ok:
            messages.success(request, report.summary)
            for note in [] if report.dry_run else report.notes:
                messages.info(request, note)
            if not report.dry_run:
                return redirect("upload")
    failed = request.method == "POST" and (not form.is_valid() or (report and not report.ok))
    return render(
        request,
        "targets/upload.html",
        {
            "form": form,
            "report": report,
            "kinds": kinds,
            "shown_errors": report.errors[:SHOWN_ERRORS] if report else [],
            "hidden_errors": max(len(report.errors) - SHOWN_ERRORS, 0) if report else 0,
        },
        status=400 if failed else 200,
    )
