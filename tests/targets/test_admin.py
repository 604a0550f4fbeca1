"""The admin: the performance team runs the register there, and every change is audited."""

from __future__ import annotations

from decimal import Decimal

import pytest

from targets.models import ChangeRecord, Service, User
from tests.conftest import client_for
from tests.factories import MeasureFactory, TargetFactory, ValueFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "page",
    [
        "/admin/",
        "/admin/targets/measure/",
        "/admin/targets/value/",
        "/admin/targets/target/",
        "/admin/targets/service/",
        "/admin/targets/user/",
        "/admin/targets/changerecord/",
    ],
)
def test_performance_team_uses_the_admin_without_being_superuser(pat: User, page: str) -> None:
    assert not pat.is_superuser and not pat.is_staff
    assert client_for(pat).get(page).status_code == 200


@pytest.mark.parametrize("persona", ["alice", "hannah", "carol", "sam"])
def test_others_are_kept_out(persona: str, request: pytest.FixtureRequest) -> None:
    user = request.getfixturevalue(persona)
    response = client_for(user).get("/admin/targets/measure/")
    assert response.status_code == 302  # to the admin login


def test_admin_edit_of_a_value_is_audited_and_bumps_the_version(pat: User, waste: Service) -> None:
    value = ValueFactory(measure=MeasureFactory(code="WST-01", service=waste), actual=Decimal(5))
    url = f"/admin/targets/value/{value.pk}/change/"
    form = client_for(pat).get(url).context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k != "evidence"}
    data.update(
        measure=value.measure.pk,
        actual="7",
        status="published",
        dq_flag="final",
        entered_by="",
        submitted_by="",
        approved_by="",
        published_by="",
    )
    response = client_for(pat).post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    value.refresh_from_db()
    assert (value.actual, value.version) == (Decimal(7), 2)
    record = ChangeRecord.objects.get()
    assert (record.source, record.action, record.user) == ("admin", "update", pat)
    assert record.changes["actual"] == ["5", "7"]


def test_admin_target_change_is_audited(pat: User, waste: Service) -> None:
    target = TargetFactory(measure=MeasureFactory(code="WST-02", service=waste), value=Decimal(80))
    url = f"/admin/targets/target/{target.pk}/change/"
    response = client_for(pat).post(
        url,
        {
            "measure": target.measure.pk,
            "year": 2025,
            "value": "85",
            "lower": "",
            "upper": "",
            "note": "Raised after review",
            "profile-TOTAL_FORMS": 0,
            "profile-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302
    record = ChangeRecord.objects.get()
    assert (record.object_type, record.period, record.changes["value"]) == (
        "target",
        "2025/26",
        ["80", "85"],
    )


def test_performance_team_cannot_edit_a_superuser(pat: User) -> None:
    root = User.objects.create_superuser("root", "root@example.org", "x")
    response = client_for(pat).post(f"/admin/targets/user/{root.pk}/change/", {"username": "r"})
    assert response.status_code == 403
