"""OIM workflows: each checks permission on the server, writes in one transaction and records the
change in the audit trail. Forms, the admin and the API call these."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model

from benchmarking.models import Metric
from oim import permissions
from oim.models import (
    Accreditation,
    Factor,
    FactorAssessment,
    Idea,
    KeyProcess,
    QuadrantWeight,
    ServiceBudget,
    ServiceCostMetric,
    SpendToSaveBudget,
)
from targets import audit
from targets.models import ChangeRecord, Service, User
from targets.periods import fy_label

Status = Idea.Status

# Where the board may move an idea from each status.
MOVES: dict[str, set[str]] = {
    Status.NEW: {Status.UNDER_REVIEW, Status.REJECTED},
    Status.UNDER_REVIEW: {Status.APPROVED, Status.REJECTED, Status.NEW},
    Status.APPROVED: {Status.IMPLEMENTED, Status.REJECTED, Status.UNDER_REVIEW},
    Status.IMPLEMENTED: {Status.APPROVED},
    Status.REJECTED: {Status.UNDER_REVIEW},
}


class OverCommitError(ValidationError):
    """An award that would take the year's spend-to-save budget past its total."""


def _save(obj: Model, *, user: User, period: str = "", reason: str = "") -> None:
    audit.save(obj, user=user, period=period, reason=reason, clean=True)


def _delete(obj: Model, *, user: User, period: str = "") -> None:
    audit.record(
        user=user,
        action=ChangeRecord.Action.DELETE,
        source=ChangeRecord.Source.FORM,
        obj=obj,
        period=period,
    )
    obj.delete()


# The scorecard's configuration


def factor_save(*, factor: Factor, user: User) -> Factor:
    if not permissions.can_configure_oim(user):
        raise PermissionDenied("Only the performance team configures the OIM's factors.")
    with transaction.atomic():
        _save(factor, user=user)
    return factor


def quadrant_weights_save(*, weights: dict[str, Decimal], user: User) -> None:
    if not permissions.can_configure_oim(user):
        raise PermissionDenied("Only the performance team sets the quadrant weights.")
    with transaction.atomic():
        for quadrant, weight in weights.items():
            row = QuadrantWeight.objects.filter(quadrant=quadrant).first()
            row = row or QuadrantWeight(quadrant=quadrant)
            row.weight = weight
            _save(row, user=user)


def assessment_save(*, assessment: FactorAssessment, user: User) -> FactorAssessment:
    if not permissions.can_configure_oim(user):
        raise PermissionDenied("Only the performance team assesses factors by hand.")
    if not assessment.factor.is_assessed:
        raise ValidationError({"factor": f"{assessment.factor} is computed, not assessed by hand."})
    with transaction.atomic():
        if assessment.assessor_id is None:
            assessment.assessor = user
        _save(
            assessment,
            user=user,
            period=fy_label(assessment.year),
        )
    return assessment


def assessment_delete(*, assessment: FactorAssessment, user: User) -> None:
    """Withdraw a hand assessment: the factor is missing again (never 0)."""
    if not permissions.can_configure_oim(user):
        raise PermissionDenied("Only the performance team assesses factors by hand.")
    with transaction.atomic():
        _delete(assessment, user=user, period=fy_label(assessment.year))


def budget_delete(*, budget: ServiceBudget, user: User) -> None:
    if not permissions.can_configure_oim(user):
        raise PermissionDenied("Only the performance team enters service budgets.")
    with transaction.atomic():
        _delete(budget, user=user, period=fy_label(budget.year))


def budget_save(*, budget: ServiceBudget, user: User) -> ServiceBudget:
    if not permissions.can_configure_oim(user):
        raise PermissionDenied("Only the performance team enters service budgets.")
    with transaction.atomic():
        _save(budget, user=user, period=fy_label(budget.year))
    return budget


def cost_metric_save(*, link: ServiceCostMetric, user: User) -> ServiceCostMetric:
    if not permissions.can_configure_oim(user):
        raise PermissionDenied("Only the performance team maps services to metrics of spend.")
    with transaction.atomic():
        _save(link, user=user)
    return link


@dataclass(frozen=True)
class Assessed:
    """A hand assessment as the page gives it: a score (None: withdraw it), evidence, date."""

    factor: Factor
    score: int | None
    evidence: str
    assessed_on: date


