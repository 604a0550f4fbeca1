"""Targets proposed by heads of service and decided by the performance team (service measures)
or the corporate management team (corporate measures): the history of every proposal is kept,
and an approved one becomes the year's target."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from targets import periods
from targets.models.measures import Measure, figure_field
from targets.models.organisation import User


class TargetProposalQuerySet(models.QuerySet["TargetProposal"]):
    def open(self) -> TargetProposalQuerySet:
        return self.filter(status=TargetProposal.Status.PROPOSED)


class TargetProposal(models.Model):
    """A head of service's proposed target (and profile) for one measure and financial year."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        APPROVED = "approved", "Approved"
        RETURNED = "returned", "Returned"

    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="proposals")
    year = models.PositiveSmallIntegerField(
        help_text="Financial year as its first calendar year (2026 = 2026/27)."
    )
    value = figure_field("annual target")
    lower = figure_field()
    upper = figure_field()
    profile = models.JSONField(
        default=dict,
        blank=True,
        help_text='Profiled period targets: {"2026/27-Q1": "25"}; empty for no profile.',
    )
    rationale = models.TextField(help_text="Why this target: trend, resources, comparators.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="target_proposals"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(blank=True)

    objects = TargetProposalQuerySet.as_manager()

    class Meta:
        ordering = ["measure__code", "-year", "-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "year"],
                condition=Q(status="proposed"),
                name="one_open_target_proposal",
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure.code} {self.year_label} ({self.get_status_display().lower()})"

    def get_absolute_url(self) -> str:
        return reverse("proposal_detail", args=[self.pk])

    @property
    def year_label(self) -> str:
        return periods.fy_label(self.year)

    @property
    def is_corporate(self) -> bool:
        return self.measure.kind == Measure.Kind.CORPORATE

    @property
    def approver_label(self) -> str:
        return "the corporate management team" if self.is_corporate else "the performance team"

    @property
    def profile_figures(self) -> list[tuple[str, Decimal]]:
        """The profile as (period code, figure), in period order."""
        return sorted((code, Decimal(figure)) for code, figure in self.profile.items())
