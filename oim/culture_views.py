"""Improvement culture pages: the ideas board, key processes and accreditations."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, Sum
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from oim import permissions, services
from oim.filters import AccreditationFilter, IdeaFilter, KeyProcessFilter
from oim.forms import (
    AccreditationForm,
    AwardForm,
    IdeaForm,
    KeyProcessForm,
    MoveForm,
    SavingForm,
    SpendToSaveForm,
)
from oim.models import Accreditation, Idea, KeyProcess, SpendToSaveBudget
from oim.models.culture import DEFAULT_SPEND_TO_SAVE
from targets.models import User
from targets.params import this_year
from targets.periods import fy_label


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _add_errors(form: Form, error: ValidationError) -> None:
    """A service's refusal shown on the form, against the field it names."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for e in errors:
                form.add_error(field if field in form.fields else None, e)
    else:
        form.add_error(None, error)


def fund(year: int) -> dict[str, Any]:
    """A year's spend-to-save budget, what is committed from it and what is left."""
    budget = SpendToSaveBudget.objects.filter(year=year).first()
    amount = budget.amount if budget else DEFAULT_SPEND_TO_SAVE
    committed = Idea.objects.committed_in(year)
    return {
        "year": year,
        "year_label": fy_label(year),
        "amount": amount,
        "committed": committed,
        "left": amount - committed,
        "is_default": budget is None,
    }


# Ideas


def idea_list(request: HttpRequest) -> HttpResponse:
    queryset = Idea.objects.select_related("service", "submitter")
    filters = IdeaFilter(request.GET or None, queryset=queryset)
    ideas = list(filters.qs)
    totals = Idea.objects.aggregate(
        estimated=Sum("estimated_saving", filter=~Q(status=Idea.Status.REJECTED)),
        realised=Sum("realised_saving"),
    )
    counts = dict(Idea.objects.values_list("status").annotate(n=Count("id")).order_by())
    year = this_year()
    can_run = permissions.can_run_board(request.user)
    return render(
        request,
        "oim/ideas.html",
        {
            "filters": filters,
            "ideas": ideas,
            "fund": fund(year),
            "totals": totals,
            "counts": [(label, counts.get(value, 0)) for value, label in Idea.Status.choices],
            "can_run": can_run,
            "budget_form": SpendToSaveForm(initial={"year": year, "amount": fund(year)["amount"]})
            if can_run
            else None,
        },
        status=400 if filters.errors else 200,
    )


def idea_new(request: HttpRequest) -> HttpResponse:
    if not permissions.can_submit_idea(request.user):
        raise PermissionDenied("Sign in to submit an idea.")
    form = IdeaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        idea = services.idea_submit(idea=form.save(commit=False), user=_user(request))
        messages.success(request, f"Thank you: your idea “{idea.title}” goes to the next board.")
        return redirect("oim_idea", pk=idea.pk)
    return render(
        request,
        "oim/form.html",
        {
            "form": form,
            "title": "Submit an idea",
            "lede": "The innovation and efficiency board meets monthly. It can fund ideas that "
            "spend to save from its annual budget.",
            "back": reverse("oim_ideas"),
            "back_text": "The ideas board",
            "button": "Submit the idea",
        },
        status=400 if request.method == "POST" else 200,
    )


def idea_detail(request: HttpRequest, pk: int) -> HttpResponse:
    idea = get_object_or_404(Idea.objects.select_related("service", "submitter"), pk=pk)
    can_run = permissions.can_run_board(request.user)
    action = request.POST.get("action") if request.method == "POST" else None
    move = MoveForm(
        request.POST if action == "move" else None,
        initial={"status": idea.status, "board_month": idea.board_month, "note": idea.board_note},
    )
    award = AwardForm(
        request.POST if action == "award" else None,
        initial={
            "amount": idea.amount_awarded or idea.amount_requested,
            "year": idea.funding_year or this_year(),
        },
    )
    saving = SavingForm(
        request.POST if action == "saving" else None,
        initial={"realised_saving": idea.realised_saving},
    )
    if action:
        if not can_run:
            raise PermissionDenied("Only the board's secretary (the performance team) does this.")
        form: Form = {"move": move, "award": award, "saving": saving}.get(action, move)
        if action in {"move", "award", "saving"} and form.is_valid():
            try:
                _act(action, idea, form.cleaned_data, _user(request))
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, "Saved.")
                return redirect("oim_idea", pk=idea.pk)
    year = idea.funding_year or this_year()
    return render(
        request,
        "oim/idea_detail.html",
        {
            "idea": idea,
            "can_run": can_run,
            "move": move,
            "award": award,
            "saving": saving,
            "fund": fund(year),
        },
        status=400 if action else 200,
    )


