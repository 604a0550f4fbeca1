"""Fundamental service reviews and what goes with them: milestones, market tests, peer reviews,
market intelligence and the savings plan."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Self, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from benchmarking.models import Authority
from fsr import rules
from targets.models import Action, Service
from targets.periods import fy_label


def money_field(verbose_name: str | None = None, **options: Any) -> models.DecimalField:
    """Pounds and pence, up to £999,999,999,999.99."""
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, **options)


_M = TypeVar("_M", bound=models.Model)


class ServiceScopedQuerySet(models.QuerySet[_M]):
    def for_service_ids(self, ids: set[int] | None) -> Self:
        """Rows of these services (None: every service; rows with no service only then)."""
        return self if ids is None else self.filter(service_id__in=ids)


class ReviewQuerySet(ServiceScopedQuerySet["Review"]):
    def ended(self) -> ReviewQuerySet:
        """Reviews that have ended: their improvement plan agreed, or complete."""
        return self.filter(status__in=Review.ENDED_STATUSES, ended_on__isnull=False)

    def with_missed_dates(self, today: date) -> ReviewQuerySet:
        """Ended reviews whose agreed improvement plan has missed a date: a milestone or an
        improvement action past its due date and not done."""
        late_milestone = Milestone.objects.filter(
            review=OuterRef("pk"), due__lt=today, done_on__isnull=True
        )
        late_action = Review.actions.through.objects.filter(
            review=OuterRef("pk"),
            action__due__lt=today,
            action__status__in=Action.OPEN_STATUSES,
        )
        return self.ended().filter(Exists(late_milestone) | Exists(late_action))

    def due_for_market_test(self, today: date) -> ReviewQuerySet:
        """Missed dates, and no market test recommended to CEB yet."""
        return self.with_missed_dates(today).filter(market_test__isnull=True)


class Review(models.Model):
    """A review of one service: a fundamental service review, a business process review, a
    peer review or a market test. Its baseline is captured from our data when it starts and its
    outcome measured from our data after it ends; both are stored, so later changes to budgets
    or values never rewrite them."""

    # What a person sets on a review, on the page and through the API alike.
    EDITABLE_FIELDS = [
        "service",
        "kind",
        "title",
        "scope",
        "sponsor",
        "project_manager",
        "start",
        "planned_end",
        "aim_performance_pct",
        "aim_cost_pct",
        "findings",
        "comparators",
        "other_comparators",
        "challenge_evidence",
        "staff_involvement",
        "future_specification",
    ]

    class Kind(models.TextChoices):
        FSR = "fsr", "Fundamental service review"
        BUSINESS_PROCESS = "business_process", "Business process review"
        PEER = "peer_review", "Peer review"
        MARKET_TEST = "market_test", "Market test"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        AGREED = "agreed", "Improvement plan agreed"
        COMPLETE = "complete", "Complete"
        ABANDONED = "abandoned", "Abandoned"

    # planned → in progress → improvement plan agreed → complete; abandoned from any open state.
    TRANSITIONS: dict[str, tuple[str, ...]] = {
        Status.PLANNED: (Status.IN_PROGRESS, Status.ABANDONED),
        Status.IN_PROGRESS: (Status.AGREED, Status.ABANDONED),
        Status.AGREED: (Status.COMPLETE, Status.ABANDONED),
        Status.COMPLETE: (),
        Status.ABANDONED: (),
    }
    ENDED_STATUSES = (Status.AGREED, Status.COMPLETE)

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="reviews")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.FSR)
    title = models.CharField(max_length=200)
    scope = models.TextField(help_text="What the review covers, and what it leaves out.")
    sponsor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The director or councillor who sponsors the review.",
    )
    project_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    start = models.DateField()
    planned_end = models.DateField(help_text="At most nine months after the start.")
    ended_on = models.DateField(
        null=True, blank=True, help_text="When the review reported and its plan was agreed."
    )
    completed_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)
    aim_performance_pct = models.DecimalField(
        "aim: raise performance by (%)",
        max_digits=5,
        decimal_places=1,
        default=Decimal(20),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1000))],
        help_text="Raise the % of the service's measures on target by this % of the baseline.",
    )
    aim_cost_pct = models.DecimalField(
        "aim: cut cost by (%)",
        max_digits=5,
        decimal_places=1,
        default=Decimal(20),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text="Cut the service's net budget by this % of the baseline.",
    )
    findings = models.TextField(blank=True, help_text="What the review found and recommends.")
    # External challenge, staff involvement and the future service: agreeing the plan needs them.
    comparators = models.ManyToManyField(
        Authority,
        blank=True,
        related_name="+",
        verbose_name="high performers compared with",
        help_text="The authorities from the benchmarking register the service was compared with.",
    )
    other_comparators = models.TextField(
        "other high performers",
        blank=True,
        help_text="Others compared with that are not in the register (one a line), e.g. a "
        "private provider or a council abroad.",
    )
    challenge_evidence = models.TextField(
        "evidence of the external challenge",
        blank=True,
        help_text="What the comparison showed, and where the evidence is.",
    )
    staff_involvement = models.TextField(
        blank=True, help_text="How the service's staff and their union took part."
    )
    future_specification = models.TextField(
        "future service specification",
        blank=True,
        help_text="What the service will deliver after the review, to what standard and cost.",
    )
    actions = models.ManyToManyField(
        Action,
        blank=True,
        related_name="reviews",
        help_text="The improvement actions of the agreed improvement plan.",
    )
    # The baseline: captured from our data when the review starts.
    baseline_cost = money_field(null=True, blank=True)
    baseline_cost_year = models.PositiveSmallIntegerField(null=True, blank=True)
    baseline_month = models.CharField(max_length=7, blank=True)
    baseline_green = models.PositiveIntegerField(null=True, blank=True)
    baseline_rated = models.PositiveIntegerField(null=True, blank=True)
    baseline_captured_at = models.DateTimeField(null=True, blank=True)
    # The outcome: measured from our data for the time after the review ended.
    outcome_cost = money_field(null=True, blank=True)
    outcome_cost_year = models.PositiveSmallIntegerField(null=True, blank=True)
    outcome_month = models.CharField(max_length=7, blank=True)
    outcome_green = models.PositiveIntegerField(null=True, blank=True)
    outcome_rated = models.PositiveIntegerField(null=True, blank=True)
    outcome_measured_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__gte=models.F("start")), name="review_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("fsr_review", args=[self.pk])

    def clean(self) -> None:
        if self.start and self.planned_end:
            problem = rules.duration_problem(self.start, self.planned_end)
            if problem:
                raise ValidationError({"planned_end": problem})
        today = timezone.localdate()
        if self.ended_on and self.start:
            problem = rules.actual_end_problem(self.start, self.ended_on, today)
            if problem:
                raise ValidationError({"ended_on": problem})
        if self.completed_on and self.start:
            problem = rules.actual_end_problem(
                self.ended_on or self.start, self.completed_on, today, what="completion"
            )
            if problem:
                raise ValidationError({"completed_on": problem})

    @property
    def is_ended(self) -> bool:
        return self.status in self.ENDED_STATUSES

    @property
    def is_open(self) -> bool:
        return self.status not in (self.Status.COMPLETE, self.Status.ABANDONED)

    @property
    def next_statuses(self) -> list[tuple[str, str]]:
        labels = dict(self.Status.choices)
        return [(s, labels[s]) for s in self.TRANSITIONS[self.status]]

    @property
    def latest_planned_end(self) -> date:
        return rules.latest_planned_end(self.start)

    def overrun(self, today: date) -> rules.Overrun:
        """The nine months against the actual end, or today while the review is open."""
        still_open = self.status in (self.Status.PLANNED, self.Status.IN_PROGRESS)
        return rules.Overrun(self.start, self.ended_on, still_open, today)

    def delivery(self, today: date) -> rules.Delivery:
        """Whether the agreed plan is delivered by its dates (milestones and actions are read
        from the prefetch cache when there is one)."""
        return rules.Delivery(
            plan_agreed=self.is_ended and self.ended_on is not None,
            late_milestones=sum(1 for m in self.milestones.all() if m.is_overdue(today)),
            late_actions=sum(
                1
                for a in self.actions.all()
                if a.status in Action.OPEN_STATUSES and a.due is not None and a.due < today
            ),
        )

    def agreement_missing(self) -> list[str]:
        """What must be recorded before the plan is agreed (the comparators are counted in the
        database: save the review first)."""
        return rules.agreement_missing(
            comparators=self.comparators.count() if self.pk else 0,
            other_comparators=self.other_comparators,
            challenge_evidence=self.challenge_evidence,
            staff_involvement=self.staff_involvement,
            future_specification=self.future_specification,
        )

    @property
    def baseline_percent(self) -> Decimal | None:
        return rules.percent(self.baseline_green or 0, self.baseline_rated or 0)

    @property
    def outcome_percent(self) -> Decimal | None:
        return rules.percent(self.outcome_green or 0, self.outcome_rated or 0)

    @property
    def baseline_cost_year_label(self) -> str:
        return fy_label(self.baseline_cost_year) if self.baseline_cost_year else ""

    @property
    def outcome_cost_year_label(self) -> str:
        return fy_label(self.outcome_cost_year) if self.outcome_cost_year else ""

    @property
    def comparison(self) -> rules.Comparison:
        return rules.Comparison(
            baseline_cost=self.baseline_cost,
            outcome_cost=self.outcome_cost,
            baseline_percent=self.baseline_percent,
            outcome_percent=self.outcome_percent,
            aim_performance_pct=self.aim_performance_pct,
            aim_cost_pct=self.aim_cost_pct,
        )


class Milestone(models.Model):
    """One step of a review's project plan, with its owner and due date."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    due = models.DateField()
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due", "pk"]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: date) -> bool:
        return self.done_on is None and self.due < today


