"""The OIM in the admin: the performance team's; awards never bypass the board's rule."""

from __future__ import annotations

import pytest

from oim.models import Idea
from targets.models import ChangeRecord, User
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
PAGES = (
    "factor",
    "quadrantweight",
    "factorassessment",
    "servicebudget",
    "servicecostmetric",
    "spendtosavebudget",
    "idea",
    "keyprocess",
    "accreditation",
)


@pytest.mark.parametrize("model", PAGES)
def test_the_performance_team_opens_every_oim_page(model: str, pat: User, alice: User) -> None:
    assert client_for(pat).get(f"/admin/oim/{model}/").status_code == 200
    assert client_for(alice).get(f"/admin/oim/{model}/").status_code in {302, 403}


def test_an_award_cannot_be_typed_into_the_admin(pat: User) -> None:
    idea = Idea.objects.create(title="Admin", description="x", status="approved")
    client = client_for(pat)
    response = client.post(
        f"/admin/oim/idea/{idea.pk}/change/",
        {
            "title": "Admin (renamed)",
            "description": "x",
            "status": "approved",
            "board_month": "",
            "board_note": "",
            "amount_requested": "0",
            "amount_awarded": "999999",
            "funding_year": "2026",
            "submitted_at_0": "2026-01-01",
            "submitted_at_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    idea.refresh_from_db()
    assert (idea.title, idea.amount_awarded) == ("Admin (renamed)", 0)
    record = ChangeRecord.objects.get(object_type="idea", object_id=idea.pk)
    assert record.source == "admin" and record.changes["title"] == ["Admin", "Admin (renamed)"]
