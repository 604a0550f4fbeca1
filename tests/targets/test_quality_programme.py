"""The audit programme in the database: facts from audit history, proposals by the rule, the
monthly task and the command, idempotency, and the team's replacements and additions."""

from __future__ import annotations

from datetime import UTC, datetime
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from config.celery import app
from targets import periods
from targets.models import (
    DIMENSIONS,
    AuditResult,
    ChangeRecord,
    DataQualityAudit,
    Measure,
    Priority,
    Service,
    User,
)
from targets.quality.services import (
    ActionInput,
    AuditInput,
    AuditStateError,
    audit_add,
    audit_cancel,
    audit_facts,
    audit_record,
    audit_replace,
    audits_propose,
)
from targets.tasks import propose_audits_task
from tests.factories import MeasureFactory, ServiceFactory
from tests.targets.quality_data import done_audit
from tests.targets.test_quality_rules import EXPECTED, FAILS, WORKED

pytestmark = pytest.mark.django_db


def m(code: str) -> periods.Period:
    return periods.parse_period(code)


def proposed(month: str) -> list[str]:
    return [
        a.measure.code
        for a in DataQualityAudit.objects.filter(month=month)
        .in_programme()
        .select_related("measure")
        .order_by("pk")
    ]


@pytest.fixture
def council(waste: Service, housing: Service, priority: Priority) -> dict[str, Measure]:
    def make(code: str, service: Service, **kw: Any) -> Measure:
        return MeasureFactory(code=code, service=service, **kw)

    corporate = {"kind": Measure.Kind.CORPORATE, "priority": priority}
    return {
        "CP01": make("CP01", waste, **corporate),
        "CP02": make("CP02", housing, **corporate),
        "WST-01": make("WST-01", waste),
        "HOU-01": make("HOU-01", housing),
        "HOU-02": make("HOU-02", housing, kind=Measure.Kind.NATIONAL),
        "OLD-01": make("OLD-01", waste, active_from=2019, active_to=2024),
    }


def test_facts_come_from_completed_audits_only(council: dict[str, Measure]) -> None:
    done_audit(council["CP01"], "2025-06", result=AuditResult.FAIL)
    done_audit(council["CP01"], "2025-03")  # older: not the last one
    DataQualityAudit.objects.create(measure=council["CP02"], month="2026-04")  # proposed
    DataQualityAudit.objects.create(
        measure=council["HOU-01"], month="2026-04", status=DataQualityAudit.Status.CANCELLED
    )
    facts = {f.code: f for f in audit_facts(m("2026-05"))}
    assert facts["CP01"].last_audited == m("2025-06") and facts["CP01"].last_failed
    assert facts["CP02"].pending and facts["CP02"].last_audited is None
    assert facts["HOU-01"].last_audited is None and not facts["HOU-01"].pending
    assert not facts["OLD-01"].active
    assert facts["HOU-02"].is_corporate is False


def test_the_last_audit_is_when_it_was_done_not_the_month_it_was_planned_for(
    council: dict[str, Measure],
) -> None:
    late = done_audit(council["CP01"], "2025-02")
    late.completed_on = m("2025-05").start
    late.save()
    assert {f.code: f for f in audit_facts(m("2026-04"))}["CP01"].last_audited == m("2025-05")


def test_measures_of_an_inactive_service_are_left_out(council: dict[str, Measure]) -> None:
    closed = ServiceFactory(code="closed", is_active=False)
    MeasureFactory(code="AAA", service=closed, kind=Measure.Kind.SERVICE)
    assert "AAA" not in {f.code for f in audit_facts(m("2026-05"))}


def test_proposes_two_by_the_rule(council: dict[str, Measure]) -> None:
    done_audit(council["CP01"], "2025-01")
    made = audits_propose(month=m("2026-05"))
    assert [a.measure.code for a in made] == ["CP02", "HOU-01"]
    assert all(a.origin == "rule" and a.status == "proposed" for a in made)
    records = ChangeRecord.objects.filter(object_type="dq_audit", source="system")
    assert sorted(r.measure_code for r in records) == ["CP02", "HOU-01"]


