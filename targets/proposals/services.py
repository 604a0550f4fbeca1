"""Targets set by heads of service (framework, governance): each year the head proposes the
targets (and profiles) of the service's measures with a rationale; the performance team (the
corporate management team for a corporate measure) approves or returns them with a reason. An
approved proposal becomes the year's target through the targets' own audited writes
(`targets.imports.targets.set_year_target`); every proposal is kept as the history.

Each function checks the user's right on the server, locks the row it decides, writes the change
and its audit record in one transaction, and raises `ProposalError` with a message.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from targets import audit, periods, permissions
from targets.imports.targets import set_year_target
from targets.models import ChangeRecord, Measure, TargetProposal, User
from targets.proposals import rules
from targets.proposals.rules import ProposalError

Source = ChangeRecord.Source
Change = ChangeRecord.Action
FIELDS = (
    "measure",
    "year",
    "value",
    "lower",
    "upper",
    "profile",
    "rationale",
    "status",
    "proposed_by",
    "decided_by",
    "decided_at",
    "return_reason",
)


def proposal_create(
    *,
    user: User,
    measure: Measure,
    year: int,
    value: Decimal | None,
    lower: Decimal | None = None,
    upper: Decimal | None = None,
    profile: dict[str, str] | None = None,
    rationale: str,
    source: str = Source.FORM,
) -> TargetProposal:
    """A head of service's proposal for one measure and year (one open proposal at a time)."""
    if not permissions.can_propose_targets(user, measure.service):
        raise PermissionDenied(f"Only the head of {measure.service} proposes its targets.")
    if not measure.is_active_in(year):
        raise ProposalError(f"{measure.code} is not reported in {periods.fy_label(year)}.", "year")
    if not rationale.strip():
        raise ProposalError("Give the rationale for the target.", "rationale")
    is_range = measure.polarity == Measure.Polarity.RANGE
    rules.check_figures(is_range=is_range, value=value, lower=lower, upper=upper)
    profile = profile or {}
    rules.check_complete(profile, year=year, frequency=measure.frequency)
    proposal = TargetProposal(
        measure=measure,
        year=year,
        value=value,
        lower=lower,
        upper=upper,
        profile=profile,
        rationale=rationale.strip(),
        proposed_by=user,
    )
    try:
        with transaction.atomic():
            proposal.save()
            audit.record(
                user=user,
                action=Change.CREATE,
                source=source,
                obj=proposal,
                fields=FIELDS,
                measure=measure,
                period=proposal.year_label,
            )
    except IntegrityError as exc:
        raise ProposalError(
            f"{measure.code} already has a proposal for {periods.fy_label(year)} awaiting a "
            "decision: it is approved or returned before another is made.",
            "measure",
        ) from exc
    return proposal


def _locked(proposal: TargetProposal, user: User) -> TargetProposal:
    locked = (
        TargetProposal.objects.select_for_update()
        .select_related("measure", "measure__service")
        .get(pk=proposal.pk)
    )
    if not permissions.can_decide_target_proposal(user, locked.measure, locked.proposed_by_id):
        if user.pk == locked.proposed_by_id:
            raise PermissionDenied("Nobody decides their own proposal.")
        raise PermissionDenied(f"Only {locked.approver_label} decides this proposal.")
    if locked.status != TargetProposal.Status.PROPOSED:
        raise ProposalError(
            f"This proposal was already {locked.get_status_display().lower()}: propose again "
            "to change the target."
        )
    return locked


def _still_valid(proposal: TargetProposal) -> None:
    """The measure may have changed since the proposal (its polarity, its frequency): the
    target written must suit it as it is now."""
    measure = proposal.measure
    rules.check_figures(
        is_range=measure.polarity == Measure.Polarity.RANGE,
        value=proposal.value,
        lower=proposal.lower,
        upper=proposal.upper,
    )
    for code in proposal.profile:
        rules.check_profile_period(
            periods.parse_period(code), year=proposal.year, frequency=measure.frequency, line=0
        )
    rules.check_complete(proposal.profile, year=proposal.year, frequency=measure.frequency)


def proposal_approve(
    *, user: User, proposal: TargetProposal, source: str = Source.FORM
) -> TargetProposal:
    """Approve: the proposal becomes the measure's target (and profile) for its year."""
    with transaction.atomic():
        locked = _locked(proposal, user)
        _still_valid(locked)
        before = audit.snapshot(locked, FIELDS)
        figures = {"value": locked.value, "lower": locked.lower, "upper": locked.upper}
        profile = {code: figure for code, figure in locked.profile_figures}
        set_year_target(
            locked.measure,
            locked.year,
            figures=figures,
            profile=profile,
            user=user,
            source=source,
        )
        locked.status = TargetProposal.Status.APPROVED
        locked.decided_by = user
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        audit.record(
            user=user,
            action=Change.APPROVE,
            source=source,
            obj=locked,
            before=before,
            fields=FIELDS,
            measure=locked.measure,
            period=locked.year_label,
        )
    return locked


def proposal_return(
    *, user: User, proposal: TargetProposal, reason: str, source: str = Source.FORM
) -> TargetProposal:
    """Return to the head of service with a reason; the year's target is unchanged."""
    if not reason.strip():
        raise ProposalError("Say why the proposal is returned.", "reason")
    with transaction.atomic():
        locked = _locked(proposal, user)
        before = audit.snapshot(locked, FIELDS)
        locked.status = TargetProposal.Status.RETURNED
        locked.decided_by = user
        locked.decided_at = timezone.now()
        locked.return_reason = reason.strip()
        locked.save(update_fields=["status", "decided_by", "decided_at", "return_reason"])
        audit.record(
            user=user,
            action=Change.RETURN,
            source=source,
            obj=locked,
            before=before,
            fields=FIELDS,
            measure=locked.measure,
            period=locked.year_label,
            reason=locked.return_reason,
        )
    return locked
