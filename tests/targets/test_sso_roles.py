"""Which roles a person has after signing in through SSO (targets/sso/roles.py): pure rules."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from targets.sso.roles import Grant, Roles, change, groups_from_claim, reconcile

ORDER = ["performance", "cmt", "ceb", "scrutiny"]
GRANTS = [
    Grant("G-PERF", corporate_role="performance"),
    Grant("G-CMT", corporate_role="cmt"),
    Grant("G-SCRUTINY", corporate_role="scrutiny"),
    Grant("G-WASTE-OFFICERS", service_id=1, service_role="updater"),
    Grant("G-WASTE-HEAD", service_id=1, service_role="head"),
    Grant("G-HOUSING-OFFICERS", service_id=2, service_role="updater"),
]
NONE = Roles("", frozenset())


def test_groups_give_their_roles_and_nothing_more() -> None:
    wanted = reconcile(NONE, ["G-WASTE-OFFICERS", "G-Unrelated"], GRANTS, ORDER)

    assert wanted == Roles("", frozenset({(1, "updater")}))


def test_leaving_a_group_takes_its_role_away() -> None:
    before = Roles("cmt", frozenset({(1, "updater"), (1, "head")}))

    assert reconcile(before, ["G-WASTE-HEAD"], GRANTS, ORDER) == Roles("", frozenset({(1, "head")}))


def test_roles_no_group_gives_are_left_as_set_by_hand() -> None:
    # CEB and waste's data-quality champion are given by no mapping: set by hand, kept.
    before = Roles("ceb", frozenset({(1, "dq_champion"), (2, "updater")}))

    wanted = reconcile(before, [], GRANTS, ORDER)

    assert wanted == Roles("ceb", frozenset({(1, "dq_champion")}))


def test_one_corporate_role_the_first_in_the_choices_order() -> None:
    assert reconcile(NONE, ["G-SCRUTINY", "G-CMT"], GRANTS, ORDER).corporate_role == "cmt"
    assert reconcile(NONE, ["G-CMT", "G-PERF"], GRANTS, ORDER).corporate_role == "performance"


def test_a_role_added_to_the_choices_later_needs_no_change() -> None:
    """Issue 17 adds "member" (all councillors): a mapping to it just works."""
    grants = [*GRANTS, Grant("G-MEMBERS", corporate_role="member")]
    order = [*ORDER, "member"]

    assert reconcile(NONE, ["G-MEMBERS"], grants, order).corporate_role == "member"
    assert reconcile(NONE, ["G-MEMBERS"], grants, ORDER).corporate_role == "member"


def test_groups_compare_without_case_or_spaces() -> None:
    wanted = reconcile(NONE, [" g-perf "], GRANTS, ORDER)

    assert wanted.corporate_role == "performance"


@pytest.mark.parametrize(
    ("claim", "groups"),
    [
        (None, []),
        ([], []),
        (["a", "b"], ["a", "b"]),
        ("oxford.gov.uk", ["oxford.gov.uk"]),  # Google's hd claim as the "group"
        (["a", "", 7], ["a", "7"]),
    ],
)
def test_groups_from_claim(claim: object, groups: list[str]) -> None:
    assert groups_from_claim(claim) == groups


def test_an_unreadable_groups_claim_is_an_error() -> None:
    with pytest.raises(ValueError, match="groups claim"):
        groups_from_claim({"not": "a list"})


def test_change_lists_what_is_added_and_removed() -> None:
    before = Roles("cmt", frozenset({(1, "updater")}))
    after = Roles("", frozenset({(2, "updater")}))

    difference = change(before, after)

    assert difference.corporate_role == ("cmt", "")
    assert difference.added == {(2, "updater")}
    assert difference.removed == {(1, "updater")}
    assert change(after, after).is_empty


GROUP_NAMES = [grant.group for grant in GRANTS] + ["G-OTHER"]
SERVICE_ROLES = st.frozensets(
    st.tuples(st.sampled_from([1, 2, 3]), st.sampled_from(["updater", "head", "dq_champion"]))
)


@given(
    corporate=st.sampled_from(["", *ORDER]),
    held=SERVICE_ROLES,
    groups=st.lists(st.sampled_from(GROUP_NAMES)),
)
def test_managed_roles_follow_the_groups_exactly_and_others_are_kept(
    corporate: str, held: frozenset[tuple[int, str]], groups: list[str]
) -> None:
    wanted = reconcile(Roles(corporate, held), groups, GRANTS, ORDER)

    managed = {g.service_grant for g in GRANTS if g.service_grant}
    given_ = {g.service_grant for g in GRANTS if g.group in groups and g.service_grant}
    assert wanted.service_roles & managed == given_
    assert wanted.service_roles - managed == held - managed
    corporate_given = [g.corporate_role for g in GRANTS if g.group in groups and g.corporate_role]
    if corporate_given:
        assert wanted.corporate_role == min(corporate_given, key=ORDER.index)
    elif corporate in {g.corporate_role for g in GRANTS}:
        assert wanted.corporate_role == ""
    else:
        assert wanted.corporate_role == corporate


@given(held=SERVICE_ROLES, groups=st.lists(st.sampled_from(GROUP_NAMES)))
def test_signing_in_twice_with_the_same_groups_changes_nothing_the_second_time(
    held: frozenset[tuple[int, str]], groups: list[str]
) -> None:
    once = reconcile(Roles("", held), groups, GRANTS, ORDER)

    assert reconcile(once, groups, GRANTS, ORDER) == once
