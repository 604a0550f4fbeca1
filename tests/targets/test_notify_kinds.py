"""Each app's deadlines, as its `notices` module finds them, and the engine around them: who is
told, who their manager is, when; preferences; a source that breaks."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from feedback import notices as feedback_notices
from feedback.models import Arrangement, Round
from fsr import notices as fsr_notices
from fsr.models import Milestone, Review
from reporting import notices as reporting_notices
from reporting.models import ReportRun, ReportSchedule, RunStatus
from targets import notices as target_notices
from targets.models import (
    Action,
    CorporateRole,
    DataQualityAudit,
    DataQualityProcedure,
    Notice,
    NotificationPreference,
    Service,
    ServicePlan,
    User,
)
from targets.notify import kinds as registry
from targets.notify.engine import notices_raise, notifications_run
from targets.notify.kinds import Spec
from tests.factories import MeasureFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _windows(settings: Any) -> None:
    settings.REMINDER_DUE_SOON_DAYS = 5
    settings.REMINDER_ESCALATE_AFTER_DAYS = 10
    settings.NOTIFY_LEAD_DAYS = 30


def told(specs: Any) -> set[tuple[str, str]]:
    """(kind, recipient's username)."""
    found = list(specs)
    names = dict(User.objects.values_list("pk", "username"))
    return {(spec.kind, names[spec.recipient_id]) for spec in found}


def test_every_app_declares_its_kinds_and_codes_are_unique() -> None:
    labels = [label for label, _ in registry.sources()]
    codes = [kind.code for kind in registry.all_kinds()]

    assert labels == ["targets", "feedback", "fsr", "reporting"]
    assert len(codes) == len(set(codes))
    assert all(len(code) <= 40 for code in codes)
    assert {area for area, _ in registry.areas()} == {
        "Values", "Improvement actions", "Data quality", "Service plans", "Customer feedback",
        "Service reviews", "Report packs",
    }  # fmt: skip


def test_kind_descriptions_give_this_installations_days(settings: Any) -> None:
    settings.REMINDER_DUE_SOON_DAYS = 7
    by_code = registry.kinds_by_code()

    assert "from 7 days before a value is due" in by_code["value_due_soon"].text
    assert "more than 10 days late" in by_code["value_escalated"].text


# --- improvement actions ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 11, 14), set()),
        (date(2026, 11, 15), {("action_due_soon", "alice")}),
        (date(2026, 11, 21), {("action_overdue", "alice")}),
        (date(2026, 11, 30), {("action_overdue", "alice")}),
        (date(2026, 12, 1), {("action_overdue", "alice"), ("action_escalated", "hannah")}),
    ],
)
def test_actions_go_to_their_owner_and_escalate_to_the_head(
    alice: User, hannah: User, waste: Service, today: date, expected: set[tuple[str, str]]
) -> None:
    Action.objects.create(service=waste, title="Food waste", owner=alice, due=date(2026, 11, 20))

    assert told(target_notices.actions(today)) == expected


def test_an_action_without_owner_goes_to_the_head_and_done_ones_to_nobody(
    hannah: User, waste: Service
) -> None:
    Action.objects.create(service=waste, title="Nobody's", due=date(2026, 11, 1))
    Action.objects.create(
        service=waste, title="Done", due=date(2026, 11, 1), status=Action.Status.DONE
    )

    assert told(target_notices.actions(date(2026, 11, 5))) == {("action_overdue", "hannah")}


def test_a_new_due_date_is_a_new_deadline(alice: User, waste: Service) -> None:
    action = Action.objects.create(service=waste, title="A", owner=alice, due=date(2026, 11, 1))
    (first,) = target_notices.actions(date(2026, 11, 5))
    action.due = date(2026, 11, 3)
    action.save()
    (second,) = target_notices.actions(date(2026, 11, 5))

    assert first.key != second.key


# --- data quality -----------------------------------------------------------------------------


