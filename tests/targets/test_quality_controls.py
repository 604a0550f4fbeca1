"""An audit checks the measure's own procedure: one line per control it lists (tested, working or
not, the evidence). A control not working raises one improvement action of the service, owned by
the measure's updater, among the audit's actions; the rules hold on the page and in the API."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from rest_framework.test import APIClient

from targets.models import (
    Action,
    ChangeRecord,
    ControlCheck,
    DataQualityAudit,
    DataQualityProcedure,
    Measure,
    Service,
    User,
)
from targets.quality import services
from targets.quality.rules import control_check_problem, procedure_controls
from targets.quality.services import ChecklistError, ControlInput
from tests.conftest import client_for
from tests.factories import MeasureFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 26)
CONTROLS = (
    "- Reconciled monthly with the weighbridge report\n\n"
    "2. A second officer re-counts ten tickets\n"
    "* The head of service signs the return off"
)


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(datetime(2026, 11, 26, 12, tzinfo=UTC), tick=False)


@pytest.fixture
def bins(waste: Service, alice: User) -> Measure:
    measure = MeasureFactory(code="WST-01", service=waste, updater=alice)
    DataQualityProcedure.objects.create(
        measure=measure,
        collection="Weighbridge tickets",
        calculation="Tonnes recycled over tonnes collected",
        source_system="Weighbridge",
        controls=CONTROLS,
        last_reviewed=date(2026, 5, 1),
        next_review_due=date(2027, 5, 1),
    )
    return measure


@pytest.fixture
def audit_row(bins: Measure) -> DataQualityAudit:
    return DataQualityAudit.objects.create(measure=bins, month="2026-11")


def lines(*verdicts: str, due: date | None = date(2026, 12, 31)) -> list[ControlInput]:
    return [
        ControlInput(
            position=n,
            tested=v != "",
            result=v,
            evidence=f"Sampled October ({n})" if v else "",
            action_due=due if v == "not_working" else None,
        )
        for n, v in enumerate(verdicts, start=1)
    ]


def test_the_controls_are_the_procedures_lines_without_bullets() -> None:
    assert procedure_controls(CONTROLS) == [
        "Reconciled monthly with the weighbridge report",
        "A second officer re-counts ten tickets",
        "The head of service signs the return off",
    ]
    assert procedure_controls("  \n") == []


@pytest.mark.parametrize(
    ("tested", "result", "evidence", "problem"),
    [
        (False, "", "", None),
        (False, "working", "", "Mark the control tested before saying whether it works"),
        (True, "", "Seen", "Say whether the control is working or not working"),
        (True, "working", "  ", "Give the evidence the control was tested on"),
        (True, "not_working", "Two tickets missing", None),
    ],
)
def test_each_line_of_the_checklist_is_consistent(
    tested: bool, result: str, evidence: str, problem: str | None
) -> None:
    assert control_check_problem(tested=tested, result=result, evidence=evidence) == problem


def test_a_control_not_working_raises_one_action_among_the_audits(
    audit_row: DataQualityAudit, pat: User, alice: User
) -> None:
    saved = services.audit_controls_save(
        audit_row=audit_row, checks=lines("working", "not_working", ""), user=pat
    )
    assert [(c.position, c.tested, c.result) for c in saved] == [
        (1, True, "working"),
        (2, True, "not_working"),
        (3, False, ""),
    ]
    failing = saved[1]
    assert failing.control == "A second officer re-counts ten tickets"
    (raised,) = failing.actions.all()
    assert (raised.service_id, raised.owner, raised.due, raised.source) == (
        audit_row.measure.service_id,
        alice,
        date(2026, 12, 31),
        Action.Source.DATA_QUALITY,
    )
    assert "re-counts ten tickets" in raised.title
    assert list(audit_row.actions.all()) == [raised]
    assert [c.actions.count() for c in saved if c.position != 2] == [0, 0]
    # Saved again, still not working: the action is not raised twice.
    services.audit_controls_save(
        audit_row=audit_row, checks=lines("working", "not_working", "", due=None), user=pat
    )
    assert Action.objects.count() == 1
    records = ChangeRecord.objects.filter(object_type="controlcheck")
    assert records.count() == 3  # created three; the second save changed nothing
    assert {r.measure_code for r in records} == {"WST-01"}
    assert ChangeRecord.objects.filter(object_type="action", object_id=raised.pk).exists()
    # Once that action is closed, the control still not working raises another.
    Action.objects.filter(pk=raised.pk).update(status="done", completed_on=TODAY)
    again = services.audit_controls_save(
        audit_row=audit_row,
        checks=lines("working", "not_working", "", due=date(2027, 2, 28)),
        user=pat,
    )
    assert again[1].actions.count() == 2 and audit_row.actions.count() == 2


def test_working_controls_raise_nothing(audit_row: DataQualityAudit, pat: User) -> None:
    services.audit_controls_save(
        audit_row=audit_row, checks=lines("working", "working", "working"), user=pat
    )
    assert not Action.objects.exists()
    assert ControlCheck.objects.filter(audit=audit_row, actions__isnull=True).count() == 3


def test_a_control_not_working_needs_a_due_date_for_its_action(
    audit_row: DataQualityAudit, pat: User
) -> None:
    with pytest.raises(ChecklistError) as refused:
        services.audit_controls_save(
            audit_row=audit_row, checks=lines("working", "not_working", "", due=None), user=pat
        )
    assert refused.value.problems == {2: "Say when the action to fix the control is due"}
    with pytest.raises(ChecklistError) as past:
        services.audit_controls_save(
            audit_row=audit_row,
            checks=lines("not_working", "", "", due=date(2026, 11, 1)),
            user=pat,
        )
    assert past.value.problems == {1: "The action to fix the control cannot be due in the past"}
    assert not ControlCheck.objects.exists() and not Action.objects.exists()


def test_the_checklist_covers_every_control_of_the_procedure(
    audit_row: DataQualityAudit, pat: User
) -> None:
    with pytest.raises(services.AuditStateError, match="lists 3 controls"):
        services.audit_controls_save(audit_row=audit_row, checks=lines("working"), user=pat)


def test_only_the_performance_team_records_a_checklist(
    audit_row: DataQualityAudit, dora: User, hannah: User
) -> None:
    for user in (dora, hannah):
        with pytest.raises(PermissionDenied):
            services.audit_controls_save(
                audit_row=audit_row, checks=lines("working", "working", ""), user=user
            )


def test_a_measure_without_a_procedure_has_nothing_to_check(waste: Service, pat: User) -> None:
    row = DataQualityAudit.objects.create(
        measure=MeasureFactory(code="WST-02", service=waste), month="2026-11"
    )
    with pytest.raises(services.AuditStateError, match="no data-quality procedure"):
        services.audit_controls_save(audit_row=row, checks=[], user=pat)
    page = client_for(pat).get(reverse("dq_audit_controls", args=[row.pk]))
    assert "nothing to check yet" in BeautifulSoup(page.content, "html.parser").get_text()


def test_the_page_records_a_failing_control_and_the_audit_shows_it(
    audit_row: DataQualityAudit, pat: User
) -> None:
    client = client_for(pat)
    url = reverse("dq_audit_controls", args=[audit_row.pk])
    form = BeautifulSoup(client.get(url).content, "html.parser")
    legends = [lg.get_text(" ", strip=True) for lg in form.select("fieldset > legend")]
    assert "Control 2: A second officer re-counts ten tickets" in legends
    data = {
        "c1-verdict": "working",
        "c1-evidence": "Reconciliation for October seen",
        "c2-verdict": "not_working",
        "c2-evidence": "Nobody re-counted since July",
        "c2-action_due": "",
        "c3-verdict": "untested",
    }
    refused = client.post(url, data)
    assert refused.status_code == 400
    text = BeautifulSoup(refused.content, "html.parser").get_text()
    assert "Control 2: Say when the action to fix the control is due" in text
    assert not Action.objects.exists()
    saved = client.post(url, data | {"c2-action_due": "2027-01-15"})
    assert saved.status_code == 302 and saved["Location"] == audit_row.get_absolute_url()
    raised = Action.objects.get()
    assert raised.due == date(2027, 1, 15)
    page = BeautifulSoup(client.get(saved["Location"]).content, "html.parser")
    table = page.find("table", attrs={"aria-labelledby": "controls-title"})
    rows = [
        [c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])]
        for tr in table.select("tbody tr")
    ]
    assert rows[1][:3] == ["2. A second officer re-counts ten tickets", "Yes", "✗ Not working"]
    assert raised.title in rows[1][4]
    assert rows[2][1:3] == ["No", "–"]


def test_officers_cannot_open_the_checklist(audit_row: DataQualityAudit, alice: User) -> None:
    url = reverse("dq_audit_controls", args=[audit_row.pk])
    assert client_for(alice).get(url).status_code == 403
    assert client_for(alice).post(url, {"c1-verdict": "working"}).status_code == 403


def test_the_api_records_the_checklist_and_reads_it_back(
    audit_row: DataQualityAudit, pat: User, bob: User
) -> None:
    client = APIClient()
    client.force_authenticate(pat)
    path = f"/api/v1/dq-audits/{audit_row.pk}/controls/"
    body = {
        "checks": [
            {"position": 1, "tested": True, "result": "working", "evidence": "Seen"},
            {"position": 2, "tested": True, "result": "not_working", "evidence": "Not done"},
            {"position": 3, "tested": False},
        ]
    }
    refused = client.post(path, body, format="json")
    assert refused.status_code == 400
    assert refused.json() == {
        "checks": ["Control 2: Say when the action to fix the control is due"]
    }
    body["checks"][1]["action_due"] = "2027-01-31"
    saved = client.post(path, body, format="json")
    assert saved.status_code == 200
    raised = Action.objects.get()
    assert [c["actions"] for c in saved.json()] == [[], [raised.pk], []]
    other = APIClient()
    other.force_authenticate(bob)
    assert other.post(path, body, format="json").status_code == 403
    read = other.get(f"/api/v1/dq-audits/{audit_row.pk}/").json()
    assert [(c["position"], c["result"]) for c in read["control_checks"]] == [
        (1, "working"),
        (2, "not_working"),
        (3, ""),
    ]
