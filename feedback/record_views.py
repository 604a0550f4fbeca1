"""Recording feedback: arrangements and their rounds, the actions they lead to, the residents'
panel and mystery shopping. Everyone signed in reads them; changes follow
`targets.permissions` (service managers, arrangement owners, the performance team)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from feedback import permissions, services
from feedback.filters import ArrangementFilter, VisitFilter
from feedback.forms import (
    ActionForm,
    ArrangementForm,
    PanelResultForm,
    PanelSurveyForm,
    RoundForm,
    VisitForm,
)
from feedback.models import Arrangement, MysteryShop, PanelSurvey, Round
from targets.exports import Column, export_response
from targets.models import Action, User

VISIT_COLUMNS = [
    Column("Visit", lambda v: v.scenario),
    Column("Service", lambda v: v.service.name),
    Column("Date", lambda v: v.visited),
    Column("Channel", lambda v: v.get_channel_display()),
    Column("Score (%)", lambda v: v.score),
    Column("Findings shared with staff", lambda v: v.shared_with_staff),
    Column("Actions", lambda v: len(v.actions.all())),
]
ARRANGEMENT_COLUMNS = [
    Column("Arrangement", lambda a: a.title),
    Column("In use", lambda a: "yes" if a.is_active else "no"),
    Column("Service", lambda a: a.service.name),
    Column("Kind", lambda a: a.get_kind_display()),
    Column("How often", lambda a: a.get_frequency_display()),
    Column("Owner", lambda a: str(a.owner or "")),
    Column("Rounds", lambda a: a.round_count),
]


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _form_page(
    request: HttpRequest, form: Any, *, title: str, back: str, back_label: str, **extra: Any
) -> HttpResponse:
    return render(
        request,
        "feedback/form.html",
        {"form": form, "title": title, "back": back, "back_label": back_label, **extra},
        status=400 if request.method == "POST" else 200,
    )


def _save(form: Any, save: Any) -> Any:
    """Run a service; a rule it refuses becomes the form's error, where it belongs."""
    try:
        return save()
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return None


# Arrangements and rounds


def arrangement_list(request: HttpRequest) -> HttpResponse:
    queryset = (
        Arrangement.objects.select_related("service", "owner")
        .annotate(round_count=Count("rounds"))
        .order_by("service__name", "title")
    )
    filters = ArrangementFilter(request.GET or None, queryset=queryset)
    if not filters.errors:
        exported = export_response(
            request, filters.qs, ARRANGEMENT_COLUMNS, "feedback-arrangements"
        )
        if exported is not None:
            return exported
    return render(
        request,
        "feedback/arrangement_list.html",
        {
            "filters": filters,
            "arrangements": filters.qs,
            "can_add": permissions.manageable_services(request.user).exists(),
        },
        status=400 if filters.errors else 200,
    )


def arrangement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    arrangement = get_object_or_404(
        Arrangement.objects.select_related("service", "owner").prefetch_related(
            Prefetch("rounds", queryset=Round.objects.prefetch_related("actions__owner"))
        ),
        pk=pk,
    )
    user = request.user
    return render(
        request,
        "feedback/arrangement_detail.html",
        {
            "arrangement": arrangement,
            "can_edit": permissions.can_manage_feedback(user, arrangement.service),
            "can_record": permissions.can_record_feedback(
                user, arrangement.service, owner_id=arrangement.owner_id
            ),
        },
    )