def test_running_twice_in_a_month_proposes_nothing_new(council: dict[str, Measure]) -> None:
    assert len(audits_propose(month=m("2026-05"))) == 2
    assert audits_propose(month=m("2026-05")) == []
    assert DataQualityAudit.objects.filter(month="2026-05").count() == 2


def test_a_cancelled_proposal_is_not_proposed_again_by_the_task(
    council: dict[str, Measure], pat: User
) -> None:
    first, _ = audits_propose(month=m("2026-05"))
    audit_cancel(audit_row=first, reason="Measure being redefined", user=pat)
    assert audits_propose(month=m("2026-05")) == []
    assert proposed("2026-05") == ["CP02"]


def test_audits_added_by_hand_first_take_their_places(
    council: dict[str, Measure], pat: User
) -> None:
    audit_add(measure=council["HOU-02"], month=m("2026-05"), auditor=pat, note="", user=pat)
    made = audits_propose(month=m("2026-05"))
    assert [a.measure.code for a in made] == ["CP01"]
    assert proposed("2026-05") == ["HOU-02", "CP01"]


def test_a_measure_cannot_be_in_a_month_twice(council: dict[str, Measure], pat: User) -> None:
    audits_propose(month=m("2026-05"))
    with pytest.raises(AuditStateError, match="already in the programme"):
        audit_add(measure=council["CP01"], month=m("2026-05"), auditor=None, note="", user=pat)


def test_replace_cancels_and_proposes_the_next_by_rule(
    council: dict[str, Measure], pat: User
) -> None:
    first, second = audits_propose(month=m("2026-05"))
    new = audit_replace(audit_row=first, reason="Service restructure", user=pat)
    assert new is not None and new.measure.code == "HOU-01"
    first.refresh_from_db()
    assert first.status == "cancelled" and first.note == "Service restructure"
    assert proposed("2026-05") == ["CP02", "HOU-01"]
    # Replacing again skips every measure already in the month, cancelled or not.
    newer = audit_replace(audit_row=new, reason="Again", user=pat)
    assert newer is not None and newer.measure.code == "HOU-02"


def test_replace_with_nothing_left_only_cancels(waste: Service, pat: User) -> None:
    only = MeasureFactory(code="ONLY", service=waste)
    (audit_row,) = audits_propose(month=m("2026-05"))
    assert audit_row.measure == only
    assert audit_replace(audit_row=audit_row, reason="No", user=pat) is None
    assert proposed("2026-05") == []


def test_done_audits_cannot_be_cancelled_and_a_reason_is_needed(
    council: dict[str, Measure], pat: User
) -> None:
    done = done_audit(council["CP01"], "2026-05")
    with pytest.raises(AuditStateError, match="stays"):
        audit_cancel(audit_row=done, reason="Oops", user=pat)
    (pending, _) = audits_propose(month=m("2026-06"))
    with pytest.raises(AuditStateError, match="Say why"):
        audit_cancel(audit_row=pending, reason="  ", user=pat)


@pytest.mark.parametrize("who", ["alice", "dora", "hannah", "carol"])
def test_only_the_performance_team_changes_the_programme(
    council: dict[str, Measure], who: str, request: pytest.FixtureRequest
) -> None:
    from django.core.exceptions import PermissionDenied

    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        audits_propose(month=m("2026-05"), user=user)
    with pytest.raises(PermissionDenied):
        audit_add(measure=council["CP01"], month=m("2026-05"), auditor=None, note="", user=user)


