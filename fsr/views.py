"""The review programme and the reviews' pages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from fsr import permissions, services
from fsr import programme as programme_rows
from fsr.filters import ReviewFilter
from fsr.forms import (
    ActionForm,
    MarketTestDecisionForm,
    MarketTestForm,
    MilestoneFormSet,
    ReviewForm,
    ReviewRulesForm,
    StatusForm,
)
from fsr.models import MarketTest, Milestone, Review, ReviewRuleSettings
from fsr.services import MarketTestRefused, TransitionError
from oim import permissions as oim_permissions
from targets.exports import Column, export_response
from targets.models import Action, User
from targets.plans.actions import PlanError

REVIEW_COLUMNS = [
    Column("Review", lambda r: r.title),
    Column("Service", lambda r: r.service.name),
    Column("Kind", lambda r: r.get_kind_display()),
    Column("Start", lambda r: r.start),
    Column("Planned end", lambda r: r.planned_end),
    Column("Ended", lambda r: r.ended_on),
    Column("Status", lambda r: r.get_status_display()),
]


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def readable_reviews(user: object) -> QuerySet[Review]:
    ids = permissions.review_service_ids(user)  # type: ignore[arg-type]
    return Review.objects.for_service_ids(ids).select_related(
        "service", "sponsor", "project_manager"
    )


def _review(request: HttpRequest, pk: int, *, edit: bool = False) -> Review:
    review = get_object_or_404(readable_reviews(request.user), pk=pk)
    if edit and not permissions.can_edit_review(request.user, review.service):
        raise PermissionDenied(f"You cannot change reviews of {review.service}.")
    return review


def programme(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rules_in_force = ReviewRuleSettings.current()
    rows = programme_rows.programme(
        today=today,
        service_ids=permissions.review_service_ids(request.user),
        kinds=rules_in_force.kinds,
    )
    visible = permissions.review_service_ids(request.user)
    due = (
        Review.objects.for_service_ids(visible)
        .due_for_market_test(today)
        .select_related("service")
        .order_by("service__name")
    )
    return render(
        request,
        "fsr/programme.html",
        {
            "rows": rows,
            "flagged": [r for r in rows if r.check.flagged],
            "due_market_test": due,
            "timeline": programme_rows.timeline(rows, today),
            "today": today,
            "can_add": permissions.can_manage_review_programme(request.user),
            # The programme's order comes from value for money: linked for those who may open it.
            "sees_vfm": oim_permissions.can_view_oim(request.user),
            "rules_in_force": rules_in_force,
            "can_set_rules": permissions.can_set_review_rules(request.user),
            "overrunning": [
                (row.service, review, review.overrun(today))
                for row in rows
                for review in row.overrunning
            ],
        },
    )


def review_rules(request: HttpRequest) -> HttpResponse:
    """Which kinds of review count for the four-year rule: the performance team's setting."""
    if not permissions.can_set_review_rules(request.user):
        raise PermissionDenied("Only the performance team sets the review programme's rules.")
    current = ReviewRuleSettings.current()
    form = ReviewRulesForm(request.POST or None, initial={"four_year_kinds": current.kinds})
    if request.method == "POST" and form.is_valid():
        saved = services.review_rules_save(
            kinds=form.cleaned_data["four_year_kinds"], user=_user(request)
        )
        messages.success(request, f"The four-year rule now counts {saved.kinds_text}.")
        return redirect("fsr_programme")
    return render(
        request,
        "fsr/review_rules_form.html",
        {"form": form, "current": current},
        status=400 if request.method == "POST" else 200,
    )


def review_list(request: HttpRequest) -> HttpResponse:
    filters = ReviewFilter(request.GET or None, queryset=readable_reviews(request.user))
    if not filters.errors:
        exported = export_response(request, filters.qs, REVIEW_COLUMNS, "service-reviews")
        if exported is not None:
            return exported
    return render(
        request,
        "fsr/review_list.html",
        {
            "filters": filters,
            "reviews": filters.qs,
            "can_add": permissions.can_manage_review_programme(request.user),
        },
        status=400 if filters.errors else 200,
    )


def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    today = timezone.localdate()
    review = get_object_or_404(
        readable_reviews(request.user).prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.select_related("owner")),
            Prefetch("actions", queryset=Action.objects.select_related("owner")),
            "peer_reviews",
            "savings_lines",
        ),
        pk=pk,
    )
    market_test = MarketTest.objects.filter(review=review).select_related("decided_by").first()
    milestones = list(review.milestones.all())
    actions = list(review.actions.all())
    delivery = review.delivery(today)
    can_edit = permissions.can_edit_review(request.user, review.service)
    return render(
        request,
        "fsr/review_detail.html",
        {
            "review": review,
            "milestones": milestones,
            "actions": actions,
            "market_test": market_test,
            "missed": delivery.unable_to_deliver,
            "delivery": delivery,
            "overrun": review.overrun(today),
            "agreement_missing": review.agreement_missing() if review.is_open else [],
            "comparators": list(review.comparators.all()),
            "today": today,
            "comparison": review.comparison,
            "can_edit": can_edit,
            "can_manage": permissions.can_manage_review_programme(request.user),
            "can_prepare": permissions.can_prepare_market_test(request.user),
            "can_decide": permissions.can_decide_market_test(request.user),
            "status_form": StatusForm(review=review) if can_edit and review.next_statuses else None,
        },
    )