def arrangement_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    arrangement = None
    if pk is not None:
        arrangement = get_object_or_404(Arrangement.objects.select_related("service"), pk=pk)
        if not permissions.can_manage_feedback(request.user, arrangement.service):
            raise PermissionDenied(f"You cannot change the feedback of {arrangement.service}.")
    elif not permissions.manageable_services(request.user).exists():
        raise PermissionDenied("Only heads of service and the performance team add arrangements.")
    initial = {}
    if code := request.GET.get("service"):
        initial["service"] = permissions.manageable_services(request.user).filter(code=code).first()
    form = ArrangementForm(
        request.POST or None, instance=arrangement, user=request.user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        saved = services.arrangement_save(arrangement=form.save(commit=False), user=_user(request))
        messages.success(request, f"Arrangement saved: {saved.title}.")
        return redirect(saved)
    return _form_page(
        request,
        form,
        title=f"Change {arrangement.title}" if arrangement else "Add a feedback arrangement",
        back=arrangement.get_absolute_url() if arrangement else "/feedback/arrangements/",
        back_label=arrangement.title if arrangement else "Feedback arrangements",
    )


def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        Round.objects.select_related("arrangement__service", "arrangement__owner"), pk=pk
    )
    arrangement = item.arrangement
    return render(
        request,
        "feedback/round_detail.html",
        {
            "round": item,
            "actions": item.actions.select_related("owner", "objective__plan"),
            "can_record": permissions.can_record_feedback(
                request.user, arrangement.service, owner_id=arrangement.owner_id
            ),
        },
    )


def round_edit(
    request: HttpRequest, arrangement_pk: int | None = None, pk: int | None = None
) -> HttpResponse:
    if pk is not None:
        item = get_object_or_404(Round.objects.select_related("arrangement__service"), pk=pk)
        arrangement = item.arrangement
    else:
        arrangement = get_object_or_404(
            Arrangement.objects.select_related("service"), pk=arrangement_pk
        )
        item = Round(arrangement=arrangement)
    if not permissions.can_record_feedback(
        request.user, arrangement.service, owner_id=arrangement.owner_id
    ):
        raise PermissionDenied(f"You cannot record rounds of {arrangement.title}.")
    form = RoundForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        round_ = form.save(commit=False)
        saved = _save(form, lambda: services.round_save(item=round_, user=_user(request)))
        if saved is not None:
            messages.success(request, "Round saved.")
            return redirect(saved)
    return _form_page(
        request,
        form,
        title=f"{'Change a' if pk else 'Record a'} round of {arrangement.title}",
        back=arrangement.get_absolute_url(),
        back_label=arrangement.title,
    )


# Actions a round or a visit leads to


def action_edit(
    request: HttpRequest,
    round_pk: int | None = None,
    visit_pk: int | None = None,
    pk: int | None = None,
) -> HttpResponse:
    feedback_round = visit = None
    if pk is not None:
        # Only the actions feedback led to: a plan's own actions are edited with the plan.
        action = get_object_or_404(
            Action.objects.select_related("service").filter(
                source__in=[Action.Source.FEEDBACK, Action.Source.MYSTERY_SHOPPING]
            ),
            pk=pk,
        )
        feedback_round = action.feedback_rounds.select_related("arrangement").first()
        visit = action.mystery_shops.first()
        owner_id = action.owner_id
        back = feedback_round or visit
    elif round_pk is not None:
        feedback_round = get_object_or_404(
            Round.objects.select_related("arrangement__service"), pk=round_pk
        )
        service = feedback_round.arrangement.service
        action = Action(service=service, source=Action.Source.FEEDBACK)
        owner_id = feedback_round.arrangement.owner_id
        back = feedback_round
    else:
        visit = get_object_or_404(MysteryShop.objects.select_related("service"), pk=visit_pk)
        action = Action(service=visit.service, source=Action.Source.MYSTERY_SHOPPING)
        owner_id = None
        back = visit
    if not permissions.can_record_feedback(request.user, action.service, owner_id=owner_id):
        raise PermissionDenied(f"You cannot record actions of {action.service}.")
    form = ActionForm(
        request.POST or None, instance=action, user=request.user, service=action.service
    )
    if request.method == "POST" and form.is_valid():
        changed = form.save(commit=False)
        try:
            saved = services.action_save(
                action=changed,
                user=_user(request),
                feedback_round=feedback_round if pk is None else None,
                visit=visit if pk is None else None,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"Action saved: {saved.title}.")
            return redirect(back.get_absolute_url() if back else "feedback_overview")
    return _form_page(
        request,
        form,
        title=f"Change the action {action.title}" if pk else "Add an improvement action",
        back=back.get_absolute_url() if back else "/feedback/",
        back_label=str(back) if back else "Customer feedback",
    )


