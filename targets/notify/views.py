"""Each person's notification choices, and the digests they were sent."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from targets.models import Digest, User
from targets.notify.forms import PreferencesForm
from targets.notify.services import preferences_of, preferences_save

RECENT_DIGESTS = 10


def preferences(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # LoginRequiredMiddleware: signed in
    # Every box unticked posts nothing at all: a POST is bound even when empty.
    data = request.POST if request.method == "POST" else None
    form = PreferencesForm(data, preferences=preferences_of(user))
    if request.method == "POST" and form.is_valid():
        changes = preferences_save(user=user, off=form.switched_off())
        messages.success(
            request,
            "Your choices are saved." if changes else "Nothing changed: your choices stand.",
        )
        return redirect("notification_preferences")
    digests = (
        Digest.objects.filter(recipient=user)
        .exclude(status=Digest.Status.SUPERSEDED)
        .annotate(items=Count("notices"))
        .order_by("-day")[:RECENT_DIGESTS]
    )
    return render(
        request,
        "targets/notify/preferences.html",
        {"form": form, "digests": digests, "has_email": bool(user.email)},
    )
