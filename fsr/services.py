"""Review workflows: every change to a review, its plan, market test, peer review, market
intelligence or the savings plan goes through here, whatever the route (page, API, demo).

Each function checks permission on the server, validates with the model's own rules (the
nine-month limit among them), writes in one transaction and records the change in the audit
trail (`ChangeRecord`, with no measure: these are not measures' changes).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone

from benchmarking.models import Authority
from fsr import measurement, permissions, rules
from fsr.models import (
    MarketIntelligence,
    MarketTest,
    Milestone,
    PeerReview,
    Review,
    ReviewRuleSettings,
    SavingsLine,
)
from targets import audit
from targets.models import Action, ChangeRecord, User
from targets.plans import actions

Source = ChangeRecord.Source
Act = ChangeRecord.Action

REVIEW_FIELDS = [
    "service",
    "kind",
    "title",
    "scope",
    "sponsor",
    "project_manager",
    "start",
    "planned_end",
    "ended_on",
    "completed_on",
    "status",
    "aim_performance_pct",
    "aim_cost_pct",
    "findings",
    "other_comparators",
    "challenge_evidence",
    "staff_involvement",
    "future_specification",
]


class TransitionError(ValueError):
    """A status change the review cannot make now."""


def _before(model: type[models.Model], pk: int | None) -> tuple[models.Model | None, dict]:
    if pk is None:
        return None, {}
    stored = model._default_manager.get(pk=pk)
    return stored, audit.snapshot(stored)


# Reviews


def review_save(
    *,
    review: Review,
    user: User,
    comparators: Iterable[Authority] | None = None,
    source: str = Source.FORM,
) -> Review:
    """Create a review (the performance team) or change one (the team, or the service's head);
    `comparators`, when given, become the high performers it was compared with.

    The status is changed only by `review_transition`.
    """
    fields = audit.fields_of(Review, many=True)
    stored = Review.objects.filter(pk=review.pk).first() if review.pk else None
    before = audit.snapshot(stored, fields) if stored is not None else {}
    if stored is None:
        if not permissions.can_manage_review_programme(user):
            raise PermissionDenied("Only the performance team plans reviews.")
        review.status = Review.Status.PLANNED
    else:
        assert isinstance(stored, Review)
        if not permissions.can_edit_review(user, stored.service):
            raise PermissionDenied(f"You cannot change reviews of {stored.service}.")
        if stored.service_id != review.service_id and not permissions.can_manage_review_programme(
            user
        ):
            raise PermissionDenied("Only the performance team moves a review to another service.")
        review.status = stored.status
    if not permissions.can_edit_review(user, review.service):
        raise PermissionDenied(f"You cannot change reviews of {review.service}.")
    review.full_clean()
    with transaction.atomic():
        review.save()
        if comparators is not None:
            review.comparators.set(comparators)
        audit.record(
            user=user,
            action=Act.CREATE if stored is None else Act.UPDATE,
            source=source,
            obj=review,
            before=before,
            fields=fields,
        )
    return review


def review_transition(
    *,
    review: Review,
    to: str,
    user: User,
    on: date | None = None,
    today: date | None = None,
    source: str = Source.FORM,
) -> Review:
    """Move a review on: planned → in progress (its baseline is captured) → improvement plan
    agreed (the review has ended: `on` is its end date) → complete (`on`: completed; the
    outcome is measured); open reviews may be abandoned."""
    today = today or timezone.localdate()
    if not permissions.can_edit_review(user, review.service):
        raise PermissionDenied(f"You cannot change reviews of {review.service}.")
    with transaction.atomic():
        review = Review.objects.select_for_update().select_related("service").get(pk=review.pk)
        if to not in review.TRANSITIONS[review.status]:
            labels = dict(Review.Status.choices)
            raise TransitionError(
                f"A review that is {labels[review.status].lower()} cannot become "
                f"{labels.get(to, to).lower()}."
            )
        before = audit.snapshot(review)
        when = on or today
        if to == Review.Status.IN_PROGRESS:
            _capture_baseline(review)
        elif to == Review.Status.AGREED:
            if problem := rules.actual_end_problem(review.start, when, today):
                raise TransitionError(problem)
            if not review.milestones.exists() and not review.actions.exists():
                raise TransitionError(
                    "Add the improvement plan (milestones or improvement actions) before "
                    "recording it as agreed."
                )
            if problem := rules.agreement_problem(review.agreement_missing()):
                raise TransitionError(problem)
            review.ended_on = when
        elif to == Review.Status.COMPLETE:
            assert review.ended_on is not None
            if when < review.ended_on:
                raise TransitionError("The review cannot be completed before it ended.")
            if problem := rules.actual_end_problem(review.ended_on, when, today, what="completion"):
                raise TransitionError(problem)
            review.completed_on = when
            _measure_outcome(review, today)
        review.status = to
        review.save()
        audit.record(user=user, action=Act.UPDATE, source=source, obj=review, before=before)
    return review


def _capture_baseline(review: Review) -> None:
    reading = measurement.baseline(review.service, review.start)
    review.baseline_cost = reading.cost
    review.baseline_cost_year = reading.cost_year
    found = reading.performance
    review.baseline_month = found.month.code if found else ""
    review.baseline_green = found.green if found else None
    review.baseline_rated = found.rated if found else None
    review.baseline_captured_at = timezone.now()


def _measure_outcome(review: Review, today: date) -> None:
    assert review.ended_on is not None
    reading = measurement.outcome(review.service, review.ended_on, today)
    review.outcome_cost = reading.cost
    review.outcome_cost_year = reading.cost_year
    found = reading.performance
    review.outcome_month = found.month.code if found else ""
    review.outcome_green = found.green if found else None
    review.outcome_rated = found.rated if found else None
    review.outcome_measured_at = timezone.now()


def review_measure_outcome(
    *, review: Review, user: User | None, today: date | None = None, source: str = Source.FORM
) -> Review:
    """Measure an ended review's outcome again from today's data (`user` None: the system)."""
    if user is not None and not permissions.can_edit_review(user, review.service):
        raise PermissionDenied(f"You cannot change reviews of {review.service}.")
    if not review.is_ended or review.ended_on is None:
        raise TransitionError("Only a review that has ended has an outcome to measure.")
    with transaction.atomic():
        review = Review.objects.select_for_update().select_related("service").get(pk=review.pk)
        before = audit.snapshot(review)
        _measure_outcome(review, today or timezone.localdate())
        review.save()
        audit.record(user=user, action=Act.UPDATE, source=source, obj=review, before=before)
    return review


def milestones_save(
    *,
    review: Review,
    user: User,
    changed: Iterable[Milestone],
    deleted: Iterable[Milestone] = (),
    source: str = Source.FORM,
) -> None:
    """Add, change and delete milestones of a review's plan, all or nothing."""
    if not permissions.can_edit_review(user, review.service):
        raise PermissionDenied(f"You cannot change reviews of {review.service}.")
    with transaction.atomic():
        for milestone in deleted:
            if milestone.review_id != review.pk:
                raise PermissionDenied("That milestone belongs to another review.")
            audit.record(user=user, action=Act.DELETE, source=source, obj=milestone)
            milestone.delete()
        for milestone in changed:
            milestone.review = review
            milestone.full_clean()
            stored, before = _before(Milestone, milestone.pk)
            if stored is not None and stored.review_id != review.pk:  # type: ignore[attr-defined]
                raise PermissionDenied("That milestone belongs to another review.")
            milestone.save()
            audit.record(
                user=user,
                action=Act.CREATE if stored is None else Act.UPDATE,
                source=source,
                obj=milestone,
                before=before,
            )


def _action_save(
    *, action: Action, link: actions.Link, service_id: int, kind: str, user: User, source: str
) -> Action:
    """A review's or peer review's action, through the actions' own rules (a signed-off plan
    keeps what it fixed about its actions, whoever changes them)."""
    if action.pk is None:
        action.service_id = service_id
        action.source = kind
    action.full_clean()
    if action.pk is None:
        return actions.action_create(action=action, user=user, link=link, source=source)
    return actions.action_update(action=action, user=user, link=link, source=source)


def review_action_save(
    *, review: Review, action: Action, user: User, source: str = Source.FORM
) -> Action:
    """Add an improvement action to a review's plan, or change one of its actions."""
    if not permissions.can_edit_review(user, review.service):
        raise PermissionDenied(f"You cannot change reviews of {review.service}.")
    if action.pk and not review.actions.filter(pk=action.pk).exists():
        raise PermissionDenied("That action is not part of this review's plan.")
    return _action_save(
        action=action,
        link=actions.Link(review, "actions"),
        service_id=review.service_id,
        kind=Action.Source.REVIEW,
        user=user,
        source=source,
    )


# Market tests


class MarketTestRefused(ValueError):
    """A market test the rules do not allow: the reason is the message."""


def review_delivery(review: Review, today: date) -> rules.Delivery:
    """The review's delivery of its agreed plan, read afresh from the database."""
    fresh = Review.objects.prefetch_related("milestones", "actions").get(pk=review.pk)
    return fresh.delivery(today)


def market_test_save(
    *,
    market_test: MarketTest,
    user: User,
    today: date | None = None,
    source: str = Source.FORM,
) -> MarketTest:
    """Recommend market testing to CEB, or change the recommendation and the bids: the
    performance team, and only for a review unable to deliver its agreed plan. CEB's decision
    is never set here (`market_test_decide` sets it)."""
    today = today or timezone.localdate()
    if not permissions.can_prepare_market_test(user):
        raise PermissionDenied("Only the performance team prepares market-test recommendations.")
    with transaction.atomic():
        Review.objects.select_for_update().get(pk=market_test.review_id)
        stored = (
            MarketTest.objects.select_for_update().filter(pk=market_test.pk).first()
            if market_test.pk
            else None
        )
        before = audit.snapshot(stored) if stored is not None else {}
        for name in MarketTest.DECISION_FIELDS:
            kept = (
                getattr(stored, name)
                if stored is not None
                else MarketTest._meta.get_field(name).get_default()  # type: ignore[union-attr]
            )
            setattr(market_test, name, kept)
        if stored is None and (
            refusal := review_delivery(market_test.review, today).market_test_refusal
        ):
            raise MarketTestRefused(refusal)
        market_test.full_clean()
        market_test.save()
        audit.record(
            user=user,
            action=Act.CREATE if stored is None else Act.UPDATE,
            source=source,
            obj=market_test,
            before=before,
        )
    return market_test


def market_test_decide(
    *,
    market_test: MarketTest,
    user: User,
    approval: str,
    decided_on: date,
    minute_reference: str,
    decision: str = "",
    notes: str | None = None,
    today: date | None = None,
    source: str = Source.FORM,
) -> MarketTest:
    """Record CEB's decision on a market-test recommendation: approved or rejected, the date
    and the minute; for an approved one, the outcome once the bids are in. Only a CEB member.
    Approving, or any outcome, needs the review to be unable to deliver still; a rejection is
    always possible."""
    today = today or timezone.localdate()
    if not permissions.can_decide_market_test(user):
        raise PermissionDenied(
            "The decision to market test is the executive board's: only a CEB member records it."
        )
    with transaction.atomic():
        found = (
            MarketTest.objects.select_for_update().select_related("review").get(pk=market_test.pk)
        )
        before = audit.snapshot(found)
        if approval not in MarketTest.Approval.values:
            raise MarketTestRefused("Choose whether CEB approved or rejected the market test.")
        if decided_on > today:
            raise MarketTestRefused(
                f"CEB's decision cannot be dated in the future ({rules.long_date(decided_on)})."
            )
        if approval == MarketTest.Approval.APPROVED or decision:
            refusal = review_delivery(found.review, today).market_test_refusal
            if refusal:
                raise MarketTestRefused(refusal)
        found.approval = approval
        found.decision_on = decided_on
        found.minute_reference = minute_reference.strip()
        found.decision = decision
        found.decided_by = user
        if notes is not None:
            found.notes = notes
        found.full_clean()
        found.save()
        audit.record(user=user, action=Act.UPDATE, source=source, obj=found, before=before)
    return found


# The review programme's rules


def review_rules_save(
    *, kinds: Iterable[str], user: User, source: str = Source.FORM
) -> ReviewRuleSettings:
    """Choose which kinds of review count for the four-year rule: the performance team."""
    if not permissions.can_set_review_rules(user):
        raise PermissionDenied("Only the performance team sets the review programme's rules.")
    with transaction.atomic():
        found = ReviewRuleSettings.objects.select_for_update().filter(pk=1).first()
        before = audit.snapshot(found) if found is not None else {}
        settings_ = found or ReviewRuleSettings(pk=1)
        settings_.four_year_kinds = [k for k in Review.Kind.values if k in set(kinds)]
        settings_.full_clean()
        settings_.save()
        audit.record(
            user=user,
            action=Act.CREATE if found is None else Act.UPDATE,
            source=source,
            obj=settings_,
            before=before,
        )
    return settings_


# Peer reviews and market intelligence


def peer_review_save(
    *, peer_review: PeerReview, user: User, source: str = Source.FORM
) -> PeerReview:
    stored, before = _before(PeerReview, peer_review.pk)
    if stored is not None and not permissions.can_edit_review(
        user,
        stored.service,  # type: ignore[attr-defined]
    ):
        raise PermissionDenied("You cannot change this peer review.")
    if not permissions.can_edit_review(user, peer_review.service):
        raise PermissionDenied(f"You cannot record peer reviews of {peer_review.service}.")
    peer_review.full_clean()
    with transaction.atomic():
        peer_review.save()
        audit.record(
            user=user,
            action=Act.CREATE if stored is None else Act.UPDATE,
            source=source,
            obj=peer_review,
            before=before,
        )
    return peer_review


def peer_recommendation_save(
    *, peer_review: PeerReview, action: Action, user: User, source: str = Source.FORM
) -> Action:
    """Add a peer review's recommendation as an action of its service, or change one."""
    if not permissions.can_edit_review(user, peer_review.service):
        raise PermissionDenied(f"You cannot change peer reviews of {peer_review.service}.")
    if action.pk and not peer_review.recommendations.filter(pk=action.pk).exists():
        raise PermissionDenied("That action is not one of this peer review's recommendations.")
    return _action_save(
        action=action,
        link=actions.Link(peer_review, "recommendations"),
        service_id=peer_review.service_id,
        kind=Action.Source.PEER_REVIEW,
        user=user,
        source=source,
    )


def intelligence_save(
    *, note: MarketIntelligence, user: User, source: str = Source.FORM
) -> MarketIntelligence:
    stored, before = _before(MarketIntelligence, note.pk)
    if stored is not None and not permissions.can_edit_market_intelligence(
        user,
        stored.service,  # type: ignore[attr-defined]
    ):
        raise PermissionDenied("You cannot change this note.")
    if not permissions.can_edit_market_intelligence(user, note.service):
        raise PermissionDenied(f"You cannot add market intelligence for {note.service}.")
    if note.added_by_id is None:
        note.added_by = user
    note.full_clean()
    with transaction.atomic():
        note.save()
        audit.record(
            user=user,
            action=Act.CREATE if stored is None else Act.UPDATE,
            source=source,
            obj=note,
            before=before,
        )
    return note


# The savings plan


def savings_line_save(*, line: SavingsLine, user: User, source: str = Source.FORM) -> SavingsLine:
    if not permissions.can_manage_review_programme(user):
        raise PermissionDenied("Only the performance team keeps the savings plan.")
    line.full_clean()
    stored, before = _before(SavingsLine, line.pk)
    with transaction.atomic():
        line.save()
        audit.record(
            user=user,
            action=Act.CREATE if stored is None else Act.UPDATE,
            source=source,
            obj=line,
            before=before,
        )
    return line


def savings_from_review(*, review: Review, user: User, source: str = Source.FORM) -> SavingsLine:
    """Add a complete review's achieved savings to the savings plan, once: the line's year is
    the budget year the outcome was measured in, its target the saving the review aimed at."""
    if review.status != Review.Status.COMPLETE:
        raise TransitionError("Only a complete review's savings go into the savings plan.")
    if review.savings_lines.exists():
        raise TransitionError("This review's savings are already in the savings plan.")
    comparison = review.comparison
    savings, aimed = comparison.savings, comparison.target_cost
    if savings is None or aimed is None or review.outcome_cost_year is None:
        raise TransitionError(
            "The review's savings cannot be measured yet: it needs the service's budget for "
            "the year it started and for a year after it ended."
        )
    if savings <= 0:
        raise TransitionError(
            f"The review achieved no savings: the service's budget rose by £{-savings:,.0f}."
        )
    assert review.baseline_cost is not None
    line = SavingsLine(
        year=review.outcome_cost_year,
        service=review.service,
        source=SavingsLine.Source.FSR,
        review=review,
        title=f"Savings from {review.title}",
        target=review.baseline_cost - aimed,
        delivered=savings,
    )
    return savings_line_save(line=line, user=user, source=source)
