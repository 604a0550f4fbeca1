"""The notices on "My work" and each person's notification choices (`/my/notifications/`)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from targets.models import ChangeRecord, Digest, Notice, NotificationPreference, User
from targets.notify import kinds as registry
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def notice(user: User, title: str, **fields: Any) -> Notice:
    values: dict[str, Any] = {
        "kind": "value_late", "object_key": f"x:{title}", "url": "/measures/WR01/",
        "detail": "Was due 25 Nov 2026 (1 day late)", "raised_on": date(2026, 11, 26),
    } | fields  # fmt: skip
    return Notice.objects.create(recipient=user, title=title, **values)


def soup(response: Any) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_my_work_lists_my_standing_notices_escalations_first(alice: User, bob: User) -> None:
    notice(alice, "WR01 late", due=date(2026, 11, 25))
    notice(alice, "WR02 escalated", kind="value_escalated", escalation=True, due=date(2026, 11, 1))
    notice(alice, "WR03 done", resolved_on=date(2026, 11, 26))
    notice(bob, "HOU01 bob's")

    page = soup(client_for(alice).get("/my/"))

    section = page.find("section", attrs={"aria-labelledby": "notices-title"})
    assert section is not None
    assert section.h2 is not None and section.h2.get_text() == "Deadlines and notices (2)"
    rows = section.select("tbody tr")
    assert [row.th.a.get_text() for row in rows] == ["WR02 escalated", "WR01 late"]
    assert rows[0].th.a["href"] == "/measures/WR01/"
    tag = rows[0].select_one(".tag")
    assert tag is not None and "Escalated to you" in tag.get_text()
    assert [td.get_text() for td in rows[1].find_all("td")] == [
        "Late values",
        "Was due 25 Nov 2026 (1 day late)",
    ]
    assert [th["scope"] for th in section.select("thead th")] == ["col", "col", "col"]


def test_my_work_says_when_there_is_nothing(alice: User) -> None:
    page = soup(client_for(alice).get("/my/"))

    section = page.find("section", attrs={"aria-labelledby": "notices-title"})
    assert section is not None and "No deadlines or notices for you." in section.get_text()
    assert section.find("a", href="/my/notifications/") is not None


def test_preferences_page_has_one_labelled_box_per_kind_under_its_area(alice: User) -> None:
    page = soup(client_for(alice).get("/my/notifications/"))

    legends = [legend.get_text() for legend in page.select("fieldset legend")]
    assert legends == [area for area, _ in registry.areas()]
    boxes = page.select("input[type=checkbox]")
    assert len(boxes) == len(registry.all_kinds())
    for box in boxes:
        label = page.find("label", attrs={"for": box["id"]})
        assert label is not None and label.get_text(strip=True)
        assert box.has_attr("checked")  # everything in the digest by default
        assert page.find(id=box["aria-describedby"]) is not None
    assert page.find(string=lambda t: "no e-mail address" in t) is not None  # alice has none


def test_switching_a_kind_off_is_saved_and_recorded(alice: User) -> None:
    browser = client_for(alice)
    data = {f"email_{kind.code}": "on" for kind in registry.all_kinds()}
    del data["email_pack_published"]

    response = browser.post("/my/notifications/", data)

    assert response.status_code == 302 and response["Location"] == "/my/notifications/"
    assert list(
        NotificationPreference.objects.values_list("user__username", "kind", "delivery")
    ) == [("alice", "pack_published", "off")]
    record = ChangeRecord.objects.get(object_type="notificationpreference")
    choice = NotificationPreference.objects.get(user=alice)
    assert (record.user, record.source, record.object_id) == (alice, "form", choice.pk)
    assert record.changes == {"delivery": [None, "off"]}
    page = soup(browser.get("/my/notifications/"))
    assert "Your choices are saved." in page.get_text()
    assert not page.find("input", attrs={"name": "email_pack_published"}).has_attr("checked")

    browser.post("/my/notifications/", data)
    assert ChangeRecord.objects.filter(object_type="notificationpreference").count() == 1


def test_one_persons_choices_never_touch_anothers(alice: User, bob: User) -> None:
    client_for(bob).post("/my/notifications/", {})

    assert not NotificationPreference.objects.filter(user=alice).exists()
    assert NotificationPreference.objects.filter(user=bob).count() == len(registry.all_kinds())


def test_the_page_lists_my_recent_digests(alice: User, bob: User) -> None:
    mine = Digest.objects.create(recipient=alice, day=date(2026, 11, 26), status="sent", attempts=2)
    notice(alice, "WR01", digest=mine)
    Digest.objects.create(recipient=bob, day=date(2026, 11, 26), status="sent")

    rows = soup(client_for(alice).get("/my/notifications/")).select("section tbody tr")

    assert [[c.get_text() for c in row.find_all(["th", "td"])] for row in rows] == [
        ["26 Nov 2026", "Sent (after 2 attempts)", "1"]
    ]


def test_signed_out_people_are_asked_to_sign_in() -> None:
    assert Client().get("/my/notifications/")["Location"].startswith("/login/")
