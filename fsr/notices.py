"""Service reviews' deadlines for the notifications engine (`targets/notify/`).

- A review runs nine months at most: its project manager (the sponsor when it has none) is told
  NOTIFY_LEAD_DAYS before an open review (planned or in progress) reaches nine months, and once
  it has; a review past nine months is escalated to its sponsor, the director or councillor
  accountable for it.
- A milestone of a review's project plan that is past its due date and not done is a missed
  milestone: its owner is told (the project manager when it has none); missed by more than
  REMINDER_ESCALATE_AFTER_DAYS, it is escalated to the project manager, or to the sponsor when
  the project manager owns it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from django.conf import settings

from fsr import rules as fsr_rules
from fsr.models import Milestone, Review
from targets.notify import rules
from targets.notify.kinds import Kind, Spec

AREA = "Service reviews"
OPEN = (Review.Status.PLANNED, Review.Status.IN_PROGRESS)
LIVE = (Review.Status.PLANNED, Review.Status.IN_PROGRESS, Review.Status.AGREED)

KINDS = [
    Kind(
        "review_nine_months",
        "Reviews approaching nine months",
        AREA,
        "To the review's project manager, {lead} days before a review that has not reported "
        "reaches nine months.",
    ),
    Kind(
        "review_overrun",
        "Reviews past nine months",
        AREA,
        "To the project manager, once a review has run more than nine months without reporting.",
    ),
    Kind(
        "review_escalated",
        "Reviews past nine months, escalated",
        AREA,
        "To the review's sponsor, once it has run more than nine months.",
        escalation=True,
    ),
    Kind(
        "milestone_missed",
        "Missed milestones",
        AREA,
        "To the milestone's owner (the project manager when it has none), once its date has "
        "passed and it is not done.",
    ),
    Kind(
        "milestone_escalated",
        "Missed milestones escalated",
        AREA,
        "To the project manager (the sponsor when the project manager owns it), when a "
        "milestone is more than {after} days late.",
        escalation=True,
    ),
]


def collect(today: date) -> Iterator[Spec]:
    yield from reviews(today)
    yield from milestones(today)


def reviews(today: date) -> Iterator[Spec]:
    lead = settings.NOTIFY_LEAD_DAYS
    found = (
        Review.objects.filter(status__in=OPEN, start__lte=today)
        .select_related("service")
        .order_by("start", "pk")
    )
    for review in found:
        limit = fsr_rules.latest_planned_end(review.start)
        stage = rules.limit_stage(today, limit, lead=lead)
        if stage is None:
            continue
        key, occasion = f"review:{review.pk}", limit.isoformat()
        title = f"{review.title} ({review.service.name})"
        url = review.get_absolute_url()
        word = "Reaches nine months" if stage == rules.APPROACHING else "Nine months reached"
        text = rules.limit_text(today, limit, word)
        manager = review.project_manager_id or review.sponsor_id
        kind = "review_nine_months" if stage == rules.APPROACHING else "review_overrun"
        if manager is not None:
            yield Spec(manager, kind, key, title, url, text, limit, occasion)
        if stage == rules.PAST and review.sponsor_id is not None:
            yield Spec(
                review.sponsor_id, "review_escalated", key, title, url, text, limit, occasion
            )


def milestones(today: date) -> Iterator[Spec]:
    after = settings.REMINDER_ESCALATE_AFTER_DAYS
    found = (
        Milestone.objects.filter(done_on__isnull=True, due__lt=today, review__status__in=LIVE)
        .select_related("review", "review__service", "owner")
        .order_by("due", "pk")
    )
    for milestone in found:
        review = milestone.review
        key, occasion = f"milestone:{milestone.pk}", milestone.due.isoformat()
        title = f"{milestone.title}: {review.title} ({review.service.name})"
        url = review.get_absolute_url()
        text = rules.due_text(today, milestone.due)
        owner = milestone.owner_id or review.project_manager_id
        if owner is not None:
            yield Spec(owner, "milestone_missed", key, title, url, text, milestone.due, occasion)
        if today - milestone.due <= timedelta(days=after):
            continue
        manager = review.project_manager_id
        if manager is None or manager == owner:
            manager = review.sponsor_id
        if manager is not None and manager != owner:
            who = str(milestone.owner) if milestone.owner else "nobody"
            yield Spec(
                manager, "milestone_escalated", key, title, url, f"{text}. Owner: {who}",
                milestone.due, occasion,
            )  # fmt: skip