def test_procedure_reviews_go_to_the_updater_or_the_champion_and_escalate_to_the_team(
    alice: User, dora: User, pat: User, waste: Service
) -> None:
    for code, updater in (("WR01", alice), ("WR02", None)):
        DataQualityProcedure.objects.create(
            measure=MeasureFactory(code=code, service=waste, updater=updater),
            collection="x", calculation="y", source_system="z", controls="c",
            last_reviewed=date(2025, 11, 25), next_review_due=date(2026, 11, 25),
        )  # fmt: skip

    assert told(target_notices.procedures(date(2026, 10, 25))) == set()  # 31 days ahead
    assert told(target_notices.procedures(date(2026, 10, 26))) == {
        ("procedure_review_due", "alice"),
        ("procedure_review_due", "dora"),
    }
    assert told(target_notices.procedures(date(2026, 12, 6))) == {
        ("procedure_review_overdue", "alice"),
        ("procedure_review_overdue", "dora"),
        ("procedure_escalated", "pat"),
    }


def test_audits_go_to_the_auditor_and_escalate_to_the_rest_of_the_team(
    pat: User, waste: Service
) -> None:
    auditor = UserFactory(username="ivan", corporate_role=CorporateRole.PERFORMANCE)
    DataQualityAudit.objects.create(
        measure=MeasureFactory(service=waste), month="2026-11", auditor=auditor
    )

    assert told(target_notices.audits(date(2026, 11, 2))) == {("audit_assigned", "ivan")}
    assert told(target_notices.audits(date(2026, 12, 1))) == {
        ("audit_assigned", "ivan"),
        ("audit_overdue", "ivan"),
    }
    assert ("audit_escalated", "pat") in told(target_notices.audits(date(2026, 12, 11)))
    assert ("audit_escalated", "ivan") not in told(target_notices.audits(date(2026, 12, 11)))


# --- plan sign-off ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2027, 2, 28), set()),
        (date(2027, 3, 1), {("plan_sign_off_open", "hannah")}),
        (
            date(2027, 3, 25),
            {("plan_sign_off_open", "hannah"), ("plan_sign_off_closing", "hannah")},
        ),
        (date(2027, 4, 1), {("plan_sign_off_missed", "pat")}),
    ],
)
def test_plan_sign_off_window(
    hannah: User, pat: User, waste: Service, today: date, expected: set[tuple[str, str]]
) -> None:
    ServicePlan.objects.create(service=waste, year=2026, status=ServicePlan.Status.SIGNED_OFF)

    assert told(target_notices.plans(today)) == expected


def test_a_signed_off_plan_raises_nothing(hannah: User, pat: User, waste: Service) -> None:
    ServicePlan.objects.create(service=waste, year=2027, status=ServicePlan.Status.SIGNED_OFF)
    ServicePlan.objects.create(service=waste, year=2026, status=ServicePlan.Status.SIGNED_OFF)

    assert told(target_notices.plans(date(2027, 3, 28))) == set()


# --- customer feedback ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("last", "lapses"),
    [
        (date(2026, 5, 10), date(2026, 11, 11)),
        (date(2026, 8, 31), date(2027, 3, 1)),  # 31 Aug less 6 months is 28 Feb
        (date(2024, 8, 31), date(2025, 3, 1)),
        (date(2023, 8, 31), date(2024, 3, 1)),  # 29 Feb in a leap year
    ],
)
def test_feedback_lapses_the_day_it_stops_counting(last: date, lapses: date) -> None:
    from feedback import rules

    assert feedback_notices.lapses_on(last, 6) == lapses
    assert rules.months_before(lapses, 6) > last  # no longer counts on the day
    assert rules.months_before(lapses - timedelta(days=1), 6) <= last  # still did the day before


def _feedback(service: Service, ended: date, kind: str = Arrangement.Kind.CUSTOMER_SURVEY) -> None:
    arrangement = Arrangement.objects.create(
        service=service, kind=kind, title="Survey", frequency=Arrangement.Frequency.ANNUAL
    )
    Round.objects.create(
        arrangement=arrangement, started=ended, ended=ended, percent_satisfied=Decimal("80")
    )


