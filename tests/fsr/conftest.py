"""Helpers for the review tests: reviews, milestones and budgets built by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta

from fsr.models import Milestone, Review
from oim.models import ServiceBudget
from targets.models import CorporateRole, Service, User
from tests.factories import UserFactory


def review(service: Service, **fields: Any) -> Review:
    """A review saved directly (not through the services), for arranging a test."""
    fields = {
        "kind": Review.Kind.FSR,
        "title": f"Fundamental review of {service.name}",
        "scope": "The whole service",
        "start": date(2025, 5, 1),
        "planned_end": date(2026, 1, 31),
        **fields,
    }
    return Review.objects.create(service=service, **fields)


def ended(service: Service, ended_on: date, **fields: Any) -> Review:
    fields.setdefault("start", ended_on - relativedelta(months=6))
    fields.setdefault("planned_end", ended_on)
    fields.setdefault("status", Review.Status.COMPLETE)
    return review(service, ended_on=ended_on, **fields)


def milestone(review: Review, due: date, *, owner: User | None = None, **fields: Any) -> Milestone:
    fields.setdefault("title", "Report to CEB")
    return Milestone.objects.create(review=review, due=due, owner=owner, **fields)


def budget(service: Service, year: int, amount: str) -> ServiceBudget:
    return ServiceBudget.objects.create(service=service, year=year, net_budget=Decimal(amount))


@pytest.fixture
def ceb() -> User:
    """A member of the executive board (the Leader)."""
    return UserFactory(username="helen", corporate_role=CorporateRole.CEB)


@pytest.fixture
def member() -> User:
    """An elected member with no other role."""
    return UserFactory(username="amira", corporate_role=CorporateRole.MEMBER)
