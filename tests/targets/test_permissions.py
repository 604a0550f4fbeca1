from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from targets import permissions
from targets.models import Measure, Service, User
from tests.factories import MeasureFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bin_measure(waste: Service) -> Measure:
    return MeasureFactory(code="WST-01", service=waste)


def test_officer_can_edit_own_service_measure(alice: User, bin_measure: Measure) -> None:
    assert permissions.can_edit_value(alice, bin_measure)


def test_officer_cannot_edit_other_service(bob: User, bin_measure: Measure) -> None:
    assert not permissions.can_edit_value(bob, bin_measure)


def test_named_updater_can_edit_without_a_service_role(bin_measure: Measure) -> None:
    outsider = UserFactory(username="temp")
    bin_measure.updater = outsider
    assert permissions.can_edit_value(outsider, bin_measure)


def test_head_of_service_can_edit_and_approve(hannah: User, bin_measure: Measure) -> None:
    assert permissions.can_edit_value(hannah, bin_measure)
    assert permissions.can_approve_value(hannah, bin_measure)


def test_nobody_approves_their_own_value(hannah: User, pat: User, bin_measure: Measure) -> None:
    assert not permissions.can_approve_value(hannah, bin_measure, entered_by=[hannah.pk])
    assert not permissions.can_approve_value(pat, bin_measure, entered_by=[pat.pk])
    assert permissions.can_approve_value(pat, bin_measure, entered_by=[hannah.pk])


def test_officer_cannot_approve(alice: User, bin_measure: Measure) -> None:
    assert not permissions.can_approve_value(alice, bin_measure)


def test_only_performance_team_publishes(pat: User, hannah: User, carol: User) -> None:
    assert permissions.can_publish(pat)
    assert not permissions.can_publish(hannah)
    assert not permissions.can_publish(carol)


def test_champion_edits_dq_procedure_but_not_values(dora: User, bin_measure: Measure) -> None:
    assert permissions.can_edit_dq_procedure(dora, bin_measure)
    assert not permissions.can_edit_value(dora, bin_measure)


def test_scrutiny_and_public_see_published_values_only(sam: User, carol: User, alice: User) -> None:
    assert not permissions.sees_internal_values(sam)
    assert not permissions.sees_internal_values(AnonymousUser())
    assert permissions.sees_internal_values(carol)
    assert permissions.sees_internal_values(alice)


def test_user_without_any_role_sees_published_only() -> None:
    assert not permissions.sees_internal_values(UserFactory(username="nobody"))


def test_editable_measures_are_filtered_per_service(
    alice: User, bob: User, bin_measure: Measure, housing: Service
) -> None:
    housing_measure = MeasureFactory(code="HOU-01", service=housing)
    assert list(permissions.editable_measures(alice)) == [bin_measure]
    assert list(permissions.editable_measures(bob)) == [housing_measure]


def test_service_roles_are_loaded_once_per_user(
    alice: User, bin_measure: Measure, django_assert_num_queries: Any
) -> None:
    permissions.service_roles(alice)
    with django_assert_num_queries(0):
        for _ in range(5):
            permissions.can_edit_value(alice, bin_measure)


def test_manage_service_is_head_or_performance(
    hannah: User, alice: User, pat: User, waste: Service
) -> None:
    assert permissions.can_manage_service(hannah, waste)
    assert permissions.can_manage_service(pat, waste)
    assert not permissions.can_manage_service(alice, waste)


def test_managed_services_are_those_headed_or_all_for_the_performance_team(
    hannah: User, alice: User, pat: User, waste: Service, housing: Service
) -> None:
    closed = Service.objects.create(code="closed", name="Closed", is_active=False, head=hannah)
    assert list(permissions.managed_services(hannah)) == [waste]
    assert list(permissions.managed_services(alice)) == []
    assert set(permissions.managed_services(pat)) == {waste, housing}
    assert closed not in permissions.managed_services(pat)
