"""Pages of targets set by heads of service: the year's proposals, the propose form, and a
proposal's review page (approve or return)."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from targets import params, periods, permissions
from targets.models import Measure, Target, TargetProposal, User
from targets.proposals import rules, services
from targets.proposals.filters import TargetProposalFilter
from targets.proposals.forms import ProposalForm, ReturnForm
from targets.proposals.rules import ProposalError


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _require_sees(request: HttpRequest) -> None:
    if not permissions.sees_target_proposals(request.user):
        raise PermissionDenied("Proposed targets are for council staff.")


def _year(request: HttpRequest) -> int:
    # The targets set in a year are next year's: proposing starts before the year does.
    return params.year_param(request.GET, default=params.this_year() + 1)


def proposal_list(request: HttpRequest) -> HttpResponse:
    _require_sees(request)
    year = _year(request)
    data = request.GET.copy()
    data["year"] = str(year)
    filters = TargetProposalFilter(
        data,
        queryset=TargetProposal.objects.select_related(
            "measure", "measure__service", "proposed_by", "decided_by"
        ),
    )
    proposals = list(filters.qs) if filters.is_valid() else []
    # The page chooses its year with the year form above the filters.
    filters.form.fields.pop("year", None)
    user = _user(request)
    counts = {s: sum(1 for p in proposals if p.status == s) for s in TargetProposal.Status}
    return render(
        request,
        "targets/proposals/list.html",
        {
            "filters": filters,
            "proposals": proposals,
            "year": year,
            "year_label": periods.fy_label(year),
            "years": params.year_choices(back=3, ahead=1, around=year),
            "counts": [(s.label, counts[s]) for s in TargetProposal.Status],
            "can_propose": permissions.proposable_services(user).exists(),
        },
        status=200 if filters.is_valid() else 400,
    )


def proposal_new(request: HttpRequest) -> HttpResponse:
    _require_sees(request)
    user = _user(request)
    services_ = permissions.proposable_services(user)
    if not services_.exists():
        raise PermissionDenied("Only heads of service propose their services' targets.")
    year = _year(request)
    initial: dict[str, object] = {}
    code = request.GET.get("measure", "")
    if code:
        initial["measure"] = code
        target = Target.objects.filter(measure__code=code, year=year).first()
        if target is not None:
            initial.update(value=target.value, lower=target.lower, upper=target.upper)
    form = ProposalForm(request.POST or None, initial=initial, services=services_, year=year)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            proposal = services.proposal_create(
                user=user,
                measure=data["measure"],
                year=year,
                value=data["value"],
                lower=data["lower"],
                upper=data["upper"],
                profile=data["profile"],
                rationale=data["rationale"],
            )
        except ProposalError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(
                request,
                f"Target for {proposal.measure.code} proposed for {proposal.year_label}: "
                f"{proposal.approver_label} will approve or return it.",
            )
            return redirect(proposal)
    return render(
        request,
        "targets/proposals/new.html",
        {"form": form, "year": year, "year_label": periods.fy_label(year)},
        status=400 if form.errors else 200,
    )


def _proposal(pk: int) -> TargetProposal:
    return get_object_or_404(
        TargetProposal.objects.select_related(
            "measure", "measure__service", "proposed_by", "decided_by"
        ),
        pk=pk,
    )


def proposal_detail(
    request: HttpRequest, pk: int, return_form: ReturnForm | None = None
) -> HttpResponse:
    _require_sees(request)
    proposal = _proposal(pk)
    user = _user(request)
    measure: Measure = proposal.measure
    target = (
        Target.objects.filter(measure=measure, year=proposal.year)
        .prefetch_related("profile")
        .first()
    )
    history = (
        TargetProposal.objects.filter(measure=measure, year=proposal.year)
        .select_related("proposed_by", "decided_by")
        .order_by("-proposed_at", "-id")
    )
    can_decide = proposal.status == TargetProposal.Status.PROPOSED and (
        permissions.can_decide_target_proposal(user, measure, proposal.proposed_by_id)
    )
    return render(
        request,
        "targets/proposals/detail.html",
        {
            "proposal": proposal,
            "measure": measure,
            "target": target,
            "history": history,
            "can_decide": can_decide,
            "can_propose_again": proposal.status != TargetProposal.Status.PROPOSED
            and permissions.can_propose_targets(user, measure.service),
            "return_form": return_form or ReturnForm(),
            "profile_text": rules.profile_text(proposal.profile),
        },
        status=400 if return_form is not None else 200,
    )


@require_POST
def proposal_approve(request: HttpRequest, pk: int) -> HttpResponse:
    _require_sees(request)
    proposal = _proposal(pk)
    try:
        services.proposal_approve(user=_user(request), proposal=proposal)
    except ProposalError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"Approved: {proposal.measure.code}'s target for {proposal.year_label} is set.",
        )
    return redirect(proposal)


@require_POST
def proposal_return(request: HttpRequest, pk: int) -> HttpResponse:
    _require_sees(request)
    proposal = _proposal(pk)
    if not permissions.can_decide_target_proposal(
        request.user, proposal.measure, proposal.proposed_by_id
    ):
        raise PermissionDenied(f"Only {proposal.approver_label} decides this proposal.")
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return proposal_detail(request, pk, return_form=form)
    try:
        services.proposal_return(
            user=_user(request), proposal=proposal, reason=form.cleaned_data["reason"]
        )
    except ProposalError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Returned to the head of {proposal.measure.service}.")
    return redirect(f"{reverse('proposal_list')}?year={proposal.year}")
