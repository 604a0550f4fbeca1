"""Publishing with a safety catch (preview, then a confirmation of exactly what was previewed)
and withdrawing a published value (a reason, audited, off every public output at once)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from reporting import publishing
from targets import services
from targets.models import ChangeRecord, Measure, Service, User, Value, ValueStatus
from targets.periods import parse_period
from targets.services import PreviewOutdated, WorkflowError
from tests.conftest import client_for
from tests.factories import MeasureFactory, TargetFactory, ValueFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
OCT = parse_period("2026-10")


@pytest.fixture
def frozen(time_machine: Any) -> None:
    time_machine.move_to(datetime(2026, 12, 10, 12, tzinfo=UTC), tick=False)


def _measure(service: Service, code: str, *, public: bool = True) -> Measure:
    measure = MeasureFactory(code=code, service=service, is_public=public, decimals=1)
    TargetFactory(measure=measure, year=2026, value=Decimal("50"))
    return measure


@pytest.fixture
def approved(waste: Service, alice: User, hannah: User) -> dict[str, Value]:
    """October: WST-G Green (public), WST-R Red (public), WST-I Green (internal); September
    published for each, so the public page opens at September."""
    found = {}
    for code, figure, public in (
        ("WST-G", "52.34", True),
        ("WST-R", "31.21", True),
        ("WST-I", "57.77", False),
    ):
        measure = _measure(waste, code, public=public)
        ValueFactory(measure=measure, period="2026-09", actual=Decimal("49.99"))
        found[code] = ValueFactory(
            measure=measure,
            period=OCT.code,
            actual=Decimal(figure),
            status=ValueStatus.APPROVED,
            entered_by=alice,
            submitted_by=alice,
            approved_by=hannah,
            corrective_action="Extra crews" if figure == "31.21" else "",
        )
    return found


def _text(response: object) -> str:
    return BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)  # type: ignore[attr-defined]


def _token(page: BeautifulSoup) -> str:
    field = page.find("input", attrs={"name": "previewed"})
    assert field is not None
    return str(field["value"])


# The preview.


def test_the_preview_counts_reds_and_shows_what_the_public_will_see(
    approved: dict[str, Value], pat: User
) -> None:
    response = client_for(pat).get("/publish/?period=2026-10")
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    text = page.get_text(" ", strip=True)

    assert "Values to publish 3" in text
    reds = page.find(id="reds-title").find_parent("section").get_text(" ", strip=True)
    assert "WST-R" in reds and "31.2%" in reds and "WST-G" not in reds
    assert "Extra crews" in reds
    rows = {
        tr.find("th").find("a").get_text(): tr.get_text(" ", strip=True)
        for tr in page.select("#preview-caption ~ tbody tr")
    }
    assert "Public page and open data" in rows["WST-G"] and "52.3%" in rows["WST-G"]
    assert "Improving" in rows["WST-G"]  # against the published September
    assert "Staff and scrutiny only" in rows["WST-I"]
    open_rows = [tr.get_text(" ", strip=True) for tr in page.select("details tbody tr")]
    assert len(open_rows) == 2 and any("WST-R 2026-10 31.2 50.0 red" in r for r in open_rows)
    # Nothing was published by looking.
    assert not Value.objects.filter(period=OCT.code, status=ValueStatus.PUBLISHED).exists()
    assert ChangeRecord.objects.count() == 0


def test_the_preview_rows_are_the_open_data_rows_once_published(
    approved: dict[str, Value], pat: User
) -> None:
    from reporting import public

    preview = publishing.preview(publishing.approved_of(OCT), today=timezone.localdate())
    expected = {item.value.measure.code: item.open_data for item in preview.public_items}
    services.period_publish(period=OCT, user=pat)
    after = {
        row["measure_code"]: row
        for row in public.open_data(timezone.localdate()).rows
        if row["period"] == OCT.code
    }
    for code, row in expected.items():
        assert row is not None
        assert {k: v for k, v in row.items() if k != "published_at"} == {
            k: v for k, v in after[code].items() if k != "published_at"
        }


def test_confirming_publishes_exactly_the_previewed_set(
    approved: dict[str, Value], pat: User
) -> None:
    client = client_for(pat)
    token = _token(BeautifulSoup(client.get("/publish/?period=2026-10").content, "html.parser"))

    response = client.post("/publish/", {"period": "2026-10", "previewed": token}, follow=True)

    assert "Published 3 values for Oct 2026" in _text(response)
    assert Value.objects.filter(period=OCT.code, status=ValueStatus.PUBLISHED).count() == 3


def test_a_set_changed_since_the_preview_is_refused(
    approved: dict[str, Value], pat: User, hannah: User, alice: User, waste: Service
) -> None:
    client = client_for(pat)
    token = _token(BeautifulSoup(client.get("/publish/?period=2026-10").content, "html.parser"))
    # Meanwhile one is returned and another approved value joins the period.
    services.value_return(approved["WST-G"], user=hannah, reason="Wrong month")
    ValueFactory(measure=_measure(waste, "WST-N"), period=OCT.code, status=ValueStatus.APPROVED)

    response = client.post("/publish/", {"period": "2026-10", "previewed": token}, follow=True)

    assert "2 values changed since your preview: nothing was published" in _text(response)
    assert not Value.objects.filter(period=OCT.code, status=ValueStatus.PUBLISHED).exists()
    # The new preview is shown again, with the new set.
    assert "Values to publish 3" in _text(response)


def test_the_service_refuses_a_stale_preview(approved: dict[str, Value], pat: User) -> None:
    values = publishing.approved_of(OCT)
    expected = publishing.parse_token(publishing.token_of(values))
    expected[values[0].pk] -= 1
    with pytest.raises(PreviewOutdated, match="1 value changed since your preview"):
        services.period_publish(period=OCT, user=pat, expected=expected)


def test_a_mangled_token_publishes_nothing(approved: dict[str, Value], pat: User) -> None:
    response = client_for(pat).post(
        "/publish/", {"period": "2026-10", "previewed": "1:x"}, follow=True
    )
    assert "The preview was not understood" in _text(response)
    assert not Value.objects.filter(status=ValueStatus.PUBLISHED, period=OCT.code).exists()


def test_a_missing_or_bad_period_is_a_400(pat: User) -> None:
    client = client_for(pat)
    assert client.get("/publish/").status_code == 400
    assert client.get("/publish/?period=2026-13").status_code == 400


def test_republishing_says_what_was_published_before_and_how_it_ended(
    approved: dict[str, Value], pat: User
) -> None:
    value = services.value_publish(approved["WST-G"], user=pat)
    services.value_withdraw(value, user=pat, reason="The contractor restated the tonnage")
    value.refresh_from_db()
    services.value_save(
        measure=value.measure,
        period=OCT,
        data=services.ValueInput(actual=Decimal("53.5"), commentary="Restated tonnage"),
        user=pat,
        expected_version=value.version,
    )

    text = _text(client_for(pat).get(f"/publish/values/{value.pk}/"))
    # The correction needs approving again first; approve it as the head would.
    assert "only an approved value can be published" in text


def test_republishing_preview_names_the_earlier_figure(
    approved: dict[str, Value], pat: User, hannah: User
) -> None:
    value = services.value_publish(approved["WST-G"], user=pat)
    value = services.value_withdraw(value, user=pat, reason="The contractor restated it")
    value = services.value_return(value, user=pat, reason="Use the restated tonnage")
    value = services.value_save(
        measure=value.measure,
        period=OCT,
        data=services.ValueInput(actual=Decimal("53.5")),
        user=value.entered_by,  # type: ignore[arg-type]
        expected_version=value.version,
        submit=True,
    )
    value = services.value_approve(value, user=hannah)

    page = BeautifulSoup(client_for(pat).get(f"/publish/values/{value.pk}/").content, "html.parser")
    changed = page.find(id="changed-title").find_parent("section").get_text(" ", strip=True)
    assert "published on 10 Dec 2026 as 52.3%" in changed
    assert "withdrawn on 10 Dec 2026" in changed and "The contractor restated it" in changed
    assert "Now 53.5%" in changed


def test_one_value_is_published_after_its_preview(approved: dict[str, Value], pat: User) -> None:
    value = approved["WST-R"]
    client = client_for(pat)
    page = BeautifulSoup(client.get(f"/publish/values/{value.pk}/").content, "html.parser")
    assert "Values to publish 1" in page.get_text(" ", strip=True)
    version = page.find("input", attrs={"name": "version"})["value"]

    response = client.post(f"/publish/values/{value.pk}/", {"version": version})

    assert response.status_code == 302
    value.refresh_from_db()
    assert value.status == ValueStatus.PUBLISHED
    assert Value.objects.filter(status=ValueStatus.PUBLISHED, period=OCT.code).count() == 1


def test_one_value_changed_since_its_preview_is_not_published(
    approved: dict[str, Value], pat: User
) -> None:
    value = approved["WST-R"]
    response = client_for(pat).post(
        f"/publish/values/{value.pk}/", {"version": value.version - 1}, follow=True
    )
    assert "changed since your preview: nothing was published" in _text(response)
    value.refresh_from_db()
    assert value.status == ValueStatus.APPROVED


@pytest.mark.parametrize("persona", ["alice", "hannah", "carol", "sam"])
def test_only_the_performance_team_publishes(
    approved: dict[str, Value], persona: str, request: pytest.FixtureRequest
) -> None:
    client = client_for(request.getfixturevalue(persona))
    value = approved["WST-G"]
    assert client.get("/publish/?period=2026-10").status_code == 403
    assert client.post("/publish/", {"period": "2026-10", "previewed": ""}).status_code == 403
    assert client.post(f"/publish/values/{value.pk}/", {"version": 1}).status_code == 403
    assert not Value.objects.filter(status=ValueStatus.PUBLISHED, period=OCT.code).exists()


# Withdrawing.


def test_withdraw_needs_the_team_a_reason_and_a_published_value(
    approved: dict[str, Value], pat: User, hannah: User
) -> None:
    value = approved["WST-G"]
    with pytest.raises(WorkflowError, match="is approved: it cannot be withdrawn now"):
        services.value_withdraw(value, user=pat, reason="x")
    value = services.value_publish(value, user=pat)
    with pytest.raises(PermissionDenied):
        services.value_withdraw(value, user=hannah, reason="Wrong")
    with pytest.raises(WorkflowError, match="Say why the value is being withdrawn"):
        services.value_withdraw(value, user=pat, reason="  ")

    done = services.value_withdraw(value, user=pat, reason="Source revised")

    assert (done.status, done.published_at) == (ValueStatus.APPROVED, None)
    record = ChangeRecord.objects.get(action="withdraw")
    assert (record.user, record.reason, record.changes["status"]) == (
        pat,
        "Source revised",
        ["published", "approved"],
    )


def _october_row(client: Client, code: str) -> bool:
    lines = client.get("/public/data.csv").content.decode().splitlines()
    return any(line.startswith(f"{code},") and ",2026-10," in line for line in lines)


def test_withdrawing_takes_the_value_off_the_public_page_and_open_data_at_once(
    approved: dict[str, Value], pat: User
) -> None:
    services.period_publish(period=OCT, user=pat)
    public = Client()
    assert "52.3" in public.get("/public/measures/WST-G/").content.decode()
    assert _october_row(public, "WST-G")  # the open data is cached now
    value = Value.objects.get(pk=approved["WST-G"].pk)

    client = client_for(pat)
    page = client.get(f"/values/{value.pk}/withdraw/")
    assert page.status_code == 200 and "Withdraw WST-G Oct 2026?" in _text(page)
    refused = client.post(f"/values/{value.pk}/withdraw/", {"reason": "", "version": value.version})
    assert "Say why the value is being withdrawn" in _text(refused)
    response = client.post(
        f"/values/{value.pk}/withdraw/",
        {"reason": "DEFRA revised the tonnage", "version": value.version},
        follow=True,
    )

    assert "withdrawn: it is no longer on the public page" in _text(response)
    assert not _october_row(public, "WST-G")
    assert _october_row(public, "WST-R")
    assert "52.3%" not in _text(public.get("/public/measures/WST-G/"))
    assert "DEFRA revised the tonnage" in _text(client.get("/measures/WST-G/history/"))


def test_the_measure_page_offers_withdraw_and_publish_to_the_team_only(
    approved: dict[str, Value], pat: User, hannah: User
) -> None:
    services.value_publish(approved["WST-G"], user=pat)
    team = BeautifulSoup(client_for(pat).get("/measures/WST-G/").content, "html.parser")
    assert team.find("a", href=f"/values/{approved['WST-G'].pk}/withdraw/") is not None
    head = BeautifulSoup(client_for(hannah).get("/measures/WST-G/").content, "html.parser")
    assert head.find("a", href=f"/values/{approved['WST-G'].pk}/withdraw/") is None


@pytest.mark.parametrize("persona", ["alice", "hannah", "carol", "sam"])
def test_only_the_performance_team_withdraws(
    approved: dict[str, Value], pat: User, persona: str, request: pytest.FixtureRequest
) -> None:
    value = services.value_publish(approved["WST-G"], user=pat)
    client = client_for(request.getfixturevalue(persona))
    assert client.get(f"/values/{value.pk}/withdraw/").status_code == 403
    response = client.post(f"/values/{value.pk}/withdraw/", {"reason": "x", "version": 2})
    assert response.status_code == 403
    value.refresh_from_db()
    assert value.status == ValueStatus.PUBLISHED


def test_api_withdraw(approved: dict[str, Value], pat: User, hannah: User) -> None:
    value = services.value_publish(approved["WST-G"], user=pat)
    url = f"/api/v1/values/{value.pk}/withdraw/"
    denied = client_for(hannah).post(url, {"reason": "x"}, content_type="application/json")
    assert denied.status_code == 403
    missing = client_for(pat).post(url, {}, content_type="application/json")
    assert missing.status_code == 400 and "reason" in missing.json()

    done = client_for(pat).post(
        url, {"reason": "Source revised", "version": value.version}, content_type="application/json"
    )

    assert done.status_code == 200 and done.json()["status"] == "approved"
    assert ChangeRecord.objects.get(action="withdraw").source == "api"
