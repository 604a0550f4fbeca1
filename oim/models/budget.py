"""What services cost: net budgets and the benchmark metric of spend per service."""

from __future__ import annotations

from django.db import models

from benchmarking.models import Metric
from targets.models import Service


class ServiceBudget(models.Model):
    """A service's net budget for one financial year (``year`` is the year it starts)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="budgets")
    year = models.PositiveSmallIntegerField(
        help_text="Financial year start, e.g. 2026 for 2026/27."
    )
    net_budget = models.DecimalField(
        max_digits=14, decimal_places=2, help_text="Net revenue budget in pounds."
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["service__name", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["service", "year"], name="one_budget_per_service_year"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.service.name} {self.year}/{(self.year + 1) % 100:02d}: £{self.net_budget:,.0f}"
        )


class ServiceCostMetric(models.Model):
    """The benchmark metric of spend that gives a service's cost per head (value for money).

    The metric's values must already be per head (or per the metric's own unit): the council's
    value is compared with its nearest neighbours' as it stands.
    """

    service = models.OneToOneField(Service, on_delete=models.CASCADE, related_name="cost_metric")
    metric = models.ForeignKey(
        Metric,
        on_delete=models.PROTECT,
        related_name="service_costs",
        help_text="e.g. RO590-HEAD, net spending on environmental services per head.",
    )
    note = models.CharField(
        max_length=300, blank=True, help_text="Why this metric fits the service, and its limits."
    )

    class Meta:
        ordering = ["service__name"]

    def __str__(self) -> str:
        return f"{self.service.name}: {self.metric.code}"
