"""The permission matrix of benchmarking feeding planning (issue 17): raising an improvement
action from an exercise's findings (`/benchmarking/exercises/<pk>/actions/new/`).

The rule (README "Benchmarking", `benchmarking.permissions.can_manage_exercises`): whoever
manages the service's exercises raises its actions: the head of that service and the
performance team; nobody else, and the head of waste not for housing's exercise.
"""

from __future__ import annotations

from typing import Any

from tests.security.matrix import LOGIN, REDIRECT, AdminModel, Row, Write, expect
from tests.security.world import World

MANAGERS = expect(403, anonymous=LOGIN, hannah=200, pat=200)
ACTION = {
    "title": "Share the fleet's route planning",
    "description": "",
    "owner": "",
    "due": "2027-02-28",
    "status": "not_started",
    "progress": "",
    "completed_on": "",
}


def build(world: World) -> dict[str, Any]:
    return {}


ROWS: list[Row] = [
    Row(
        "benchmarking/exercises/<int:pk>/actions/new/",
        "/benchmarking/exercises/{exercise}/actions/new/",
        MANAGERS,
        writes=(
            Write(
                ACTION,
                expect(403, anonymous=LOGIN, hannah=REDIRECT, pat=REDIRECT),
                frozenset({"hannah", "pat"}),
            ),
            Write(
                ACTION,
                expect(403, anonymous=LOGIN, pat=REDIRECT),
                frozenset({"pat"}),
                url="/benchmarking/exercises/{housing_exercise}/actions/new/",
            ),
        ),
    ),
]

ADMIN_MODELS: dict[str, AdminModel] = {}
