"""The performance register's deadlines for the notifications engine (`targets/notify/`):
values, improvement actions, data-quality procedures and audits, and plan sign-off.

Who is told, and who their manager is (escalations):

- values: the measure's updater, or every officer of its service when it has none; a value more
  than REMINDER_ESCALATE_AFTER_DAYS late goes to the head of service;
- improvement actions: the owner (the head of service when it has none); overdue by more than
  REMINDER_ESCALATE_AFTER_DAYS, to the head of the action's service;
- data-quality procedures: the measure's updater (the service's champion when it has none);
  overdue reviews are escalated to the performance team;
- data-quality audits: the auditor when assigned and when overdue; the performance team when
  overdue by more than REMINDER_ESCALATE_AFTER_DAYS;
- plan sign-off: the head of service when the window opens (1 March) and in its last week; the
  performance team for each plan of the running year not signed off by 31 March.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Q
from django.urls import reverse

from targets import periods
from targets.models import (
    Action,
    DataQualityAudit,
    DataQualityProcedure,
    Measure,
    Service,
    ServicePlan,
    ServiceRole,
    Value,
)
from targets.notify import people, rules
from targets.notify.kinds import Kind, Spec
from targets.periods import Period

# Periods that ended more than a year ago are the performance team's to chase, not a reminder's.
LOOKBACK_DAYS = 365
SIGN_OFF_CLOSING_DAYS = 7

VALUES, ACTIONS, QUALITY, PLANS = "Values", "Improvement actions", "Data quality", "Service plans"

KINDS = [
    Kind(
        "value_due_soon",
        "Values due soon",
        VALUES,
        "To the measure's updater (every officer of the service when it has none), from "
        "{soon} days before a value is due.",
    ),
    Kind("value_late", "Late values", VALUES, "To the updater, once a value is past its due date."),
    Kind(
        "value_escalated",
        "Late values escalated to you",
        VALUES,
        "To the head of service, when a value is more than {after} days late.",
        escalation=True,
    ),
    Kind(
        "action_due_soon",
        "Improvement actions due soon",
        ACTIONS,
        "To the action's owner (the head of service when it has none), from {soon} days before "
        "its due date.",
    ),
    Kind("action_overdue", "Overdue improvement actions", ACTIONS, "To the owner, once overdue."),
    Kind(
        "action_escalated",
        "Overdue actions escalated to you",
        ACTIONS,
        "To the head of service, when an action is more than {after} days overdue.",
        escalation=True,
    ),
    Kind(
        "procedure_review_due",
        "Procedures due for review",
        QUALITY,
        "To the measure's updater (the service's data-quality champion when it has none), "
        "from {lead} days before the yearly review is due.",
    ),
    Kind(
        "procedure_review_overdue",
        "Procedures overdue for review",
        QUALITY,
        "To the same people, once the review is overdue.",
    ),
    Kind(
        "procedure_escalated",
        "Overdue procedure reviews escalated",
        QUALITY,
        "To the performance team, when a review is more than {after} days overdue.",
        escalation=True,
    ),
    Kind(
        "audit_assigned",
        "Audits assigned to you",
        QUALITY,
        "To the auditor, when a data-quality audit is assigned to them.",
    ),
    Kind(
        "audit_overdue",
        "Overdue audits",
        QUALITY,
        "To the auditor, once the audit's month has ended and it is not done.",
    ),
    Kind(
        "audit_escalated",
        "Overdue audits escalated",
        QUALITY,
        "To the performance team, when an audit is more than {after} days past its month.",
        escalation=True,
    ),
    Kind(
        "plan_sign_off_open",
        "Plan sign-off open",
        PLANS,
        "To the head of service, from 1 March, while next year's plan is not signed off.",
    ),
    Kind(
        "plan_sign_off_closing",
        "Plan sign-off closing",
        PLANS,
        f"To the head of service, in the last {SIGN_OFF_CLOSING_DAYS} days of March.",
    ),
    Kind(
        "plan_sign_off_missed",
        "Plans not signed off",
        PLANS,
        "To the performance team, from 1 April, for each plan of the year not signed off.",
        escalation=True,
    ),
]


def collect(today: date) -> Iterator[Spec]:
    yield from values(today)
    yield from actions(today)
    yield from procedures(today)
    yield from audits(today)
    yield from plans(today)


def _windows() -> tuple[int, int]:
    return settings.REMINDER_DUE_SOON_DAYS, settings.REMINDER_ESCALATE_AFTER_DAYS


# --- values -------------------------------------------------------------------------------------


def values(today: date) -> Iterator[Spec]:
    """Values not submitted: due soon, late and escalated, in four queries."""
    soon, after = _windows()
    horizon = today + timedelta(days=soon)
    since = today - timedelta(days=LOOKBACK_DAYS)
    first, last = periods.financial_year_of(since), periods.financial_year_of(horizon)
    measures = (
        Measure.objects.filter(service__is_active=True, active_from__lte=last)
        .filter(Q(active_to__isnull=True) | Q(active_to__gte=first))
        .select_related("service", "updater")
        .order_by("code")
    )
    candidates = [
        (measure, period)
        for measure in measures
        for period in _periods(measure, since, horizon)
        if measure.active_from <= period.year
        and (measure.active_to is None or period.year <= measure.active_to)
    ]
    codes = {period.code for _, period in candidates}
    # order_by(): the default ordering would join the measure table for nothing.
    done = set(
        Value.objects.internal()
        .filter(period__in=codes)
        .order_by()
        .values_list("measure_id", "period")
    )
    officers = people.holders(ServiceRole.Role.UPDATER)
    heads = people.heads()
    for measure, period in candidates:
        if (measure.pk, period.code) in done:
            continue
        due = period.due_date(measure.due_days)
        owners = [measure.updater_id] if measure.updater_id else officers[measure.service_id]
        owner = str(measure.updater) if measure.updater else f"{measure.service.name} officers"
        key = f"measure:{measure.pk}:{period.code}"
        title = f"{measure.code} {measure.title}, {period.label}"
        entry = (
            reverse("value_edit", args=[measure.code]) + "?" + urlencode({"period": period.code})
        )
        for stage in rules.deadline_stages(today, due, soon=soon, escalate_after=after):
            if stage == rules.ESCALATED:
                head = heads.get(measure.service_id)
                if head is not None:
                    yield Spec(
                        head,
                        "value_escalated",
                        key,
                        title,
                        measure.get_absolute_url(),
                        f"{rules.due_text(today, due)}. Owner: {owner}",
                        due,
                    )
                continue
            kind = "value_due_soon" if stage == rules.DUE_SOON else "value_late"
            for user in owners:
                yield Spec(user, kind, key, title, entry, rules.due_text(today, due), due)


def _periods(measure: Measure, since: date, horizon: date) -> list[Period]:
    """The measure's periods that ended on or after `since` and are due by `horizon`."""
    found = []
    period = periods.period_containing(horizon, measure.period_frequency)
    while period.end >= since:
        if period.due_date(measure.due_days) <= horizon:
            found.append(period)
        period = period.previous()
    return found