def assessments_save(*, service: Service, year: int, assessed: list[Assessed], user: User) -> None:
    """A service's hand assessments for a year, all or nothing: each saved, changed, or (with no
    score) withdrawn."""
    if not permissions.can_configure_oim(user):
        raise PermissionDenied("Only the performance team assesses factors by hand.")
    stored = {a.factor_id: a for a in FactorAssessment.objects.filter(service=service, year=year)}
    with transaction.atomic():
        for item in assessed:
            existing = stored.get(item.factor.pk)
            if item.score is None:
                if existing is not None:
                    assessment_delete(assessment=existing, user=user)
                continue
            assessment = existing or FactorAssessment(
                factor=item.factor, service=service, year=year
            )
            assessment.score = item.score
            assessment.evidence = item.evidence.strip()
            assessment.assessed_on = item.assessed_on
            assessment.assessor = user
            assessment_save(assessment=assessment, user=user)


@dataclass(frozen=True)
class Budgeted:
    """A service's row of the budgets page: its net budget and its metric of spend (None:
    remove them)."""

    service: Service
    net_budget: Decimal | None
    metric: Metric | None


def budgets_save(*, year: int, rows: list[Budgeted], user: User) -> None:
    """Every service's net budget for `year` and its metric of spend, all or nothing."""
    if not permissions.can_configure_oim(user):
        raise PermissionDenied("Only the performance team enters service budgets.")
    services = [row.service for row in rows]
    budgets = {
        b.service_id: b for b in ServiceBudget.objects.filter(year=year, service__in=services)
    }
    links = {c.service_id: c for c in ServiceCostMetric.objects.filter(service__in=services)}
    with transaction.atomic():
        for row in rows:
            budget = budgets.get(row.service.pk)
            if row.net_budget is None and budget is not None:
                budget_delete(budget=budget, user=user)
            elif row.net_budget is not None:
                budget = budget or ServiceBudget(service=row.service, year=year)
                budget.net_budget = row.net_budget
                budget_save(budget=budget, user=user)
            link = links.get(row.service.pk)
            if row.metric is None and link is not None:
                cost_metric_delete(link=link, user=user)
            elif row.metric is not None and (link is None or link.metric_id != row.metric.pk):
                link = link or ServiceCostMetric(service=row.service)
                link.metric = row.metric
                cost_metric_save(link=link, user=user)


def cost_metric_delete(*, link: ServiceCostMetric, user: User) -> None:
    if not permissions.can_configure_oim(user):
        raise PermissionDenied("Only the performance team maps services to metrics of spend.")
    with transaction.atomic():
        _delete(link, user=user)


# The ideas board


def idea_submit(*, idea: Idea, user: User) -> Idea:
    """A new idea from anyone signed in: always starts as New, with nothing awarded."""
    if not permissions.can_submit_idea(user):
        raise PermissionDenied("Sign in to submit an idea.")
    idea.pk = None
    idea.submitter = user
    idea.status = Status.NEW
    idea.amount_awarded = Decimal(0)
    idea.funding_year = None
    idea.realised_saving = None
    with transaction.atomic():
        _save(idea, user=user)
    return idea


def idea_move(
    *, idea: Idea, status: str, user: User, board_month: str = "", note: str = ""
) -> Idea:
    """The board moves an idea on (new → under review → approved → implemented, or rejected)."""
    if not permissions.can_run_board(user):
        raise PermissionDenied("Only the board's secretary (the performance team) moves ideas on.")
    with transaction.atomic():
        locked = Idea.objects.select_for_update().get(pk=idea.pk)
        if status != locked.status and status not in MOVES[locked.status]:
            allowed = ", ".join(Status(s).label.lower() for s in sorted(MOVES[locked.status]))
            raise ValidationError(
                {
                    "status": f"An idea that is {locked.get_status_display().lower()} can only "
                    f"become {allowed}."
                }
            )
        if status == Status.REJECTED and locked.amount_awarded:
            raise ValidationError(
                {"status": "Withdraw its spend-to-save award (award £0) before rejecting it."}
            )
        locked.status = status
        if board_month:
            locked.board_month = board_month
        if note:
            locked.board_note = note
        _save(locked, user=user, reason=note)
    return locked


