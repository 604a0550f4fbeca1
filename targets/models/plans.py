"""Service improvement plans and improvement actions.

An ``Action`` is the one kind of improvement action in the product: a plan's actions, the actions
a feedback round, a mystery-shopping visit, a peer review or a data-quality audit leads to. Every
action belongs to a service; it joins the service improvement plan when it is given one of the
plan's objectives. Its owner may carry it as an individual appraisal target (the golden thread).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

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

    @property
    def is_signed_off(self) -> bool:
        return self.status == self.Status.SIGNED_OFF


class Objective(models.Model):
    """An improvement objective of a plan, linked to the corporate priority it serves."""

    plan = models.ForeignKey(ServicePlan, on_delete=models.CASCADE, related_name="objectives")
    priority = models.ForeignKey(Priority, on_delete=models.PROTECT, related_name="objectives")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "order", "pk"]

    def __str__(self) -> str:
        return self.title


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

    class Meta:
        ordering = ["due", "pk"]
        indexes = [models.Index(fields=["owner", "is_appraisal_target"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES
