"""The data-quality pages end to end through the client: procedures (view, edit, overdue and
missing), the programme, recording an audit with actions, closing actions, the flag a failed
audit puts on the dashboard and in report packs, the champions' summary and the service page."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from reporting.models import ReportSchedule
from reporting.packs import pdf
from reporting.packs.snapshot import build, restore
from targets import permissions
from targets.models import (
    Action,
    ChangeRecord,
    DataQualityAudit,
    DataQualityProcedure,
    Measure,
    Priority,
    Service,
    User,
)
from targets.periods import parse_period
from targets.quality import services as dq_services
from tests.conftest import client_for
from tests.factories import MeasureFactory, TargetFactory, ValueFactory
from tests.targets.quality_data import action, done_audit, procedure

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 26)


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(datetime(2026, 11, 26, 12, tzinfo=UTC), tick=False)


def soup(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def text(response: Any) -> str:
    return " ".join(soup(response).get_text(" ").split())


@pytest.fixture
def bins(waste: Service, alice: User, priority: Priority) -> Measure:
    measure = MeasureFactory(
        code="CP10",
        title="Household waste recycled",
        kind=Measure.Kind.CORPORATE,
        priority=priority,
        service=waste,
        updater=alice,
        data_source="Weighbridge",
    )
    TargetFactory(measure=measure, year=2026, value=Decimal(50))
    for month in ("2026-08", "2026-09", "2026-10"):
        ValueFactory(measure=measure, period=month, actual=Decimal(52))
    return measure


@pytest.fixture
def rents(housing: Service, bob: User) -> Measure:
    return MeasureFactory(code="HOU-01", title="Rent collected", service=housing, updater=bob)


# Permissions ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("alice", True), ("dora", True), ("pat", True), ("hannah", False), ("bob", False)],
)
def test_who_may_edit_a_procedure(
    bins: Measure, who: str, allowed: bool, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(who)
    assert permissions.can_edit_dq_procedure(user, bins) is allowed


@pytest.mark.parametrize(
    ("who", "sees"),
    [("alice", True), ("bob", True), ("carol", True), ("pat", True), ("sam", False)],
)
def test_everyone_internal_sees_data_quality(
    bins: Measure, who: str, sees: bool, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(who)
    assert permissions.sees_data_quality(user) is sees
    status = client_for(user).get(reverse("dq_procedure", args=[bins.code])).status_code
    assert status == (200 if sees else 403)


def test_who_may_update_an_audits_action(
    bins: Measure, alice: User, dora: User, hannah: User, bob: User, pat: User, carol: User
) -> None:
    owned = action(bins, owner=alice)
    assert permissions.can_update_dq_action(alice, owned)
    assert permissions.can_update_dq_action(dora, owned)  # the service's champion
    assert permissions.can_update_dq_action(hannah, owned)  # its head
    assert permissions.can_update_dq_action(pat, owned)
    assert not permissions.can_update_dq_action(bob, owned)
    assert not permissions.can_update_dq_action(carol, owned)


# Procedures -----------------------------------------------------------------------------------


def procedure_form(**overrides: str) -> dict[str, str]:
    return {
        "collection": "Weighbridge tickets from the depot, keyed in each week.",
        "calculation": "Tonnes recycled / tonnes collected x 100, street sweepings excluded.",
        "source_system": "Weighbridge system",
        "controls": "Reconciled monthly with the contractor's invoice; checked by the head.",
        "last_reviewed": "2026-11-20",
        **overrides,
    }


def test_the_champion_writes_a_procedure(bins: Measure, dora: User) -> None:
    client = client_for(dora)
    page = client.get(reverse("dq_procedure_edit", args=[bins.code]))
    assert page.status_code == 200
    assert soup(page).select_one("#id_source_system")["value"] == "Weighbridge"
    response = client.post(reverse("dq_procedure_edit", args=[bins.code]), procedure_form())
    assert response.status_code == 302
    assert response["Location"] == reverse("dq_procedure", args=[bins.code])
    saved = DataQualityProcedure.objects.get(measure=bins)
    assert saved.next_review_due == date(2027, 11, 20)
    assert saved.updated_by == dora
    record = ChangeRecord.objects.get(object_type="dq_procedure")
    assert (record.user, record.action, record.measure_code) == (dora, "create", "CP10")
    shown = text(client.get(response["Location"]))
    assert "Next review due 20 November 2027" in shown
    assert "Owner " + str(bins.updater) in shown


def test_updating_a_procedure_records_what_changed(bins: Measure, alice: User) -> None:
    procedure(bins, date(2025, 6, 1))
    response = client_for(alice).post(
        reverse("dq_procedure_edit", args=[bins.code]),
        procedure_form(controls="Second check by the champion."),
    )
    assert response.status_code == 302
    record = ChangeRecord.objects.get(object_type="dq_procedure")
    assert record.action == "update"
    assert record.changes["controls"][1] == "Second check by the champion."
    assert record.changes["next_review_due"] == ["2026-06-01", "2027-11-20"]


def test_a_procedure_form_says_what_is_wrong_and_where(bins: Measure, alice: User) -> None:
    response = client_for(alice).post(
        reverse("dq_procedure_edit", args=[bins.code]),
        procedure_form(controls="", last_reviewed="2026-12-01"),
    )
    assert response.status_code == 400
    page = soup(response)
    links = {a["href"]: a.get_text() for a in page.select("#error-summary a")}
    assert links == {
        "#id_controls": "Enter controls",
        "#id_last_reviewed": "The review date cannot be in the future",
    }
    assert page.title.get_text().startswith("Error:")
    assert not DataQualityProcedure.objects.exists()


def test_others_cannot_edit(bins: Measure, bob: User, hannah: User) -> None:
    for user in (bob, hannah):
        client = client_for(user)
        assert client.get(reverse("dq_procedure_edit", args=[bins.code])).status_code == 403
        posted = client.post(reverse("dq_procedure_edit", args=[bins.code]), procedure_form())
        assert posted.status_code == 403
    assert not DataQualityProcedure.objects.exists()


def test_the_measure_page_links_to_its_procedure(bins: Measure, alice: User, bob: User) -> None:
    procedure(bins, date(2025, 10, 1))
    page = soup(client_for(alice).get(bins.get_absolute_url()))
    panel = page.select_one("section.dq-panel")
    assert "Overdue" in panel.get_text()
    hrefs = [a["href"] for a in panel.select("a")]
    assert reverse("dq_procedure", args=["CP10"]) in hrefs
    assert reverse("dq_procedure_edit", args=["CP10"]) in hrefs
    other = soup(client_for(bob).get(bins.get_absolute_url())).select_one("section.dq-panel")
    assert reverse("dq_procedure_edit", args=["CP10"]) not in [a["href"] for a in other("a")]


def test_scrutiny_sees_no_data_quality_panel(bins: Measure, sam: User) -> None:
    page = soup(client_for(sam).get(bins.get_absolute_url()))
    assert page.select_one("section.dq-panel") is None
    assert "Data quality" not in [a.get_text() for a in page.select(".site-nav a")]


def test_overdue_and_missing_by_service(
    bins: Measure, rents: Measure, waste: Service, carol: User
) -> None:
    current = MeasureFactory(code="WST-02", service=waste)
    procedure(current, date(2026, 1, 5))
    procedure(bins, date(2025, 11, 25))  # due 25 Nov 2026: overdue on the 26th
    MeasureFactory(code="OLD-01", service=waste, active_to=2024)  # not active: not missing
    response = client_for(carol).get(reverse("dq_procedures"))
    page = soup(response)
    sections = {s.h2["id"]: s for s in page.select("section.dq-service")}
    assert set(sections) == {"service-waste", "service-housing"}
    waste_rows = [
        tr.get_text(" ", strip=True) for tr in sections["service-waste"].select("tbody tr")
    ]
    assert len(waste_rows) == 1 and waste_rows[0].startswith("CP10")
    assert "Overdue" in waste_rows[0] and "25 Nov 2026" in waste_rows[0]
    housing = sections["service-housing"].get_text(" ", strip=True)
    assert "HOU-01" in housing and "Missing" in housing
    only = soup(client_for(carol).get(reverse("dq_procedures"), {"service": "housing"}))
    assert [s.h2["id"] for s in only.select("section.dq-service")] == ["service-housing"]


# Audits ---------------------------------------------------------------------------------------


def record_form(**overrides: str) -> dict[str, str]:
    dims = ("accuracy", "validity", "reliability", "timeliness", "relevance", "completeness")
    return {
        "auditor": "",
        "sample_from": "2026-08",
        "sample_to": "2026-09",
        **{d: "pass" for d in dims},
        "findings": "",
        "completed_on": "2026-11-20",
        "finish": "done",
        "actions-TOTAL_FORMS": "3",
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "10",
        **{f"actions-{i}-{f}": "" for i in range(3) for f in ("title", "owner", "due")},
        **overrides,
    }


@pytest.fixture
def audit_row(bins: Measure) -> DataQualityAudit:
    return DataQualityAudit.objects.create(measure=bins, month="2026-11")


def test_the_team_records_a_failed_audit_with_an_action(
    audit_row: DataQualityAudit, pat: User, alice: User, carol: User
) -> None:
    client = client_for(pat)
    url = reverse("dq_audit_record", args=[audit_row.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        record_form(
            auditor=str(pat.pk),
            accuracy="fail",
            timeliness="concern",
            findings="Two months keyed twice.",
            **{
                "actions-0-title": "Second check before submitting",
                "actions-0-owner": str(alice.pk),
                "actions-0-due": "2027-01-31",
            },
        ),
    )
    assert response.status_code == 302, text(response)
    audit_row.refresh_from_db()
    assert (audit_row.status, audit_row.result, audit_row.accuracy) == ("done", "fail", "fail")
    assert audit_row.completed_on == date(2026, 11, 20)
    (linked,) = audit_row.actions.all()
    assert (linked.title, linked.owner, linked.source) == (
        "Second check before submitting",
        alice,
        Action.Source.DATA_QUALITY,
    )
    assert linked.service == audit_row.measure.service
    shown = text(client_for(carol).get(response["Location"]))
    assert "Accuracy ✗ Fail" in shown and "Timeliness ! Concern" in shown
    assert "values of Aug 2026 to Sep 2026 are flagged" in shown


def test_recording_as_done_needs_every_dimension_and_complete_actions(
    audit_row: DataQualityAudit, pat: User
) -> None:
    response = client_for(pat).post(
        reverse("dq_audit_record", args=[audit_row.pk]),
        record_form(
            auditor=str(pat.pk),
            relevance="",
            sample_to="2026-07",
            **{"actions-1-title": "Fix it"},
        ),
    )
    assert response.status_code == 400
    errors = [a.get_text() for a in soup(response).select("#error-summary a")]
    assert errors == [
        "Last period sampled: The last period sampled is before the first",
        "Relevance: Score relevance before recording the audit as done",
        "Action 2: Choose who owns the action",
        "Action 2: Enter when the action is due",
    ]
    audit_row.refresh_from_db()
    assert audit_row.status == "proposed"


def test_sampled_periods_must_be_the_measures(audit_row: DataQualityAudit, pat: User) -> None:
    response = client_for(pat).post(
        reverse("dq_audit_record", args=[audit_row.pk]),
        record_form(auditor=str(pat.pk), sample_from="2026/27-Q1", sample_to="2027-01"),
    )
    assert response.status_code == 400
    errors = [a.get_text() for a in soup(response).select("#error-summary a")]
    assert errors == [
        "First period sampled: CP10 is monthly: 2026/27-Q1 is not",
        "Last period sampled: Jan 2027 has not started yet",
    ]


def test_saving_in_progress_keeps_it_open(audit_row: DataQualityAudit, pat: User) -> None:
    response = client_for(pat).post(
        reverse("dq_audit_record", args=[audit_row.pk]),
        record_form(auditor=str(pat.pk), relevance="", finish="progress"),
    )
    assert response.status_code == 302
    audit_row.refresh_from_db()
    assert (audit_row.status, audit_row.result, audit_row.completed_on) == ("in_progress", "", None)


@pytest.mark.parametrize("who", ["alice", "dora", "carol"])
def test_only_the_team_records_audits(
    audit_row: DataQualityAudit, who: str, request: pytest.FixtureRequest
) -> None:
    client = client_for(request.getfixturevalue(who))
    url = reverse("dq_audit_record", args=[audit_row.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, record_form()).status_code == 403
    assert client.post(reverse("dq_propose")).status_code == 403
    assert client.get(reverse("dq_audit_new")).status_code == 403
    cancel = client.post(reverse("dq_audit_cancel", args=[audit_row.pk]), {"reason": "x"})
    assert cancel.status_code == 403


def test_the_team_adds_an_audit_by_hand(bins: Measure, pat: User) -> None:
    client = client_for(pat)
    bad = client.post(reverse("dq_audit_new"), {"measure": "NOPE", "month": "2026-13"})
    assert bad.status_code == 400
    assert [a.get_text() for a in soup(bad).select("#error-summary a")] == [
        "There is no measure with the code NOPE",
        "2026-13 is not a month: enter e.g. 2026-05",
    ]
    response = client.post(
        reverse("dq_audit_new"), {"measure": "cp10", "month": "2026-12", "note": "Complaint"}
    )
    assert response.status_code == 302
    added = DataQualityAudit.objects.get()
    assert (added.measure, added.month, added.origin) == (bins, "2026-12", "manual")
    again = client.post(reverse("dq_audit_new"), {"measure": "CP10", "month": "2026-12"})
    assert "CP10 is already in the programme for Dec 2026." in text(again)


def test_the_team_proposes_replaces_and_cancels_from_the_pages(
    bins: Measure, rents: Measure, waste: Service, pat: User
) -> None:
    MeasureFactory(code="WST-09", service=waste)
    client = client_for(pat)
    client.post(reverse("dq_propose"))
    assert [a.measure.code for a in DataQualityAudit.objects.order_by("pk")] == ["CP10", "HOU-01"]
    again = client.post(reverse("dq_propose"), follow=True)
    assert "Nothing new to propose" in text(again)
    first = DataQualityAudit.objects.get(measure=bins)
    refused = client.post(reverse("dq_audit_replace", args=[first.pk]), {"reason": ""})
    assert refused.status_code == 302
    first.refresh_from_db()
    assert first.status == "proposed"
    replaced = client.post(reverse("dq_audit_replace", args=[first.pk]), {"reason": "Restructure"})
    new = DataQualityAudit.objects.get(measure__code="WST-09")
    assert replaced["Location"] == new.get_absolute_url()
    client.post(reverse("dq_audit_cancel", args=[new.pk]), {"reason": "Not this month"})
    new.refresh_from_db()
    assert new.status == "cancelled"
    programme = soup(client.get(reverse("dq_programme")))
    rows = programme.select("#month-2026-11 ~ div tbody tr")
    november = [r.th.a.get_text(" ", strip=True) for r in rows[:3]]
    assert november == ["HOU-01 audit, Nov 2026", "CP10 audit, Nov 2026", "WST-09 audit, Nov 2026"]


def test_the_programme_filters_by_result_and_service(
    bins: Measure, rents: Measure, carol: User
) -> None:
    done_audit(bins, "2026-05", result="fail")
    done_audit(rents, "2026-05")
    client = client_for(carol)
    page = soup(client.get(reverse("dq_programme"), {"result": "fail"}))
    codes = [a.get_text(" ", strip=True) for a in page.select("tbody th a")]
    assert codes == ["CP10 audit, May 2026"]
    page = soup(client.get(reverse("dq_programme"), {"service": "housing"}))
    assert [a.get_text(" ", strip=True) for a in page.select("tbody th a")] == [
        "HOU-01 audit, May 2026"
    ]
    assert client.get(reverse("dq_programme"), {"year": "2026"}).status_code == 200  # 2026/27
    assert client.get(reverse("dq_programme"), {"year": "26/27"}).status_code == 400
    last_year = soup(client.get(reverse("dq_programme"), {"year": "2025/26"}))
    assert last_year.select("tbody th a") == []


# Actions and the failed-audit flag ----------------------------------------------------------


def dashboard_flags(user: User, month: str) -> dict[str, str]:
    response = client_for(user).get(reverse("home"), {"period": month})
    rows = {}
    for tr in soup(response).select("table.scorecard tbody tr"):
        flag = tr.select_one(".dq-flag")
        rows[tr.th.a.get_text(strip=True)] = flag.get_text(" ", strip=True) if flag else ""
    return rows


def test_a_failed_audit_flags_the_sampled_values_until_its_actions_are_done(
    bins: Measure, alice: User, carol: User
) -> None:
    first, second = action(bins, owner=alice), action(bins, owner=alice)
    failed = done_audit(
        bins, "2026-10", result="fail", sample=("2026-08", "2026-09"), actions=[first, second]
    )
    assert dashboard_flags(carol, "2026-09") == {"CP10": "⚑ Failed data-quality audit"}
    assert dashboard_flags(carol, "2026-10") == {"CP10": ""}  # not sampled
    client = client_for(alice)
    url = reverse("dq_action_update", args=[first.pk])
    response = client.post(url, {f"a{first.pk}-status": "done", f"a{first.pk}-progress": "Done."})
    assert response["Location"] == failed.get_absolute_url()
    first.refresh_from_db()
    assert (first.status, first.completed_on, first.progress) == ("done", TODAY, "Done.")
    assert dashboard_flags(carol, "2026-09") == {"CP10": "⚑ Failed data-quality audit"}
    client.post(
        reverse("dq_action_update", args=[second.pk]), {f"a{second.pk}-status": "cancelled"}
    )
    # The dashboard is cached, but its flags are always fresh.
    assert dashboard_flags(carol, "2026-09") == {"CP10": ""}
    second.refresh_from_db()
    assert (second.status, second.completed_on) == ("cancelled", None)  # never completed
    updates = ChangeRecord.objects.filter(object_type="action", action="update")
    assert [(r.measure_code, r.object_id) for r in updates] == [
        ("CP10", second.pk),
        ("CP10", first.pk),
    ]


def test_a_failed_audit_without_actions_stays_flagged(bins: Measure, carol: User) -> None:
    done_audit(bins, "2026-10", result="fail", sample=("2026-09", "2026-09"))
    assert dashboard_flags(carol, "2026-09") == {"CP10": "⚑ Failed data-quality audit"}


def test_passes_and_concerns_flag_nothing(bins: Measure, carol: User) -> None:
    done_audit(bins, "2026-10", result="concern", sample=("2026-09", "2026-09"))
    assert dashboard_flags(carol, "2026-09") == {"CP10": ""}


def test_scrutiny_sees_the_flag_without_a_link(bins: Measure, sam: User) -> None:
    done_audit(bins, "2026-10", result="fail", sample=("2026-09", "2026-09"))
    for value in bins.values.all():
        assert value.status == "published"
    page = soup(client_for(sam).get(reverse("home"), {"period": "2026-09"}))
    flag = page.select_one("table.scorecard .dq-flag")
    assert flag.name == "span" and "Failed data-quality audit" in flag.get_text()


def test_others_cannot_update_an_action(bins: Measure, alice: User, bob: User) -> None:
    owned = action(bins, owner=alice)
    done_audit(bins, "2026-10", result="fail", actions=[owned])
    response = client_for(bob).post(
        reverse("dq_action_update", args=[owned.pk]), {f"a{owned.pk}-status": "done"}
    )
    assert response.status_code == 403
    owned.refresh_from_db()
    assert owned.status == "not_started"


def test_only_an_audits_actions_are_updated_from_the_audit_pages(
    bins: Measure, alice: User, dora: User
) -> None:
    """A plan's action is its owner's, its head of service's and the team's to update, on its
    own page: the champion cannot close it through the audits' form (found by the permission
    matrix)."""
    planned = action(bins, owner=alice)
    response = client_for(dora).post(
        reverse("dq_action_update", args=[planned.pk]), {f"a{planned.pk}-status": "done"}
    )
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        dq_services.action_update(action=planned, status="done", progress="", user=dora)
    planned.refresh_from_db()
    assert planned.status == "not_started"


def pack_schedule(code: str, **kw: Any) -> ReportSchedule:
    """A corporate pack's schedule, made here: transactional tests flush the seeded ones."""
    audience = "scrutiny" if kw.get("scrutiny_may_download") else "cmt"
    return ReportSchedule.objects.create(code=code, name=code, audience=audience, **kw)


