"""The approval queue: its facts, approving one, a selection or every Green (all or nothing),
returning in place, its API, and My work naming who did what."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from targets import approvals, services
from targets.models import ChangeRecord, Measure, Service, User, Value, ValueStatus
from targets.services import ValuesRefused, WorkflowError
from tests.conftest import client_for
from tests.factories import MeasureFactory, TargetFactory, ValueFactory

pytestmark = pytest.mark.django_db


def _measure(service: Service, code: str, **kw: object) -> Measure:
    measure = MeasureFactory(code=code, service=service, **kw)
    TargetFactory(measure=measure, year=2026, value=Decimal("50"))
    TargetFactory(measure=measure, year=2025, value=Decimal("50"))
    return measure


def _submitted(measure: Measure, by: User, actual: str, period: str = "2026-10") -> Value:
    value: Value = ValueFactory(
        measure=measure,
        period=period,
        actual=Decimal(actual),
        status=ValueStatus.SUBMITTED,
        entered_by=by,
        submitted_by=by,
        submitted_at=timezone.now(),
        commentary=f"Commentary of {measure.code}",
        corrective_action="Extra crews" if Decimal(actual) < 45 else "",
    )
    return value


@pytest.fixture
def queue(waste: Service, housing: Service, alice: User, bob: User) -> dict[str, Value]:
    """Three waste values submitted by alice (Green, Green, Red) and one of housing by bob;
    earlier months of WST-A published and approved."""
    a, b, c = (_measure(waste, code) for code in ("WST-A", "WST-B", "WST-C"))
    for period, figure, status in (
        ("2026-07", "41.23", ValueStatus.PUBLISHED),
        ("2026-08", "42.34", ValueStatus.PUBLISHED),
        ("2026-09", "43.45", ValueStatus.APPROVED),
        ("2025-10", "39.87", ValueStatus.PUBLISHED),
    ):
        ValueFactory(measure=a, period=period, actual=Decimal(figure), status=status)
    ValueFactory(measure=a, period="2026-06", actual=Decimal("11.11"), status=ValueStatus.DRAFT)
    h = _measure(housing, "HSG-A")
    return {
        "a": _submitted(a, alice, "55.55"),
        "b": _submitted(b, alice, "50"),
        "c": _submitted(c, alice, "40.1"),
        "h": _submitted(h, bob, "66.6"),
    }


def _tokens(*values: Value) -> list[tuple[int, int | None]]:
    return [(v.pk, v.version) for v in values]


# The service: all or nothing.


def test_head_approves_a_selection_at_once(queue: dict[str, Value], hannah: User) -> None:
    done = services.values_approve(selected=_tokens(queue["a"], queue["b"]), user=hannah)

    assert {v.measure.code for v in done} == {"WST-A", "WST-B"}
    assert set(
        Value.objects.filter(status=ValueStatus.APPROVED, period="2026-10").values_list(
            "measure__code", flat=True
        )
    ) == {"WST-A", "WST-B"}
    records = ChangeRecord.objects.filter(action="approve")
    assert {(r.measure_code, r.user) for r in records} == {("WST-A", hannah), ("WST-B", hannah)}


def test_one_refused_value_approves_none(queue: dict[str, Value], hannah: User) -> None:
    with pytest.raises(ValuesRefused) as refused:
        services.values_approve(selected=_tokens(queue["a"], queue["h"]), user=hannah)

    assert list(refused.value.errors) == ["HSG-A Oct 2026"]
    assert "1 of the 2 values could not be approved, so none was" in str(refused.value)
    assert not Value.objects.filter(status=ValueStatus.APPROVED, period="2026-10").exists()
    assert not ChangeRecord.objects.filter(action="approve").exists()


def test_a_stale_version_approves_none(queue: dict[str, Value], hannah: User) -> None:
    selected = [(queue["a"].pk, queue["a"].version), (queue["b"].pk, queue["b"].version - 1)]
    with pytest.raises(ValuesRefused, match="WST-B Oct 2026: it was changed after you read it"):
        services.values_approve(selected=selected, user=hannah)
    queue["a"].refresh_from_db()
    assert queue["a"].status == ValueStatus.SUBMITTED


def test_nobody_approves_their_own_entry(queue: dict[str, Value], bob: User, pat: User) -> None:
    mine = queue["a"]
    mine.entered_by = pat
    mine.save()
    with pytest.raises(ValuesRefused, match="You cannot approve a value you entered"):
        services.values_approve(selected=_tokens(mine), user=pat)
    with pytest.raises(ValuesRefused, match="You cannot approve values of WST-B"):
        services.values_approve(selected=_tokens(queue["b"]), user=bob)


def test_an_empty_or_unknown_selection_is_refused(queue: dict[str, Value], hannah: User) -> None:
    with pytest.raises(WorkflowError, match="Choose the values to approve"):
        services.values_approve(selected=[], user=hannah)
    with pytest.raises(ValuesRefused, match="Value 999999: it does not exist"):
        services.values_approve(selected=[(999999, 1)], user=hannah)


def test_an_approved_value_cannot_be_approved_again(queue: dict[str, Value], hannah: User) -> None:
    services.values_approve(selected=_tokens(queue["a"]), user=hannah)
    queue["a"].refresh_from_db()
    with pytest.raises(ValuesRefused, match="is approved: it cannot be approved now"):
        services.values_approve(selected=_tokens(queue["a"]), user=hannah)


# The read model.


def test_the_queue_has_the_facts_to_decide_on(queue: dict[str, Value], hannah: User) -> None:
    rows = {r.value.measure.code: r for r in approvals.queue(hannah, today=timezone.localdate())}

    assert set(rows) == {"WST-A", "WST-B", "WST-C"}  # not housing's
    a = rows["WST-A"]
    assert a.status.target is not None and a.status.target.value == Decimal("50")
    assert a.rag.rag.value == "green" and rows["WST-C"].rag.rag.value == "red"
    # The three months before, as staff see them (the approved one too), and a year before.
    assert [(p.code, v) for p, v in a.earlier] == [
        ("2026-07", Decimal("41.23")),
        ("2026-08", Decimal("42.34")),
        ("2026-09", Decimal("43.45")),
    ]
    assert (a.last_year[0].code, a.last_year[1]) == ("2025-10", Decimal("39.87"))
    assert a.status.dot_short is not None and a.status.dot_short.value == "improving"
    assert a.status.dot_long is not None and a.status.dot_long.value == "improving"


def test_a_draft_is_never_shown_as_an_earlier_figure(queue: dict[str, Value], hannah: User) -> None:
    Value.objects.filter(measure__code="WST-A", period="2026-09").update(status=ValueStatus.DRAFT)
    [a] = [
        r
        for r in approvals.queue(hannah, today=timezone.localdate())
        if r.value.measure.code == "WST-A"
    ]
    assert a.earlier[-1][1] is None


def test_the_queue_loads_in_a_fixed_number_of_queries(
    queue: dict[str, Value], waste: Service, alice: User, hannah: User
) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            approvals.queue(hannah, today=timezone.localdate())
        return len(queries)

    count()  # the head's roles, read once per request
    before = count()
    for n in range(6):
        _submitted(_measure(waste, f"WST-X{n}"), alice, "51")
    assert count() == before


def test_the_rag_filter_keeps_only_that_status(queue: dict[str, Value], hannah: User) -> None:
    rows = approvals.queue(hannah, today=timezone.localdate(), filters={"rag": "red"})
    assert [r.value.measure.code for r in rows] == ["WST-C"]


# The page.


def _page(user: User, url: str = "/approvals/") -> BeautifulSoup:
    response = client_for(user).get(url)
    assert response.status_code == 200, response.content
    return BeautifulSoup(response.content, "html.parser")


def test_the_page_shows_target_rag_and_who_submitted(
    queue: dict[str, Value], hannah: User, alice: User
) -> None:
    page = _page(hannah)
    rows = {
        tr.find("th").find("a").get_text(): tr for tr in page.select("table.approvals tbody tr")
    }

    assert set(rows) == {"WST-A", "WST-B", "WST-C"}
    text = rows["WST-A"].get_text(" ", strip=True)
    assert "55.6%" in text  # the measure's one decimal
    assert "50.0%" in text  # the target
    assert "On target" in text and "Improving" in text
    assert "Sep 2026: 43.5%" in text and "Oct 2025 (a year before): 39.9%" in text
    assert f"Submitted by {alice}" in text
    assert "Corrective action: Extra crews" in rows["WST-C"].get_text(" ", strip=True)
    assert page.title is not None and page.title.get_text().startswith("Approvals")


def test_the_queue_exports_the_rows_shown_with_their_filters(
    queue: dict[str, Value], hannah: User, alice: User
) -> None:
    page_codes = [
        tr.find("th").find("a").get_text()
        for tr in _page(hannah).select("table.approvals tbody tr")
    ]
    response = client_for(hannah).get("/approvals/?export=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, rows = lines[0], lines[1:]
    assert [r[0] for r in rows] == page_codes  # the page's rows, in its order
    wst_a = dict(zip(header, rows[page_codes.index("WST-A")], strict=True))
    assert wst_a["Value"] == "55.6" and wst_a["Target"] == "50.0%"
    assert wst_a["Status"] == "On target" and wst_a["Since last period"] == "Improving"
    assert wst_a["Earlier period 3"] == "Sep 2026: 43.5%"
    assert wst_a["Same period last year"] == "Oct 2025: 39.9%"
    assert wst_a["Submitted by"] == str(alice)

    red = client_for(hannah).get("/approvals/?rag=red&export=xlsx")
    sheet = load_workbook(io.BytesIO(red.content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["WST-C"]


def test_select_all_green_ticks_exactly_the_greens(queue: dict[str, Value], hannah: User) -> None:
    page = _page(hannah)
    link = page.find("a", string="Select all Green (2)")
    assert link is not None
    ticked = _page(hannah, link["href"]).select("input[name=value][checked]")
    assert sorted(i["value"] for i in ticked) == sorted(
        f"{v.pk}:{v.version}" for v in (queue["a"], queue["b"])
    )


def test_approving_the_selection_from_the_page(queue: dict[str, Value], hannah: User) -> None:
    data = {
        "value": [f"{v.pk}:{v.version}" for v in (queue["a"], queue["b"])],
        "next": "/approvals/",
    }
    client = client_for(hannah)
    response = client.post("/approvals/approve/", data, follow=True)

    assert "You approved 2 values: WST-A Oct 2026, WST-B Oct 2026." in response.content.decode()
    assert Value.objects.get(pk=queue["a"].pk).status == ValueStatus.APPROVED
    assert Value.objects.get(pk=queue["c"].pk).status == ValueStatus.SUBMITTED


def test_a_row_button_approves_only_its_value(queue: dict[str, Value], hannah: User) -> None:
    data = {"value": [f"{queue['a'].pk}:{queue['a'].version}"], "only": f"{queue['c'].pk}:1"}
    client_for(hannah).post("/approvals/approve/", data)

    assert Value.objects.get(pk=queue["c"].pk).status == ValueStatus.APPROVED
    assert Value.objects.get(pk=queue["a"].pk).status == ValueStatus.SUBMITTED


def test_a_refused_selection_says_what_failed(queue: dict[str, Value], hannah: User) -> None:
    data = {"value": [f"{queue['a'].pk}:{queue['a'].version}", f"{queue['h'].pk}:1"]}
    response = client_for(hannah).post("/approvals/approve/", data, follow=True)

    text = BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)
    assert "could not be approved, so none was" in text and "HSG-A Oct 2026" in text
    assert not Value.objects.filter(status=ValueStatus.APPROVED, period="2026-10").exists()


def test_a_mangled_selection_is_a_message_not_an_error(
    queue: dict[str, Value], hannah: User
) -> None:
    response = client_for(hannah).post("/approvals/approve/", {"value": ["x;drop"]}, follow=True)
    assert response.status_code == 200
    assert "is not a value of the queue" in response.content.decode()


def test_returning_in_place_names_the_officer(
    queue: dict[str, Value], hannah: User, alice: User
) -> None:
    value = queue["c"]
    data = {
        "reason": "The October tonnage is missing",
        "version": value.version,
        "next": "/approvals/",
    }
    response = client_for(hannah).post(f"/values/{value.pk}/return/", data, follow=True)

    assert response.redirect_chain[-1][0] == "/approvals/"
    assert f"You returned WST-C Oct 2026 to {alice} as a draft" in response.content.decode()
    value.refresh_from_db()
    assert (value.status, value.return_reason) == ("draft", "The October tonnage is missing")


@pytest.mark.parametrize("persona", ["alice", "bob", "dora", "carol", "sam"])
def test_people_who_approve_nothing_have_no_queue(
    queue: dict[str, Value], persona: str, request: pytest.FixtureRequest
) -> None:
    client = client_for(request.getfixturevalue(persona))
    assert client.get("/approvals/").status_code == 403
    assert client.post("/approvals/approve/", {"value": [f"{queue['a'].pk}:1"]}).status_code == 403
    assert Value.objects.get(pk=queue["a"].pk).status == ValueStatus.SUBMITTED


def test_a_bad_period_filter_says_why(queue: dict[str, Value], hannah: User) -> None:
    page = _page(hannah, "/approvals/?period=2026-13")
    assert "error-summary" in str(page)


# My work: who did what.


def test_my_work_shows_the_head_the_officers_values_to_approve_not_as_theirs(
    queue: dict[str, Value], hannah: User, alice: User
) -> None:
    page = _page(hannah, "/my/")
    assert page.find(id="submitted-title") is None  # not "Your submitted values"
    approve = page.find(id="approve-title").find_parent("section")
    assert f"Submitted by {alice}" in approve.get_text(" ", strip=True)
    assert approve.find("a", href="/approvals/") is not None
    assert page.find("nav").find("a", href="/approvals/") is not None


def test_the_navigation_offers_approvals_to_approvers_only(
    queue: dict[str, Value], alice: User, carol: User, pat: User
) -> None:
    for user, shown in ((alice, False), (carol, False), (pat, True)):
        nav = _page(user, "/my/").find("nav")
        assert (nav.find("a", href="/approvals/") is not None) is shown, user


def test_my_work_says_who_returned_what_to_whom(
    queue: dict[str, Value], hannah: User, alice: User
) -> None:
    services.value_return(queue["c"], user=hannah, reason="Check the tonnage")

    head = _page(hannah, "/my/")
    assert head.find(id="returned-title") is None  # nothing was returned to the head
    sent = head.find(id="sent-back-title").find_parent("section").get_text(" ", strip=True)
    assert f"Returned by you to {alice}" in sent and "Check the tonnage" in sent

    officer = _page(alice, "/my/")
    mine = officer.find(id="returned-title").find_parent("section").get_text(" ", strip=True)
    assert f"Returned by {hannah}" in mine and "Check the tonnage" in mine


def test_my_work_lists_the_officers_own_submitted_values(
    queue: dict[str, Value], alice: User
) -> None:
    section = _page(alice, "/my/").find(id="submitted-title").find_parent("section")
    assert "Submitted by you" in section.get_text(" ", strip=True)


# The API.


def test_api_lists_the_queue_with_its_facts(queue: dict[str, Value], hannah: User) -> None:
    response = client_for(hannah).get("/api/v1/approvals/?rag=green")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    first = next(r for r in body["results"] if r["measure"] == "WST-A")
    assert first["actual_text"] == "55.6%" and first["rag"] == "green"
    assert first["earlier"][-1] == {"period": "2026-09", "actual": "43.450000"}
    assert first["last_year"] == {"period": "2025-10", "actual": "39.870000"}
    assert first["submitted_by"] == "alice"


def test_api_bulk_approve_is_all_or_nothing(queue: dict[str, Value], hannah: User) -> None:
    client = client_for(hannah)
    refused = client.post(
        "/api/v1/approvals/approve/",
        {"values": [{"id": queue["a"].pk, "version": 1}, {"id": queue["h"].pk, "version": 1}]},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert "HSG-A Oct 2026" in refused.json()["refused"]
    assert not Value.objects.filter(status=ValueStatus.APPROVED, period="2026-10").exists()

    done = client.post(
        "/api/v1/approvals/approve/",
        {"values": [{"id": queue["a"].pk, "version": 1}, {"id": queue["b"].pk, "version": 1}]},
        content_type="application/json",
    )
    assert done.status_code == 200
    assert {v["measure"] for v in done.json()["approved"]} == {"WST-A", "WST-B"}
    assert ChangeRecord.objects.filter(action="approve", source="api").count() == 2


def test_api_queue_is_refused_to_officers(queue: dict[str, Value], alice: User) -> None:
    client = client_for(alice)
    assert client.get("/api/v1/approvals/").status_code == 403
    body = {"values": [{"id": queue["b"].pk, "version": 1}]}
    response = client.post("/api/v1/approvals/approve/", body, content_type="application/json")
    assert response.status_code == 403


def test_permission_denied_is_raised_not_swallowed_for_other_services(
    queue: dict[str, Value], hannah: User
) -> None:
    with pytest.raises(PermissionDenied):
        services.value_approve(queue["h"], user=hannah)