# The residents' panel


def panel_list(request: HttpRequest) -> HttpResponse:
    surveys = PanelSurvey.objects.prefetch_related("results__service")
    return render(
        request,
        "feedback/panel_list.html",
        {"surveys": surveys, "can_manage": permissions.can_manage_panel(request.user)},
    )


def panel_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_object_or_404(PanelSurvey.objects.prefetch_related("results__service"), pk=pk)
    return render(
        request,
        "feedback/panel_detail.html",
        {"survey": survey, "can_manage": permissions.can_manage_panel(request.user)},
    )


def panel_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if not permissions.can_manage_panel(request.user):
        raise PermissionDenied("Only the performance team records the residents' panel.")
    survey = get_object_or_404(PanelSurvey, pk=pk) if pk is not None else None
    form = PanelSurveyForm(request.POST or None, instance=survey)
    if request.method == "POST" and form.is_valid():
        saved = services.panel_survey_save(survey=form.save(commit=False), user=_user(request))
        messages.success(request, f"Survey saved: {saved.title}.")
        return redirect(saved)
    return _form_page(
        request,
        form,
        title=f"Change {survey.title}" if survey else "Record a residents' panel survey",
        back=survey.get_absolute_url() if survey else "/feedback/panel/",
        back_label=survey.title if survey else "Residents' panel",
    )


def panel_result_new(request: HttpRequest, pk: int) -> HttpResponse:
    if not permissions.can_manage_panel(request.user):
        raise PermissionDenied("Only the performance team records the residents' panel.")
    survey = get_object_or_404(PanelSurvey, pk=pk)
    form = PanelResultForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = form.save(commit=False)
        result.survey = survey
        services.panel_result_save(result=result, user=_user(request))
        messages.success(request, "Result added.")
        return redirect(survey)
    return _form_page(
        request,
        form,
        title=f"Add a result of {survey.title}",
        back=survey.get_absolute_url(),
        back_label=survey.title,
    )


# Mystery shopping


def visit_list(request: HttpRequest) -> HttpResponse:
    queryset = MysteryShop.objects.select_related("service").prefetch_related("actions")
    filters = VisitFilter(request.GET or None, queryset=queryset)
    if not filters.errors:
        exported = export_response(request, filters.qs, VISIT_COLUMNS, "mystery-shopping")
        if exported is not None:
            return exported
    return render(
        request,
        "feedback/visit_list.html",
        {
            "filters": filters,
            "visits": filters.qs,
            "can_add": permissions.manageable_services(request.user).exists(),
        },
        status=400 if filters.errors else 200,
    )


def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_object_or_404(MysteryShop.objects.select_related("service"), pk=pk)
    return render(
        request,
        "feedback/visit_detail.html",
        {
            "visit": visit,
            "actions": visit.actions.select_related("owner", "objective__plan"),
            "can_edit": permissions.can_manage_feedback(request.user, visit.service),
        },
    )


def visit_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    visit = None
    if pk is not None:
        visit = get_object_or_404(MysteryShop.objects.select_related("service"), pk=pk)
        if not permissions.can_manage_feedback(request.user, visit.service):
            raise PermissionDenied(f"You cannot change mystery shopping of {visit.service}.")
    elif not permissions.manageable_services(request.user).exists():
        raise PermissionDenied("Only heads of service and the performance team record visits.")
    form = VisitForm(request.POST or None, instance=visit, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = services.visit_save(visit=form.save(commit=False), user=_user(request))
        messages.success(request, f"Visit saved: {saved.scenario}.")
        return redirect(saved)
    return _form_page(
        request,
        form,
        title="Change the visit" if visit else "Record a mystery shopping visit",
        back=visit.get_absolute_url() if visit else "/feedback/mystery-shopping/",
        back_label=str(visit) if visit else "Mystery shopping",
    )