# --- improvement actions ------------------------------------------------------------------------


def actions(today: date) -> Iterator[Spec]:
    soon, after = _windows()
    found = (
        Action.objects.open()
        .filter(due__isnull=False, due__lte=today + timedelta(days=soon))
        .filter(service__is_active=True)
        .select_related("service", "owner")
        .order_by("due", "pk")
    )
    heads = people.heads()
    for action in found:
        assert action.due is not None
        head = heads.get(action.service_id)
        owner = action.owner_id or head
        title = f"{action.title} ({action.service.name})"
        url = action.get_absolute_url()
        occasion = action.due.isoformat()  # a new due date is a new deadline
        for stage in rules.deadline_stages(today, action.due, soon=soon, escalate_after=after):
            text = rules.due_text(today, action.due)
            if stage == rules.ESCALATED:
                if head is not None and head != action.owner_id:
                    who = str(action.owner) if action.owner else "nobody"
                    yield Spec(
                        head, "action_escalated", f"action:{action.pk}", title, url,
                        f"{text}. Owner: {who}", action.due, occasion,
                    )  # fmt: skip
            elif owner is not None:
                kind = "action_due_soon" if stage == rules.DUE_SOON else "action_overdue"
                yield Spec(
                    owner, kind, f"action:{action.pk}", title, url, text, action.due, occasion
                )