def test_report_packs_list_overdue_reviews_and_open_failures(
    bins: Measure, waste: Service, priority: Priority, alice: User, carol: User
) -> None:
    other = MeasureFactory(
        code="CP11", service=waste, kind=Measure.Kind.CORPORATE, priority=priority
    )
    procedure(bins, date(2025, 9, 1))  # overdue since 1 Sep 2026
    done_audit(
        bins, "2026-10", result="fail", sample=("2026-08", "2026-09"), actions=[action(bins)]
    )
    data = build(
        schedule=pack_schedule("cmt-test", frequency="bimonthly", cmt_may_download=True),
        period=parse_period("2026/27-B3"),
        today=TODAY,
        generated_at=datetime(2026, 11, 26, tzinfo=UTC),
    )
    assert data["data_quality"]["reviews"] == [
        {
            "measure": "CP10",
            "title": "Household waste recycled",
            "service": "Waste and Recycling",
            "owner": str(alice),
            "state": "overdue",
            "due": "2026-09-01",
        },
        {
            "measure": "CP11",
            "title": other.title,
            "service": "Waste and Recycling",
            "owner": "",
            "state": "missing",
            "due": None,
        },
    ]
    assert data["data_quality"]["failures"] == [
        {
            "measure": "CP10",
            "title": "Household waste recycled",
            "month": "Oct 2026",
            "sampled": "Aug 2026 to Sep 2026",
            "open_actions": 1,
            "actions": 1,
        }
    ]
    html = " ".join(BeautifulSoup(pdf.html(restore(data)), "html.parser").get_text(" ").split())
    assert "Failed data-quality audits" in html
    assert "CP10 Household waste recycled Oct 2026 Aug 2026 to Sep 2026 1 of 1" in html
    assert "Review overdue since 1 Sep 2026" in html and "Not written" in html


