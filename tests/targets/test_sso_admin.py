"""The group mapping in the admin: the performance team edits it, every change in the audit
trail, a row gives exactly one kind of role."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from targets.models import ChangeRecord, GroupRoleMapping, Service, User
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
URL = "/admin/targets/grouprolemapping/"


def test_the_team_adds_a_mapping_and_it_is_recorded(pat: User, waste: Service) -> None:
    response = client_for(pat).post(
        URL + "add/",
        {"group": " 3f2a-waste ", "label": "GG Waste officers", "service": waste.pk,
         "service_role": "updater", "corporate_role": ""},
    )  # fmt: skip

    assert response.status_code == 302
    mapping = GroupRoleMapping.objects.get()
    assert (mapping.group, mapping.service, mapping.service_role) == (
        "3f2a-waste",
        waste,
        "updater",
    )
    assert str(mapping) == "GG Waste officers → Officer (updater), Waste and Recycling"
    record = ChangeRecord.objects.get(object_type="grouprolemapping")
    assert (record.user, record.action, record.source) == (pat, "create", "admin")
    assert record.changes["group"] == [None, "3f2a-waste"]


def test_changing_and_deleting_are_recorded(pat: User, waste: Service) -> None:
    mapping = GroupRoleMapping.objects.create(group="g1", corporate_role="cmt")
    browser = client_for(pat)

    browser.post(f"{URL}{mapping.pk}/change/", {"group": "g1", "corporate_role": "ceb"})
    browser.post(f"{URL}{mapping.pk}/delete/", {"post": "yes"})

    actions = list(
        ChangeRecord.objects.filter(object_type="grouprolemapping")
        .order_by("at", "id")
        .values_list("action", "changes")
    )
    assert actions == [
        ("update", {"corporate_role": ["cmt", "ceb"]}),
        ("delete", {"group": ["g1", None], "corporate_role": ["ceb", None]}),
    ]
    assert not GroupRoleMapping.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"corporate_role": "cmt", "service_role": "updater"}, "corporate_role", "not both"),
        ({"service_role": "updater"}, "service", "needs both"),
        ({}, "corporate_role", "Choose the role"),
    ],
)
def test_a_mapping_gives_exactly_one_kind_of_role(
    pat: User, waste: Service, data: dict[str, str], field: str, message: str
) -> None:
    response = client_for(pat).post(URL + "add/", {"group": "g", **data})

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors[field])
    assert not GroupRoleMapping.objects.exists()


def test_an_unknown_role_is_refused_by_the_model(waste: Service) -> None:
    with pytest.raises(ValidationError, match="not a corporate role"):
        GroupRoleMapping(group="g", corporate_role="mayor").full_clean()


def test_officers_cannot_open_the_mapping(alice: User) -> None:
    assert client_for(alice).get(URL).status_code == 302