def _act(action: str, idea: Idea, data: dict[str, Any], user: User) -> None:
    if action == "move":
        services.idea_move(
            idea=idea,
            status=data["status"],
            user=user,
            board_month=data["board_month"],
            note=data["note"].strip(),
        )
    elif action == "award":
        services.idea_award(idea=idea, amount=data["amount"], year=data["year"], user=user)
    else:
        services.idea_record_saving(idea=idea, realised=data["realised_saving"], user=user)


def spend_to_save(request: HttpRequest) -> HttpResponse:
    if not permissions.can_run_board(request.user):
        raise PermissionDenied("Only the performance team sets the spend-to-save budget.")
    form = SpendToSaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.spend_to_save_set(
                year=form.cleaned_data["year"],
                amount=form.cleaned_data["amount"],
                user=_user(request),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request, f"Spend-to-save budget for {fy_label(form.cleaned_data['year'])} saved."
            )
            return redirect("oim_ideas")
    return render(
        request,
        "oim/form.html",
        {
            "form": form,
            "title": "Set the spend-to-save budget",
            "back": reverse("oim_ideas"),
            "back_text": "The ideas board",
            "button": "Save the budget",
        },
        status=400 if request.method == "POST" else 200,
    )


# Key processes


def _viewer(request: HttpRequest) -> None:
    if not permissions.can_view_oim(request.user):
        raise PermissionDenied("The registers are for council staff and management.")


def process_list(request: HttpRequest) -> HttpResponse:
    _viewer(request)
    filters = KeyProcessFilter(
        request.GET or None, queryset=KeyProcess.objects.select_related("service", "owner")
    )
    processes = list(filters.qs)
    today = timezone.localdate()
    documented = sum(p.documented for p in processes)
    return render(
        request,
        "oim/processes.html",
        {
            "filters": filters,
            "processes": [(p, p.is_overdue(today)) for p in processes],
            "documented": documented,
            "overdue": sum(p.is_overdue(today) for p in processes),
            "percent": round(Decimal(100 * documented) / len(processes), 1) if processes else None,
            "can_add": permissions.register_services(request.user).exists(),
            "editable": {
                p.pk for p in processes if permissions.can_manage_register(request.user, p.service)
            },
        },
        status=400 if filters.errors else 200,
    )


def process_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = _user(request)
    process = None
    if pk is not None:
        process = get_object_or_404(KeyProcess.objects.select_related("service"), pk=pk)
        if not permissions.can_manage_register(user, process.service):
            raise PermissionDenied(f"You cannot change the key processes of {process.service}.")
    elif not permissions.register_services(user).exists():
        raise PermissionDenied("Heads of service and the performance team keep the register.")
    form = KeyProcessForm(request.POST or None, instance=process, user=user)
    if request.method == "POST" and form.is_valid():
        saved = services.key_process_save(process=form.save(commit=False), user=user)
        messages.success(request, f"Key process saved: {saved.name}.")
        return redirect(f"{reverse('oim_processes')}?service={saved.service.code}")
    return render(
        request,
        "oim/form.html",
        {
            "form": form,
            "title": f"Change {process.name}" if process else "Add a key process",
            "back": reverse("oim_processes"),
            "back_text": "Key processes",
            "button": "Save the key process",
        },
        status=400 if request.method == "POST" else 200,
    )


# Accreditations


def accreditation_list(request: HttpRequest) -> HttpResponse:
    _viewer(request)
    filters = AccreditationFilter(
        request.GET or None, queryset=Accreditation.objects.select_related("service")
    )
    today = timezone.localdate()
    rows = [(a, a.flags(today)) for a in filters.qs]
    return render(
        request,
        "oim/accreditations.html",
        {
            "filters": filters,
            "rows": rows,
            "can_add": permissions.register_services(request.user).exists(),
            "editable": {
                a.pk for a, _ in rows if permissions.can_manage_register(request.user, a.service)
            },
        },
        status=400 if filters.errors else 200,
    )


def accreditation_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = _user(request)
    item = None
    if pk is not None:
        item = get_object_or_404(Accreditation.objects.select_related("service"), pk=pk)
        if not permissions.can_manage_register(user, item.service):
            raise PermissionDenied("You cannot change this accreditation.")
    elif not permissions.register_services(user).exists():
        raise PermissionDenied("Heads of service and the performance team keep the register.")
    whole_council = permissions.can_manage_register(user, None)
    form = AccreditationForm(
        request.POST or None, instance=item, user=user, whole_council=whole_council
    )
    if request.method == "POST" and form.is_valid():
        saved = services.accreditation_save(accreditation=form.save(commit=False), user=user)
        messages.success(request, f"Accreditation saved: {saved}.")
        return redirect("oim_accreditations")
    return render(
        request,
        "oim/form.html",
        {
            "form": form,
            "title": "Change the accreditation" if item else "Add an accreditation",
            "back": reverse("oim_accreditations"),
            "back_text": "Accreditations",
            "button": "Save the accreditation",
        },
        status=400 if request.method == "POST" else 200,
    )