def test_the_worked_year_in_the_database(waste: Service, priority: Priority, pat: User) -> None:
    """The pure rule's worked year, run through the service and recorded audit by audit."""
    measures = {}
    for r in WORKED:
        kind = {"kind": Measure.Kind.CORPORATE, "priority": priority} if r.corporate else {}
        measures[r.code] = MeasureFactory(
            code=r.code, service=waste, active_from=r.active_from, active_to=r.active_to, **kind
        )
        if r.last:
            done_audit(measures[r.code], r.last, result="fail" if r.failed else "pass")
    got = {}
    for month in EXPECTED:
        made = audits_propose(month=m(month))
        got[month] = [a.measure.code for a in made]
        for row in made:
            result = "fail" if (row.measure.code, month) in FAILS else "pass"
            audit_record(
                audit_row=row,
                data=AuditInput(
                    auditor=pat,
                    sample_from=m(month).previous(),
                    sample_to=m(month).previous(),
                    results={name: result for name, _, _ in DIMENSIONS},
                    findings="",
                    completed_on=m(month).start.replace(day=20),
                ),
                actions=[],
                user=pat,
            )
    assert got == EXPECTED


def test_recording_scores_and_links_actions(council: dict[str, Measure], pat: User) -> None:
    row = audit_add(measure=council["WST-01"], month=m("2026-05"), auditor=None, note="", user=pat)
    results = {name: "pass" for name, _, _ in DIMENSIONS} | {"completeness": "fail"}
    saved = audit_record(
        audit_row=row,
        data=AuditInput(
            auditor=pat,
            sample_from=m("2026-01"),
            sample_to=m("2026-03"),
            results=results,
            findings="Missing rounds in February.",
            completed_on=m("2026-05").start,
        ),
        actions=[ActionInput("Reconcile rounds weekly", pat, m("2026-07").end)],
        user=pat,
    )
    assert (saved.status, saved.result, saved.sample_label) == (
        "done",
        "fail",
        "Jan 2026 to Mar 2026",
    )
    (linked,) = saved.actions.all()
    assert (linked.source, linked.service, linked.owner) == (
        "data_quality",
        council["WST-01"].service,
        pat,
    )


def test_in_progress_may_leave_dimensions_unscored_but_done_may_not(
    council: dict[str, Measure], pat: User
) -> None:
    row = audit_add(measure=council["WST-01"], month=m("2026-05"), auditor=None, note="", user=pat)
    data = AuditInput(
        auditor=pat,
        sample_from=m("2026-01"),
        sample_to=m("2026-01"),
        results={"accuracy": "concern"},
        findings="",
        completed_on=None,
    )
    saved = audit_record(audit_row=row, data=data, actions=[], user=pat)
    assert (saved.status, saved.result) == ("in_progress", "")
    with pytest.raises(AuditStateError, match="all six"):
        audit_record(
            audit_row=row,
            data=AuditInput(**{**data.__dict__, "completed_on": m("2026-05").start}),
            actions=[],
            user=pat,
        )


def test_the_command_proposes_for_a_month_and_then_nothing(council: dict[str, Measure]) -> None:
    out = StringIO()
    call_command("propose_audits", "--month", "2026-05", stdout=out)
    assert "Proposed for May 2026:" in out.getvalue()
    assert "CP01" in out.getvalue() and "CP02" in out.getvalue()
    out = StringIO()
    call_command("propose_audits", "--month", "2026-05", stdout=out)
    assert "Nothing new proposed for May 2026." in out.getvalue()


@pytest.mark.parametrize("bad", ["2026-13", "2026/27-Q1", "May"])
def test_the_command_refuses_what_is_not_a_month(bad: str) -> None:
    with pytest.raises(CommandError, match="not a month"):
        call_command("propose_audits", "--month", bad)


def test_the_monthly_task_proposes_this_months_audits_once(
    council: dict[str, Measure], time_machine: Any
) -> None:
    time_machine.move_to(datetime(2026, 6, 1, 5, 30, tzinfo=UTC), tick=False)
    assert propose_audits_task.delay().get() == ["CP01", "CP02"]
    assert propose_audits_task.delay().get() == []
    assert proposed("2026-06") == ["CP01", "CP02"]


def test_the_task_is_in_the_beat_schedule() -> None:
    entry = app.conf.beat_schedule["propose-data-quality-audits"]
    assert entry["task"] == "targets.tasks.propose_audits_task"
    assert entry["schedule"].day_of_month == {1}
