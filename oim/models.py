"""The Oxford Improvement Model's data."""

from __future__ import annotations

from django.db import models

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