def review_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = _user(request)
    review = None
    if pk is not None:
        review = _review(request, pk, edit=True)
    elif not permissions.can_manage_review_programme(user):
        raise PermissionDenied("Only the performance team plans reviews.")
    form = ReviewForm(request.POST or None, instance=review, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.review_save(
                review=form.save(commit=False),
                comparators=form.cleaned_data["comparators"],
                user=user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Review saved: {saved.title}.")
            return redirect(saved)
    return render(
        request,
        "fsr/review_form.html",
        {"form": form, "review": review},
        status=400 if request.method == "POST" else 200,
    )


def review_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """The review's milestones, edited in one table."""
    review = _review(request, pk, edit=True)
    formset = MilestoneFormSet(
        request.POST or None,
        instance=review,
        queryset=Milestone.objects.filter(review=review).select_related("owner"),
    )
    if request.method == "POST" and formset.is_valid():
        changed = formset.save(commit=False)
        services.milestones_save(
            review=review, user=_user(request), changed=changed, deleted=formset.deleted_objects
        )
        messages.success(request, "Milestones saved.")
        return redirect(review)
    return render(
        request,
        "fsr/review_plan.html",
        {"review": review, "formset": formset},
        status=400 if request.method == "POST" else 200,
    )


def review_action(request: HttpRequest, pk: int, action_pk: int | None = None) -> HttpResponse:
    review = _review(request, pk, edit=True)
    action = get_object_or_404(review.actions.all(), pk=action_pk) if action_pk else None
    form = ActionForm(request.POST or None, instance=action)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.review_action_save(
                review=review, action=form.save(commit=False), user=_user(request)
            )
        except PlanError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, f"Improvement action saved: {saved.title}.")
            return redirect(review)
    return render(
        request,
        "fsr/action_form.html",
        {"parent": review, "form": form, "action": action, "heading": "improvement action"},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def review_status(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(request, pk, edit=True)
    form = StatusForm(request.POST, review=review)
    if form.is_valid():
        try:
            saved = services.review_transition(
                review=review,
                to=form.cleaned_data["to"],
                on=form.cleaned_data["on"],
                user=_user(request),
            )
        except TransitionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"The review is now {saved.get_status_display().lower()}.")
    else:
        messages.error(request, "Choose one of the statuses offered, and a valid date.")
    return redirect(review)


@require_POST
def review_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(request, pk, edit=True)
    try:
        services.review_measure_outcome(review=review, user=_user(request))
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Outcome measured again from today's data.")
    return redirect(review)


@require_POST
def review_savings(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(request, pk)
    if not permissions.can_manage_review_programme(request.user):
        raise PermissionDenied("Only the performance team keeps the savings plan.")
    try:
        line = services.savings_from_review(review=review, user=_user(request))
    except TransitionError as exc:
        messages.error(request, str(exc))
        return redirect(review)
    messages.success(request, f"Added to the {line.year_label} savings plan.")
    return redirect(f"{reverse('fsr_savings')}?year={line.year}")


def market_test(request: HttpRequest, pk: int) -> HttpResponse:
    """The performance team's recommendation to CEB, for a review unable to deliver."""
    review = _review(request, pk)
    if not permissions.can_prepare_market_test(request.user):
        raise PermissionDenied("Only the performance team prepares market-test recommendations.")
    found = MarketTest.objects.filter(review=review).first()
    refusal = None
    if found is None:
        refusal = services.review_delivery(review, timezone.localdate()).market_test_refusal
    form = MarketTestForm(
        request.POST or None,
        instance=found or MarketTest(review=review, recommended_on=timezone.localdate()),
    )
    if request.method == "POST" and refusal is None and form.is_valid():
        try:
            services.market_test_save(market_test=form.save(commit=False), user=_user(request))
        except MarketTestRefused as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Market-test recommendation saved.")
            return redirect(review)
    return render(
        request,
        "fsr/market_test_form.html",
        {"review": review, "form": form, "refusal": refusal},
        status=400 if request.method == "POST" else 200,
    )


def market_test_decision(request: HttpRequest, pk: int) -> HttpResponse:
    """CEB's decision on the recommendation, recorded by a member of the executive board."""
    review = _review(request, pk)
    if not permissions.can_decide_market_test(request.user):
        raise PermissionDenied(
            "The decision to market test is the executive board's: only a CEB member records it."
        )
    found = get_object_or_404(MarketTest, review=review)
    initial = {
        "approval": found.approval,
        "decided_on": found.decision_on or timezone.localdate(),
        "minute_reference": found.minute_reference,
        "decision": found.decision,
        "notes": found.notes,
    }
    form = MarketTestDecisionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.market_test_decide(
                market_test=found,
                user=_user(request),
                approval=data["approval"],
                decided_on=data["decided_on"],
                minute_reference=data["minute_reference"],
                decision=data["decision"],
                notes=data["notes"],
            )
        except MarketTestRefused as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                name = {"decision_on": "decided_on"}.get(field, field)
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, "CEB's decision recorded.")
            return redirect(review)
    return render(
        request,
        "fsr/market_test_decision_form.html",
        {"review": review, "market_test": found, "form": form},
        status=400 if request.method == "POST" else 200,
    )
