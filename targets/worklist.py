"""What a person has to do: values due, late, returned, in draft, to approve, to publish."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date

from django.db.models import Q, QuerySet

from targets import periods, permissions
from targets.models import (
    INTERNAL_STATUSES,
    ChangeRecord,
    Measure,
    ServiceRole,
    User,
    Value,
    ValueStatus,
)
from targets.periods import Period

LOOK_BACK_MONTHS = 12  # late values older than a year are the performance team's to chase


@dataclass(frozen=True)
class WorkItem:
    measure: Measure
    period: Period
    value: Value | None
    returned_by: User | None = None  # for a returned value: who returned it

    @property
    def due_date(self) -> date:
        return self.period.due_date(self.measure.due_days)


@dataclass
class WorkList:
    due: list[WorkItem] = field(default_factory=list)
    late: list[WorkItem] = field(default_factory=list)
    returned: list[WorkItem] = field(default_factory=list)  # returned to this person
    sent_back: list[WorkItem] = field(default_factory=list)  # returned to someone else
    drafts: list[WorkItem] = field(default_factory=list)
    submitted: list[WorkItem] = field(default_factory=list)  # waiting for someone else's approval
    to_approve: list[Value] = field(default_factory=list)
    to_publish: list[tuple[Period, int]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not any(
            [
                self.due,
                self.late,
                self.returned,
                self.sent_back,
                self.drafts,
                self.to_approve,
                self.to_publish,
            ]
        )


def _recent_periods(measure: Measure, today: date) -> list[Period]:
    latest = periods.latest_complete_period(today, measure.period_frequency)
    count = {"monthly": 12, "quarterly": 4, "annual": 1}[measure.frequency]
    return [p for p in periods.last_n(latest, count) if p.year >= measure.active_from]


def approvable_values(user: User) -> QuerySet[Value]:
    """Submitted values the user may approve: never their own."""
    submitted = Value.objects.filter(status=ValueStatus.SUBMITTED)
    if not permissions.is_performance_team(user):
        services = [
            sid
            for sid, roles in permissions.service_roles(user).items()
            if ServiceRole.Role.APPROVER in roles
        ]
        submitted = submitted.filter(
            Q(measure__service_id__in=services) | Q(measure__approver=user)
        )
    return (
        submitted.exclude(entered_by=user)
        .exclude(submitted_by=user)
        .select_related("measure", "measure__service", "entered_by", "submitted_by")
        .order_by("period", "measure__code")
    )


def worklist(user: User, today: date) -> WorkList:
    work = WorkList()
    measures = list(
        permissions.editable_measures(user)
        .active_in(periods.financial_year_of(today) - 1)
        .select_related("service")
        .order_by("service__name", "code")
    )
    if not permissions.is_performance_team(user):
        wanted = {m.pk: _recent_periods(m, today) for m in measures}
        codes = {p.code for ps in wanted.values() for p in ps}
        values = {
            (v.measure_id, v.period): v
            for v in Value.objects.filter(measure__in=measures, period__in=codes).select_related(
                "entered_by", "submitted_by"
            )
        }
        for measure in measures:
            for period in wanted[measure.pk]:
                _sort(work, WorkItem(measure, period, values.get((measure.pk, period.code))), today)
    else:
        # The performance team's list is the council's: drafts and returns everywhere.
        for value in Value.objects.filter(status=ValueStatus.DRAFT).select_related(
            "measure", "measure__service", "entered_by", "submitted_by"
        ):
            _sort(work, WorkItem(value.measure, value.period_obj, value), today)
        counts = Counter(
            Value.objects.filter(status=ValueStatus.APPROVED).values_list("period", flat=True)
        )
        work.to_publish = sorted(
            ((periods.parse_period(code), n) for code, n in counts.items()),
            key=lambda pair: (pair[0].end, pair[0].code),
        )
    work.to_approve = list(approvable_values(user))
    # A value waiting for this person's approval is theirs to approve, not theirs waiting.
    waiting = {value.pk for value in work.to_approve}
    work.submitted = [i for i in work.submitted if i.value and i.value.pk not in waiting]
    # What was returned to this person, and what they (or another approver) returned to the
    # officer who entered it: said apart, naming who returned it (one query).
    for item in list(work.returned):
        if not _is_theirs(item, user):
            work.returned.remove(item)
            work.sent_back.append(item)
    returners = _returners([i.value for i in work.returned + work.sent_back if i.value])
    for bucket in (work.returned, work.sent_back):
        bucket[:] = [
            replace(i, returned_by=returners.get(i.value.pk if i.value else 0)) for i in bucket
        ]
    for bucket in (work.due, work.late, work.returned, work.sent_back, work.drafts, work.submitted):
        bucket.sort(key=lambda item: (item.due_date, item.measure.code))
    return work


def _is_theirs(item: WorkItem, user: User) -> bool:
    """A returned value goes back to whoever submitted it (else entered it, else the measure's
    updater)."""
    value = item.value
    assert value is not None
    officer = value.submitted_by_id or value.entered_by_id or item.measure.updater_id
    return officer is None or officer == user.pk


def _returners(values: list[Value]) -> dict[int, User | None]:
    """Who last returned each of these values, from the audit trail (one query)."""
    if not values:
        return {}
    records = (
        ChangeRecord.objects.filter(
            object_type="value",
            object_id__in=[v.pk for v in values],
            action=ChangeRecord.Action.RETURN,
        )
        .select_related("user")
        .order_by("object_id", "-at", "-pk")
    )
    found: dict[int, User | None] = {}
    for record in records:
        if record.object_id is not None:
            found.setdefault(record.object_id, record.user)
    return found


def _sort(work: WorkList, item: WorkItem, today: date) -> None:
    value = item.value
    if value is not None and value.status in INTERNAL_STATUSES:
        if value.status == ValueStatus.SUBMITTED:
            work.submitted.append(item)
        return
    if value is not None and value.return_reason:
        work.returned.append(item)
    elif value is not None:
        work.drafts.append(item)
    if item.period.is_late(item.measure.due_days, today):
        work.late.append(item)
    elif value is None:
        work.due.append(item)
