"""factory_boy factories for the whole suite."""

from __future__ import annotations

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from targets.models import (
    Measure,
    Priority,
    Service,
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
