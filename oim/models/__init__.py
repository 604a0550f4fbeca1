"""The Oxford Improvement Model's data, one module per concern."""

from __future__ import annotations

from oim.models.budget import ServiceBudget, ServiceCostMetric
from oim.models.culture import (
    Accreditation,
    Idea,
    KeyProcess,
    SpendToSaveBudget,
)
from oim.models.scorecard import Factor, FactorAssessment, QuadrantWeight

__all__ = [
    "Accreditation",
    "Factor",
    "FactorAssessment",
    "Idea",
    "KeyProcess",
    "QuadrantWeight",
    "ServiceBudget",
    "ServiceCostMetric",
    "SpendToSaveBudget",
]