def _fund_of(year: int, *, user: User) -> None:
    """Make sure `year` has a spend-to-save fund: a year without one gets the default."""
    with transaction.atomic():
        budget, created = SpendToSaveBudget.objects.get_or_create(year=year)
        if created:
            audit.record(
                user=user,
                action=ChangeRecord.Action.CREATE,
                source=ChangeRecord.Source.FORM,
                obj=budget,
                period=fy_label(year),
                reason="The year's fund, at the default amount, for its first award.",
            )


def idea_award(*, idea: Idea, amount: Decimal, year: int, user: User) -> Idea:
    """Award (or change, or withdraw with £0) an approved idea's spend-to-save funding from
    `year`'s budget, never committing more than the budget holds.

    The year's budget row is locked first (created at the default £50,000 if the year has none),
    so two awards made at the same moment are counted one after the other: the second sees the
    first's commitment and is refused if both would not fit.
    """
    if not permissions.can_run_board(user):
        raise PermissionDenied("Only the board's secretary (the performance team) awards funding.")
    if amount < 0:
        raise ValidationError({"amount": "Enter an amount of £0 or more."})
    _fund_of(year, user=user)
    with transaction.atomic():
        budget = SpendToSaveBudget.objects.select_for_update().get(year=year)
        locked = Idea.objects.select_for_update().get(pk=idea.pk)
        if amount and not locked.can_be_funded:
            raise ValidationError({"amount": "Only an approved or implemented idea can be funded."})
        others = Idea.objects.exclude(pk=locked.pk).committed_in(year)
        left = budget.amount - others
        if amount > left:
            raise OverCommitError(
                {
                    "amount": f"Only £{left:,.2f} of the £{budget.amount:,.2f} spend-to-save "
                    f"budget for {fy_label(year)} is uncommitted: £{amount:,.2f} would "
                    "over-commit it."
                }
            )
        locked.amount_awarded = amount
        locked.funding_year = year if amount else None
        _save(locked, user=user, period=fy_label(year))
    return locked


def idea_record_saving(*, idea: Idea, realised: Decimal | None, user: User) -> Idea:
    if not permissions.can_run_board(user):
        raise PermissionDenied("Only the performance team records realised savings.")
    with transaction.atomic():
        locked = Idea.objects.select_for_update().get(pk=idea.pk)
        locked.realised_saving = realised
        _save(locked, user=user)
    return locked


def spend_to_save_set(*, year: int, amount: Decimal, user: User) -> SpendToSaveBudget:
    """Set a year's fund; never below what is already awarded from it."""
    if not permissions.can_run_board(user):
        raise PermissionDenied("Only the performance team sets the spend-to-save budget.")
    _fund_of(year, user=user)
    with transaction.atomic():
        budget = SpendToSaveBudget.objects.select_for_update().get(year=year)
        committed = Idea.objects.committed_in(year)
        if amount < committed:
            raise OverCommitError(
                {
                    "amount": f"£{committed:,.2f} is already awarded from {fy_label(year)}'s "
                    "budget: it cannot be set lower."
                }
            )
        budget.amount = amount
        _save(budget, user=user, period=fy_label(year))
    return budget


# The registers


def key_process_save(*, process: KeyProcess, user: User) -> KeyProcess:
    if not permissions.can_manage_register(user, process.service):
        raise PermissionDenied(f"You cannot change the key processes of {process.service}.")
    if process.pk:
        stored = KeyProcess.objects.select_related("service").get(pk=process.pk)
        if not permissions.can_manage_register(user, stored.service):
            raise PermissionDenied(f"You cannot change the key processes of {stored.service}.")
    with transaction.atomic():
        _save(process, user=user)
    return process


def accreditation_save(*, accreditation: Accreditation, user: User) -> Accreditation:
    if not permissions.can_manage_register(user, accreditation.service):
        raise PermissionDenied("You cannot change this accreditation.")
    if accreditation.pk:
        stored = Accreditation.objects.select_related("service").get(pk=accreditation.pk)
        if not permissions.can_manage_register(user, stored.service):
            raise PermissionDenied("You cannot change this accreditation.")
    with transaction.atomic():
        _save(accreditation, user=user)
    return accreditation