def test_feedback_lapsing_then_lapsed_then_escalated(
    hannah: User, pat: User, waste: Service
) -> None:
    _feedback(waste, date(2026, 5, 10))  # lapses 11 Nov

    assert told(feedback_notices.collect(date(2026, 10, 10))) == set()
    assert told(feedback_notices.collect(date(2026, 10, 11))) == {("feedback_lapsing", "hannah")}
    assert told(feedback_notices.collect(date(2026, 11, 11))) == {("feedback_lapsed", "hannah")}
    assert told(feedback_notices.collect(date(2026, 11, 22))) == {
        ("feedback_lapsed", "hannah"),
        ("feedback_escalated", "pat"),
    }


def test_a_support_service_is_told_of_its_yearly_internal_survey(
    hannah: User, waste: Service
) -> None:
    Service.objects.filter(pk=waste.pk).update(is_support=True)
    _feedback(waste, date(2026, 10, 1))
    _feedback(waste, date(2025, 12, 1), kind=Arrangement.Kind.INTERNAL_SURVEY)

    specs = list(feedback_notices.collect(date(2026, 11, 15)))

    assert [(s.kind, s.title) for s in specs] == [
        ("feedback_lapsing", "Internal satisfaction survey of Waste and Recycling")
    ]


# --- service reviews --------------------------------------------------------------------------


def _review(sponsor: User | None, manager: User | None, service: Service, **fields: Any) -> Review:
    return Review.objects.create(
        service=service, title="Review", scope="All", sponsor=sponsor, project_manager=manager,
        start=date(2026, 2, 20), planned_end=date(2026, 11, 20), **fields,
    )  # fmt: skip


def test_a_review_reaching_nine_months_goes_to_its_manager_then_its_sponsor(
    hannah: User, carol: User, waste: Service
) -> None:
    _review(carol, hannah, waste, status=Review.Status.IN_PROGRESS)

    assert told(fsr_notices.reviews(date(2026, 10, 20))) == set()
    assert told(fsr_notices.reviews(date(2026, 10, 21))) == {("review_nine_months", "hannah")}
    assert told(fsr_notices.reviews(date(2026, 11, 21))) == {
        ("review_overrun", "hannah"),
        ("review_escalated", "carol"),
    }


def test_a_review_that_reported_is_not_chased(hannah: User, carol: User, waste: Service) -> None:
    _review(carol, hannah, waste, status=Review.Status.AGREED, ended_on=date(2026, 10, 1))

    assert told(fsr_notices.reviews(date(2026, 12, 1))) == set()


def test_missed_milestones_escalate_to_the_manager_or_the_sponsor(
    alice: User, hannah: User, carol: User, waste: Service
) -> None:
    review = _review(carol, hannah, waste, status=Review.Status.IN_PROGRESS)
    Milestone.objects.create(review=review, title="Alice's", owner=alice, due=date(2026, 11, 4))
    Milestone.objects.create(review=review, title="Hannah's", owner=hannah, due=date(2026, 11, 4))
    Milestone.objects.create(
        review=review, title="Done", owner=alice, due=date(2026, 11, 4), done_on=date(2026, 11, 4)
    )

    assert told(fsr_notices.milestones(date(2026, 11, 5))) == {
        ("milestone_missed", "alice"),
        ("milestone_missed", "hannah"),
    }
    assert told(fsr_notices.milestones(date(2026, 11, 15))) == {
        ("milestone_missed", "alice"),
        ("milestone_missed", "hannah"),
        ("milestone_escalated", "hannah"),  # alice's, to the manager
        ("milestone_escalated", "carol"),  # the manager's own, to the sponsor
    }


# --- report packs -----------------------------------------------------------------------------


def _run(code: str, *, internal: bool, finished: date) -> ReportRun:
    schedule = ReportSchedule.objects.get(code=code)
    period = {"bimonthly": "2026/27-B3", "quarterly": "2026/27-Q2", "monthly": "2026-09"}
    return ReportRun.objects.create(
        schedule=schedule, period=period[schedule.frequency], status=RunStatus.DONE,
        internal=internal, summary_text="38 of 46 (83%) on target",
        finished_at=timezone.make_aware(datetime.combine(finished, time(6))),
    )  # fmt: skip