# --- data quality -------------------------------------------------------------------------------


def procedures(today: date) -> Iterator[Spec]:
    lead, after = settings.NOTIFY_LEAD_DAYS, settings.REMINDER_ESCALATE_AFTER_DAYS
    found = (
        DataQualityProcedure.objects.filter(next_review_due__lte=today + timedelta(days=lead))
        .filter(measure__service__is_active=True)
        .select_related("measure", "measure__updater")
        .order_by("next_review_due", "measure__code")
    )
    champions = people.holders(ServiceRole.Role.DQ_CHAMPION)
    team = people.performance_team()
    for procedure in found:
        measure = procedure.measure
        due = procedure.next_review_due
        owners = [measure.updater_id] if measure.updater_id else champions[measure.service_id]
        key, occasion = f"dq_procedure:{procedure.pk}", due.isoformat()
        title = f"Data-quality procedure of {measure.code} {measure.title}"
        url = procedure.get_absolute_url()
        text = rules.due_text(today, due, "Review")
        for stage in rules.deadline_stages(today, due, soon=lead, escalate_after=after):
            if stage == rules.ESCALATED:
                who = str(measure.updater) if measure.updater else "the data-quality champion"
                for user in team:
                    yield Spec(
                        user, "procedure_escalated", key, title, url, f"{text}. Owner: {who}",
                        due, occasion,
                    )  # fmt: skip
                continue
            kind = "procedure_review_due" if stage == rules.DUE_SOON else "procedure_review_overdue"
            for user in owners:
                yield Spec(user, kind, key, title, url, text, due, occasion)


def audits(today: date) -> Iterator[Spec]:
    after = settings.REMINDER_ESCALATE_AFTER_DAYS
    found = (
        DataQualityAudit.objects.filter(status__in=DataQualityAudit.PENDING)
        .select_related("measure", "auditor")
        .order_by("month", "measure__code")
    )
    team = people.performance_team()
    for audit in found:
        month = audit.month_period
        key = f"dq_audit:{audit.pk}"
        title = f"Data-quality audit of {audit.measure.code} {audit.measure.title}, {month.label}"
        url = audit.get_absolute_url()
        text = rules.due_text(today, month.end, "Audit")
        if audit.auditor_id is not None:
            yield Spec(audit.auditor_id, "audit_assigned", key, title, url, text, month.end)
        if today <= month.end:
            continue
        auditors = [audit.auditor_id] if audit.auditor_id else team
        for user in auditors:
            yield Spec(user, "audit_overdue", key, title, url, text, month.end)
        if (today - month.end).days > after:
            who = str(audit.auditor) if audit.auditor else "no auditor"
            for user in team:
                if user != audit.auditor_id:
                    yield Spec(
                        user, "audit_escalated", key, title, url, f"{text}. Auditor: {who}",
                        month.end,
                    )  # fmt: skip


# --- plan sign-off ------------------------------------------------------------------------------


def plans(today: date) -> Iterator[Spec]:
    team: list[int] | None = None
    for year in rules.plan_years(today):
        stages = rules.sign_off_stages(today, year, closing=SIGN_OFF_CLOSING_DAYS)
        if not stages:
            continue
        window = rules.sign_off_window(year)
        signed = ServicePlan.objects.filter(year=year, status=ServicePlan.Status.SIGNED_OFF)
        services = (
            Service.objects.filter(is_active=True)
            .exclude(pk__in=signed.values("service_id"))
            .order_by("name")
        )
        label = periods.fy_label(year)
        for service in services:
            key = f"plan:{service.pk}:{year}"
            title = f"{service.name} improvement plan {label}"
            url = reverse("plan_detail", args=[service.code, year])
            if rules.MISSED in stages:
                team = people.performance_team() if team is None else team
                text = f"Not signed off by {rules.long_date(window.due)}"
                for user in team:
                    yield Spec(user, "plan_sign_off_missed", key, title, url, text, window.due)
                continue
            if service.head_id is None:
                continue
            text = rules.due_text(today, window.due, "Sign-off")
            for stage in stages:
                kind = "plan_sign_off_open" if stage == rules.OPENS else "plan_sign_off_closing"
                yield Spec(service.head_id, kind, key, title, url, text, window.due)