def test_public_packs_leave_the_internal_appendix_out(bins: Measure) -> None:
    procedure(bins, date(2025, 9, 1))
    data = build(
        schedule=pack_schedule("scrutiny-test", frequency="quarterly", scrutiny_may_download=True),
        period=parse_period("2026/27-Q2"),
        today=TODAY,
        generated_at=datetime(2026, 11, 26, tzinfo=UTC),
    )
    assert data["data_quality"] == {}
    assert restore(data).dq_reviews == []


# Champions ------------------------------------------------------------------------------------


def test_the_service_page_shows_its_champion(waste: Service, dora: User, carol: User) -> None:
    dora.job_title = "Waste data officer"
    dora.save()
    page = text(client_for(carol).get(reverse("service_scorecard", args=["waste"])))
    assert f"Data-quality champion: {dora} (Waste data officer)." in page


def test_the_quarterly_summary(
    bins: Measure, rents: Measure, dora: User, alice: User, pat: User, carol: User
) -> None:
    late = action(bins, owner=alice)
    late.due = date(2026, 11, 1)
    late.save()
    done_audit(
        bins, "2026-10", result="fail", auditor=pat, sample=("2026-09", "2026-09"), actions=[late]
    )
    done_audit(rents, "2026-11", auditor=pat, sample=("2026-10", "2026-10"))
    done_audit(rents, "2026-06")  # another quarter
    DataQualityAudit.objects.create(measure=rents, month="2026-12")  # proposed, not done
    procedure(rents, date(2025, 1, 1))
    response = client_for(carol).get(reverse("dq_summary"), {"quarter": "2026/27-Q3"})
    assert response.status_code == 200
    shown = text(response)
    assert "Summary for Q3 2026/27" in shown
    assert "2 audits done, 1 not done yet" in shown
    assert "✓ Pass 1" in shown and "! Concern 0" in shown and "✗ Fail 1" in shown
    assert "1 procedure review overdue, 1 missing" in shown
    assert "1 action overdue" in shown
    services = {
        tr.th.get_text(strip=True): [td.get_text(strip=True) for td in tr.find_all("td")]
        for tr in soup(response).select("table")[2].select("tbody tr")
    }
    assert services["Waste and Recycling"] == [str(dora), "1", "1", "0", "1", "1"]
    assert services["Housing"] == ["none named", "1", "0", "1", "0", "0"]