class MarketTest(models.Model):
    """Testing a service against the market: the recommendation to CEB, the in-house
    comparator bid, the external bids and CEB's decision."""

    class Approval(models.TextChoices):
        APPROVED = "approved", "Approved: market test the service"
        REJECTED = "rejected", "Rejected: no market test"

    class Decision(models.TextChoices):
        RETAIN = "retain", "Retain in-house"
        OUTSOURCE = "outsource", "Outsource"
        SHARED = "shared", "Shared service"
        OTHER = "other", "Other"

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="market_test")
    recommended_on = models.DateField(help_text="When market testing was recommended to CEB.")
    in_house_bid = money_field(
        "in-house comparator bid (£)",
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text="The annual cost of the in-house team's own bid.",
    )
    external_bids = models.TextField(
        "external bids", blank=True, help_text="Who bid, and for how much a year."
    )
    # CEB's: whether to market test, when, under which minute; then the market test's outcome.
    approval = models.CharField(
        "CEB's decision on the recommendation",
        max_length=10,
        choices=Approval.choices,
        blank=True,
    )
    decision_on = models.DateField("decided on", null=True, blank=True)
    minute_reference = models.CharField(
        "CEB minute reference", max_length=100, blank=True, help_text="e.g. CEB 14/11/26 min. 7"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The executive board member who recorded the decision.",
    )
    decision = models.CharField(
        "outcome", max_length=10, choices=Decision.choices, blank=True,
        help_text="What CEB decided once the bids were in: only for an approved market test.",
    )  # fmt: skip
    notes = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-recommended_on"]

    def __str__(self) -> str:
        return f"Market test: {self.review}"

    # The fields only CEB's decision sets.
    DECISION_FIELDS = ("approval", "decision_on", "minute_reference", "decided_by", "decision")

    def clean(self) -> None:
        if self.approval and not self.decision_on:
            raise ValidationError({"decision_on": "Give the date CEB decided."})
        if self.approval and not self.minute_reference.strip():
            raise ValidationError({"minute_reference": "Give the reference of CEB's minute."})
        if self.decision_on and not self.approval:
            raise ValidationError(
                {"approval": "Choose whether CEB approved or rejected it, or clear the date."}
            )
        if self.decision and self.approval != self.Approval.APPROVED:
            raise ValidationError(
                {"decision": "Only a market test CEB approved has an outcome to record."}
            )
        if self.decision_on and self.recommended_on and self.decision_on < self.recommended_on:
            raise ValidationError(
                {"decision_on": "CEB cannot decide before market testing was recommended."}
            )


