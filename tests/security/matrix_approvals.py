"""The permission matrix of issue 16's approval queue, publishing with a preview and
withdrawing (README "The monthly cycle").

The rules: the approval queue is for whoever approves values (the head of waste, the
performance team); it lists only values they may approve, never drafts, never another
service's for a head. Publishing (a period, or one value, each previewed first) and withdrawing
a published value are the performance team's. The API answers the same.
"""

from __future__ import annotations

from typing import Any

from targets.models import Value
from tests.security.matrix import (
    API_POST_ONLY,
    APPROVERS,
    LOGIN,
    POST_ONLY,
    REDIRECT,
    TEAM,
    Row,
    Write,
    expect,
)
from tests.security.world import DRAFTS, HOUSING_SUBMITTED, MONTH, SUBMITTED, World

APPROVER_PAGE = expect(403, anonymous=LOGIN, hannah=200, pat=200)
TEAM_ONLY = expect(403, anonymous=LOGIN, pat=200)
ADMIN_MODELS: dict[str, Any] = {}


def build(world: World) -> dict[str, Any]:
    return {}


def _api_selection() -> dict[str, Any]:
    value = Value.objects.get(measure__code="WST-SUB")
    return {"values": [{"id": value.pk, "version": value.version}]}


ROWS: list[Row] = [
    Row(
        "approvals/",
        f"/approvals/?period={MONTH}",
        APPROVER_PAGE,
        hide={"hannah": (HOUSING_SUBMITTED, *DRAFTS), "pat": DRAFTS},
        show={"hannah": (SUBMITTED,), "pat": (SUBMITTED, HOUSING_SUBMITTED)},
        writes=(Write({"x": "1"}, expect(405, anonymous=LOGIN), frozenset()),),
    ),
    Row(
        "approvals/approve/",
        "/approvals/approve/",
        POST_ONLY,
        writes=(
            # alice submitted it: only the head of waste and the performance team approve it.
            Write(
                {"value": "{value_wst_sub}:{version_wst_sub}"},
                expect(403, anonymous=LOGIN) | {p: REDIRECT for p in APPROVERS},
                APPROVERS,
            ),
        ),
    ),
    Row(
        "publish/",
        f"/publish/?period={MONTH}",
        TEAM_ONLY,
        writes=(
            Write(
                {"period": MONTH, "previewed": "{value_wst_app}:{version_wst_app}"},
                expect(403, anonymous=LOGIN, pat=REDIRECT),
                TEAM,
            ),
        ),
    ),
    Row(
        "publish/values/<int:pk>/",
        "/publish/values/{value_wst_app}/",
        TEAM_ONLY,
        writes=(
            Write(
                {"version": "{version_wst_app}"},
                expect(403, anonymous=LOGIN, pat=REDIRECT),
                TEAM,
            ),
        ),
    ),
    Row(
        "values/<int:pk>/withdraw/",
        "/values/{value_wst_pub}/withdraw/",
        TEAM_ONLY,
        writes=(
            Write(
                {"reason": "The source was revised", "version": "{version_wst_pub}"},
                expect(403, anonymous=LOGIN, pat=REDIRECT),
                TEAM,
            ),
        ),
    ),
    Row(
        "api/v1/approvals/",
        f"/api/v1/approvals/?period={MONTH}",
        expect(403, hannah=200, pat=200),
        hide={"hannah": (HOUSING_SUBMITTED, *DRAFTS), "pat": DRAFTS},
        show={"hannah": (SUBMITTED,), "pat": (SUBMITTED, HOUSING_SUBMITTED)},
        writes=(Write({}, API_POST_ONLY, frozenset(), json=True),),
    ),
    Row(
        "api/v1/approvals/approve/",
        "/api/v1/approvals/approve/",
        API_POST_ONLY,
        writes=(
            Write(
                _api_selection,
                expect(403) | {p: 200 for p in APPROVERS},
                APPROVERS,
                json=True,
            ),
        ),
    ),
]
