"""factory_boy factories for the whole suite."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from targets.models import (
    Action,
    Measure,
    Objective,
    PlanningMilestone,
    Priority,
    Service,
    ServicePlan,
    ServiceRole,
    Target,
    TargetProfile,
    User,
    Value,
    ValueStatus,
)


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password("pw-for-tests")


class ServiceFactory(DjangoModelFactory[Service]):
    class Meta:
        model = Service
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"service-{n}")
    name = factory.LazyAttribute(lambda o: o.code.replace("-", " ").title())


class ServiceRoleFactory(DjangoModelFactory[ServiceRole]):
    class Meta:
        model = ServiceRole

    user = factory.SubFactory(UserFactory)
    service = factory.SubFactory(ServiceFactory)
    role = ServiceRole.Role.UPDATER


class PriorityFactory(DjangoModelFactory[Priority]):
    class Meta:
        model = Priority
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: n + 1)
    name = factory.LazyAttribute(lambda o: f"Priority {o.number}")


class MeasureFactory(DjangoModelFactory[Measure]):
    class Meta:
        model = Measure

    code = factory.Sequence(lambda n: f"M{n:03d}")
    title = factory.LazyAttribute(lambda o: f"Measure {o.code}")
    kind = Measure.Kind.SERVICE
    service = factory.SubFactory(ServiceFactory)
    unit = Measure.Unit.PERCENT
    decimals = 1
    polarity = Measure.Polarity.UP
    frequency = Measure.Frequency.MONTHLY
    aggregation = Measure.Aggregation.SNAPSHOT
    tolerance_pct = Decimal("5")
    due_days = 10
    active_from = 2023

    class Params:
        corporate = factory.Trait(
            kind=Measure.Kind.CORPORATE, priority=factory.SubFactory(PriorityFactory)
        )


class TargetFactory(DjangoModelFactory[Target]):
    class Meta:
        model = Target

    measure = factory.SubFactory(MeasureFactory)
    year = 2025
    value = Decimal("80")


class TargetProfileFactory(DjangoModelFactory[TargetProfile]):
    class Meta:
        model = TargetProfile

    target = factory.SubFactory(TargetFactory)
    period = "2025-04"
    value = Decimal("10")


class ValueFactory(DjangoModelFactory[Value]):
    class Meta:
        model = Value

    measure = factory.SubFactory(MeasureFactory)
    period = "2025-04"
    actual = Decimal("80")
    commentary = "On track."
    status = ValueStatus.PUBLISHED


# Service improvement plans, actions and the planning calendar.


class ServicePlanFactory(DjangoModelFactory[ServicePlan]):
    class Meta:
        model = ServicePlan

    service = factory.SubFactory(ServiceFactory)
    year = 2026
    summary = "Better, cheaper, greener."


class ObjectiveFactory(DjangoModelFactory[Objective]):
    class Meta:
        model = Objective

    plan = factory.SubFactory(ServicePlanFactory)
    priority = factory.SubFactory(PriorityFactory)
    title = factory.Sequence(lambda n: f"Objective {n}")


class ActionFactory(DjangoModelFactory[Action]):
    class Meta:
        model = Action

    service = factory.LazyAttribute(lambda o: o.objective.plan.service if o.objective else None)
    objective = factory.SubFactory(ObjectiveFactory)
    title = factory.Sequence(lambda n: f"Action {n}")
    due = date(2026, 9, 30)


class PlanningMilestoneFactory(DjangoModelFactory[PlanningMilestone]):
    class Meta:
        model = PlanningMilestone

    year = 2026
    kind = PlanningMilestone.Kind.BUDGET
    title = factory.Sequence(lambda n: f"Milestone {n}")
    due = date(2026, 11, 30)