def test_the_summary_refuses_what_is_not_a_quarter(carol: User) -> None:
    response = client_for(carol).get(reverse("dq_summary"), {"quarter": "2026-05"})
    assert response.status_code == 400
    assert "2026-05 is not a quarter" in text(response)


def test_every_page_needs_sign_in_and_is_closed_to_scrutiny(
    bins: Measure, audit_row: DataQualityAudit, sam: User
) -> None:
    urls = [
        reverse("dq_home"),
        reverse("dq_procedures"),
        reverse("dq_programme"),
        reverse("dq_summary"),
        reverse("dq_audit", args=[audit_row.pk]),
    ]
    for url in urls:
        assert Client().get(url).status_code == 302
        assert client_for(sam).get(url).status_code == 403


def test_the_overview(bins: Measure, dora: User, pat: User) -> None:
    DataQualityAudit.objects.create(measure=bins, month="2026-11")
    page = soup(client_for(pat).get(reverse("dq_home")))
    assert [a.get_text(" ", strip=True) for a in page.select("#month-title ~ div tbody th a")] == [
        "CP10 audit, Nov 2026"
    ]
    counts = page.select_one(".dq-counts").get_text(" ", strip=True)
    assert "1 measure without a procedure" in counts
    nav = [a.get_text() for a in page.select(".site-nav a")]
    assert "Data quality" in nav


def test_date_fields_are_filled_in_the_format_date_inputs_read(
    bins: Measure, audit_row: DataQualityAudit, alice: User, pat: User
) -> None:
    """A type=date input ignores 26/11/2026: the value must be ISO or the browser shows none."""
    page = soup(client_for(alice).get(reverse("dq_procedure_edit", args=[bins.code])))
    assert page.select_one("#id_last_reviewed")["value"] == "2026-11-26"
    page = soup(client_for(pat).get(reverse("dq_audit_record", args=[audit_row.pk])))
    assert page.select_one("#id_completed_on")["value"] == "2026-11-26"
