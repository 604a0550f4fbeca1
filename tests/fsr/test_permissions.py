"""The review rules of fsr/permissions.py, persona by persona."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from fsr import permissions
from targets.models import CorporateRole, Service, User
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db]


@pytest.mark.parametrize("persona", ["pat", "carol", "sam"])
def test_corporate_readers_read_every_services_reviews(
    persona: str, request: pytest.FixtureRequest, waste: Service, housing: Service
) -> None:
    user = request.getfixturevalue(persona)
    assert permissions.review_service_ids(user) is None
    assert permissions.can_read_reviews_of(user, housing)
    assert permissions.can_read_reviews_of(user, None)


def test_the_executive_board_reads_every_review(waste: Service) -> None:
    ceb = UserFactory(username="ceb", corporate_role=CorporateRole.CEB)
    assert permissions.reads_all_reviews(ceb)
    assert not permissions.can_edit_review(ceb, waste)


def test_officers_read_their_own_services_reviews_only(
    alice: User, hannah: User, dora: User, waste: Service, housing: Service
) -> None:
    for user in (alice, hannah, dora):
        assert permissions.review_service_ids(user) == {waste.pk}
        assert permissions.can_read_reviews_of(user, waste)
        assert not permissions.can_read_reviews_of(user, housing)
        assert not permissions.can_read_reviews_of(user, None)


def test_nobody_without_a_role_reads_reviews(waste: Service) -> None:
    assert permissions.review_service_ids(UserFactory(username="nobody")) == set()
    assert permissions.review_service_ids(AnonymousUser()) == set()


def test_the_performance_team_manages_the_programme(pat: User, waste: Service) -> None:
    assert permissions.can_manage_review_programme(pat)
    assert permissions.can_edit_review(pat, waste)
    assert permissions.can_edit_market_intelligence(pat, waste)
    assert permissions.review_editable_service_ids(pat) is None


def test_a_head_of_service_edits_their_own_services_reviews_and_intelligence(
    hannah: User, waste: Service, housing: Service
) -> None:
    assert not permissions.can_manage_review_programme(hannah)
    assert permissions.can_edit_review(hannah, waste)
    assert permissions.can_edit_market_intelligence(hannah, waste)
    assert not permissions.can_edit_review(hannah, housing)
    assert not permissions.can_edit_market_intelligence(hannah, housing)
    assert permissions.review_editable_service_ids(hannah) == {waste.pk}


@pytest.mark.parametrize("persona", ["alice", "dora", "carol", "sam"])
def test_others_change_nothing(
    persona: str, request: pytest.FixtureRequest, waste: Service
) -> None:
    user = request.getfixturevalue(persona)
    assert not permissions.can_manage_review_programme(user)
    assert not permissions.can_edit_review(user, waste)
    assert not permissions.can_edit_market_intelligence(user, waste)
    assert permissions.review_editable_service_ids(user) == set()
