"""The overview, a service's page and the lists cost a fixed number of queries, however much
feedback there is."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from feedback.models import Arrangement, MysteryShop, PanelResult, PanelSurvey, Round
from targets.models import Action, Service, User
from tests.conftest import client_for
from tests.factories import ServiceFactory
from tests.feedback.conftest import import_csv

pytestmark = pytest.mark.django_db


def _feedback(services: int, rounds: int) -> None:
    lines = ["reference,service,received,due,responded,stage,kind"]
    for s in range(services):
        service = ServiceFactory(code=f"s{s}", is_support=s % 2 == 0)
        arrangement = Arrangement.objects.create(
            service=service, kind="customer_survey", title=f"Survey {s}", frequency="quarterly"
        )
        for r in range(rounds):
            ended = date(2026, 9, 30) - timedelta(days=91 * r)
            item = Round.objects.create(
                arrangement=arrangement,
                started=ended - timedelta(days=30),
                ended=ended,
                satisfaction=70 + r,
            )
            action = Action.objects.create(service=service, title="A", source="feedback")
            item.actions.add(action)
        visit = MysteryShop.objects.create(
            service=service, visited=date(2026, 9, 1), channel="email", scenario="x", score=70
        )
        visit.actions.add(Action.objects.create(service=service, title="B", source="feedback"))
        survey = PanelSurvey.objects.create(
            title=f"P{s}",
            topics="x",
            sent=date(2026, 6, 1),
            closed=date(2026, 6, 30),
            panel_size=10,
            responses=5,
        )
        PanelResult.objects.create(survey=survey, service=service, question="q")
        for n in range(rounds):
            lines.append(f"C{s}-{n},s{s},2026-0{n % 9 + 1}-01,2026-0{n % 9 + 1}-15,,1,complaint")
    assert import_csv("\n".join(lines) + "\n").ok


@pytest.mark.parametrize(
    "path",
    [
        "/feedback/",
        "/feedback/compliance/",
        "/feedback/services/s1/",
        "/feedback/services/s1/in-brief/",
        "/feedback/arrangements/",
        "/feedback/panel/",
        "/feedback/mystery-shopping/",
        "/feedback/complaints/",
        "/api/v1/feedback/rounds/",
    ],
)
def test_queries_do_not_grow_with_the_data(
    path: str, pat: User, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    _feedback(services=2, rounds=2)
    client = client_for(pat)
    client.get(path)
    with django_assert_max_num_queries(30) as small:
        assert client.get(path).status_code == 200
    _feedback_more()
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(path).status_code == 200


def _feedback_more() -> None:
    more = [ServiceFactory(code=f"t{s}") for s in range(6)]
    for s, service in enumerate(more):
        arrangement = Arrangement.objects.create(
            service=service, kind="focus_group", title=f"Forum {s}", frequency="annual"
        )
        for r in range(5):
            ended = date(2026, 9, 30) - timedelta(days=91 * r)
            item = Round.objects.create(
                arrangement=arrangement,
                started=ended - timedelta(days=30),
                ended=ended,
                satisfaction=60,
            )
            item.actions.add(Action.objects.create(service=service, title="C", source="feedback"))
    s1 = Service.objects.get(code="s1")
    arrangement = Arrangement.objects.filter(service=s1).first()
    assert arrangement is not None
    for _ in range(5):
        item = Round.objects.create(
            arrangement=arrangement,
            started=date(2025, 1, 1),
            ended=date(2025, 1, 31),
            satisfaction=50,
        )
        item.actions.add(Action.objects.create(service=s1, title="D", source="feedback"))