class ReviewRuleSettings(models.Model):
    """The council's choices for the review programme's rules (one row): which kinds of review
    count for the four-year rule. Fundamental service reviews count by default."""

    four_year_kinds = models.JSONField(
        "kinds that count for the four-year rule",
        default=list,
        help_text="The kinds of review that keep a service within the four-year rule.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "review rules"
        verbose_name_plural = "review rules"

    def __str__(self) -> str:
        return "Review rules"

    def clean(self) -> None:
        known = set(Review.Kind.values)
        kinds = self.four_year_kinds
        if not isinstance(kinds, list) or not kinds:
            raise ValidationError({"four_year_kinds": "Choose at least one kind of review."})
        unknown = [k for k in kinds if k not in known]
        if unknown:
            raise ValidationError(
                {"four_year_kinds": f"Unknown kinds of review: {', '.join(map(str, unknown))}."}
            )

    @classmethod
    def current(cls) -> ReviewRuleSettings:
        """The council's row, or the defaults (not saved) when it has none."""
        return cls.objects.filter(pk=1).first() or cls(pk=1, four_year_kinds=[Review.Kind.FSR])

    @property
    def kinds(self) -> list[str]:
        return [k for k in Review.Kind.values if k in self.four_year_kinds] or [Review.Kind.FSR]

    @property
    def kinds_text(self) -> str:
        """e.g. "fundamental service reviews and peer reviews"."""
        labels = dict(Review.Kind.choices)
        names = [f"{labels[k].lower()}s" for k in self.kinds]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


class PeerReview(models.Model):
    """A review of a service by peers from another council or body."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="peer_reviews")
    review = models.ForeignKey(
        Review,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="peer_reviews",
        help_text="The programme's review this peer review was part of, if any.",
    )
    reviewer_organisation = models.CharField(max_length=200)
    reviewer_name = models.CharField("reviewer", max_length=200, blank=True)
    scope = models.TextField()
    started_on = models.DateField("start")
    ended_on = models.DateField("end", null=True, blank=True)
    findings = models.TextField(blank=True)
    recommendations = models.ManyToManyField(
        Action, blank=True, related_name="peer_reviews", help_text="Recommendations, as actions."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ServiceScopedQuerySet["PeerReview"].as_manager()

    class Meta:
        ordering = ["-started_on", "pk"]

    def __str__(self) -> str:
        return f"{self.service.name}: peer review by {self.reviewer_organisation}"

    def get_absolute_url(self) -> str:
        return reverse("fsr_peer_review", args=[self.pk])

    def clean(self) -> None:
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": "The end is before the start."})
        if (
            self.review is not None
            and self.service_id
            and self.review.service_id != self.service_id
        ):
            raise ValidationError({"review": "Choose a review of the same service."})


class MarketIntelligence(models.Model):
    """A note of what the market offers or charges for a service."""

    class Sector(models.TextChoices):
        PUBLIC = "public", "Public sector"
        PRIVATE = "private", "Private sector"
        THIRD = "third", "Voluntary and community sector"
        MIXED = "mixed", "Mixed or shared service"

    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="market_intelligence"
    )
    source = models.CharField(max_length=200, help_text="Where it came from.")
    sector = models.CharField(max_length=10, choices=Sector.choices)
    competitor = models.CharField(max_length=200, blank=True)
    noted_on = models.DateField("date")
    summary = models.TextField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ServiceScopedQuerySet["MarketIntelligence"].as_manager()

    class Meta:
        ordering = ["-noted_on", "-pk"]
        verbose_name_plural = "market intelligence"

    def __str__(self) -> str:
        return f"{self.service.name}: {self.source} ({self.noted_on})"


class SavingsLine(models.Model):
    """One line of the savings plan for a financial year: what it should save and what it did."""

    class Source(models.TextChoices):
        FSR = "fsr", "Service review"
        IDEA = "idea", "Idea"
        PROCUREMENT = "procurement", "Procurement"
        OTHER = "other", "Other"

    year = models.PositiveSmallIntegerField(
        help_text="Financial year start, e.g. 2026 for 2026/27."
    )
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.PROTECT, related_name="savings_lines"
    )
    source = models.CharField(max_length=12, choices=Source.choices)
    review = models.ForeignKey(
        Review, null=True, blank=True, on_delete=models.SET_NULL, related_name="savings_lines"
    )
    idea_reference = models.CharField(
        max_length=100, blank=True, help_text="The idea's reference, for savings from ideas."
    )
    title = models.CharField(max_length=200)
    target = money_field("target (£)", validators=[MinValueValidator(Decimal(0))])
    delivered = money_field(
        "delivered (£)",
        null=True,
        blank=True,
        help_text="Leave empty until it is known.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ServiceScopedQuerySet["SavingsLine"].as_manager()

    class Meta:
        ordering = ["-year", "source", "title"]

    def __str__(self) -> str:
        return f"{self.year_label}: {self.title}"

    @property
    def year_label(self) -> str:
        return fy_label(self.year)

    def clean(self) -> None:
        if (
            self.review is not None
            and self.service_id
            and self.review.service_id != self.service_id
        ):
            raise ValidationError({"review": "Choose a review of the same service."})


# The risk register and corporate programmes live in their own module (same app label).
from fsr.governance.models import (  # noqa: E402, F401
    Programme,
    ProgrammeMilestone,
    Project,
    Risk,
    RiskMatrix,
)
