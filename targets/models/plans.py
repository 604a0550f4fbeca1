"""Service improvement plans and improvement actions.

An ``Action`` is the one kind of improvement action in the product: a plan's actions, the actions
a feedback round, a mystery-shopping visit, a peer review or a data-quality audit leads to. Every
action belongs to a service; it joins the service improvement plan when it is given one of the
plan's objectives. Its owner may carry it as an individual appraisal target (the golden thread).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from targets.models.measures import Measure
from targets.models.organisation import Priority, Service


class ServicePlan(models.Model):
    """A service's improvement plan for one financial year (``year`` is the year it starts)."""

    MAX_TARGETS = 20

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SIGNED_OFF = "signed_off", "Signed off"

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="plans")
    year = models.PositiveSmallIntegerField(
        help_text="Financial year start, e.g. 2026 for 2026/27."
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    summary = models.TextField(blank=True)
    measures = models.ManyToManyField(
        Measure,
        blank=True,
        related_name="plans",
        help_text="The service targets in the plan (at most 20).",
    )
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["service__name", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["service", "year"], name="one_plan_per_service_year"),
        ]

    def __str__(self) -> str:
        return f"{self.service.name} improvement plan {self.year}/{(self.year + 1) % 100:02d}"

    def get_absolute_url(self) -> str:
        return reverse("plan_detail", args=[self.service.code, self.year])

    @property
    def is_signed_off(self) -> bool:
        return self.status == self.Status.SIGNED_OFF

    @property
    def year_label(self) -> str:
        return f"{self.year}/{(self.year + 1) % 100:02d}"

    @property
    def sign_off_opens(self) -> date:
        """Plans are signed off in March, for the year starting on 1 April."""
        return date(self.year, 3, 1)

    @property
    def signed_off_late(self) -> bool:
        """Signed off after the year it is for had started."""
        if self.signed_off_at is None:
            return False
        return timezone.localdate(self.signed_off_at) > date(self.year, 3, 31)


class Objective(models.Model):
    """An improvement objective of a plan, linked to the corporate priority it serves."""

    plan = models.ForeignKey(ServicePlan, on_delete=models.CASCADE, related_name="objectives")
    priority = models.ForeignKey(Priority, on_delete=models.PROTECT, related_name="objectives")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    measures = models.ManyToManyField(
        Measure,
        blank=True,
        related_name="objectives",
        help_text="The plan's service targets that show progress on this objective.",
    )

    class Meta:
        ordering = ["plan", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class ActionQuerySet(models.QuerySet["Action"]):
    def open(self) -> ActionQuerySet:
        return self.filter(status__in=Action.OPEN_STATUSES)

    def overdue(self, today: date) -> ActionQuerySet:
        return self.open().filter(due__lt=today)

    def in_plan_year(self, year: int) -> ActionQuerySet:
        return self.filter(objective__plan__year=year)


class Action(models.Model):
    """One improvement action: owner, due date and status; optionally in a plan."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    class Source(models.TextChoices):
        PLAN = "plan", "Service improvement plan"
        FEEDBACK = "feedback", "Customer feedback"
        MYSTERY_SHOPPING = "mystery_shopping", "Mystery shopping"
        PEER_REVIEW = "peer_review", "Peer review"
        DATA_QUALITY = "data_quality", "Data-quality audit"
        REVIEW = "review", "Service review"
        BENCHMARKING = "benchmarking", "Benchmarking exercise"
        RISK = "risk", "Risk register"
        OTHER = "other", "Other"

    OPEN_STATUSES = (Status.NOT_STARTED, Status.IN_PROGRESS)

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="actions")
    objective = models.ForeignKey(
        Objective,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
        help_text="Set when the action is part of the service improvement plan.",
    )
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
    )
    due = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    progress = models.TextField(blank=True, help_text="Latest progress note.")
    completed_on = models.DateField(null=True, blank=True)
    is_appraisal_target = models.BooleanField(
        default=False, help_text="The owner carries this action as an individual appraisal target."
    )
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.PLAN)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due", "pk"]
        indexes = [models.Index(fields=["owner", "is_appraisal_target"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("action_progress", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.due is not None and self.due < today


class PlanningMilestone(models.Model):
    """A dated step of the annual planning cycle (September to March).

    ``year`` is the financial year the work happens in: the 2026/27 cycle (September 2026 to
    March 2027) sets the budget and signs off the plans for 2027/28.
    """

    class Kind(models.TextChoices):
        CORPORATE_PLAN = "corporate_plan", "Corporate plan"
        BUDGET = "budget", "Budget"
        MTFS = "mtfs", "Medium-term financial strategy"
        SERVICE_PLANS = "service_plans", "Service improvement plans"
        APPRAISALS = "appraisals", "Appraisals"
        OTHER = "other", "Other"

    year = models.PositiveSmallIntegerField(
        help_text="Financial year the cycle runs in, e.g. 2026 for 2026/27 (planning 2027/28)."
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    due = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["due", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["year", "title"], name="one_milestone_title_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.due:%d %b %Y})"

    @property
    def is_done(self) -> bool:
        return self.done_on is not None

    def is_overdue(self, today: date) -> bool:
        return self.done_on is None and self.due < today