def test_a_pack_goes_to_its_audience_only(
    alice: User, carol: User, sam: User, pat: User, waste: Service
) -> None:
    _run("cmt-bimonthly", internal=True, finished=date(2026, 11, 12))
    _run("scrutiny-quarterly", internal=False, finished=date(2026, 11, 12))

    found = list(reporting_notices.collect(date(2026, 11, 12)))

    assert told(found) == {("pack_published", "carol"), ("pack_published", "sam")}
    assert {s.detail for s in found} == {"Made 12 Nov 2026: 38 of 46 (83%) on target"}


def test_a_pack_to_all_members_never_shows_unpublished_values_to_those_who_see_published_only(
    alice: User, carol: User, sam: User, waste: Service
) -> None:
    ReportSchedule.objects.filter(code="cmt-bimonthly").update(all_members_may_download=True)
    _run("cmt-bimonthly", internal=True, finished=date(2026, 11, 12))

    assert told(reporting_notices.collect(date(2026, 11, 12))) == {
        ("pack_published", "alice"),
        ("pack_published", "carol"),
    }


def test_a_pack_notice_stands_for_a_week(carol: User) -> None:
    _run("cmt-bimonthly", internal=True, finished=date(2026, 11, 12))

    assert told(reporting_notices.collect(date(2026, 11, 19)))
    assert not told(reporting_notices.collect(date(2026, 11, 20)))


# --- the engine around them -------------------------------------------------------------------


def test_a_kind_switched_off_is_listed_but_never_e_mailed(
    alice: User, waste: Service, mailoutbox: list[Any]
) -> None:
    alice.email = "alice@oxford.example"
    alice.save()
    NotificationPreference.objects.create(user=alice, kind="action_overdue", delivery="off")
    Action.objects.create(service=waste, title="Food waste", owner=alice, due=date(2026, 11, 1))

    with _day(date(2026, 11, 5)):
        summary = notifications_run()

    assert summary.sent == 0 and mailoutbox == []
    assert Notice.objects.current().get(recipient=alice).muted


def test_a_kind_switched_off_after_it_was_raised_is_not_e_mailed_either(
    alice: User, waste: Service, mailoutbox: list[Any]
) -> None:
    alice.email = "alice@oxford.example"
    alice.save()
    Action.objects.create(service=waste, title="Food waste", owner=alice, due=date(2026, 11, 1))
    notices_raise(today=date(2026, 11, 5))
    NotificationPreference.objects.create(user=alice, kind="action_overdue", delivery="off")

    with _day(date(2026, 11, 5)):
        assert notifications_run().sent == 0


def test_a_source_that_breaks_resolves_nothing_and_the_others_go_on(
    alice: User, waste: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    Action.objects.create(service=waste, title="Food waste", owner=alice, due=date(2026, 11, 1))
    notices_raise(today=date(2026, 11, 5))

    def broken(today: date) -> list[Spec]:
        raise RuntimeError("a query broke")

    monkeypatch.setattr(target_notices, "collect", broken)
    summary = notices_raise(today=date(2026, 11, 6))

    assert summary.sources_failed == ["targets"]
    assert summary.resolved == 0
    assert Notice.objects.current().filter(kind="action_overdue").exists()


def test_a_notice_that_stands_again_is_listed_again_but_not_mailed_again(
    alice: User, waste: Service
) -> None:
    action = Action.objects.create(service=waste, title="A", owner=alice, due=date(2026, 11, 1))
    notices_raise(today=date(2026, 11, 5))
    Action.objects.filter(pk=action.pk).update(status=Action.Status.DONE)
    assert notices_raise(today=date(2026, 11, 6)).resolved == 1
    Action.objects.filter(pk=action.pk).update(status=Action.Status.IN_PROGRESS)

    summary = notices_raise(today=date(2026, 11, 7))

    assert summary.raised == 0
    assert Notice.objects.current().filter(recipient=alice).count() == 1


def _day(day: date) -> Any:
    import time_machine

    return time_machine.travel(timezone.make_aware(datetime.combine(day, time(7))), tick=False)
