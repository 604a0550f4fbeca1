"""Reminders: e-mail each updater what is due soon and what is late, and escalate values late for
too long to the head of service.

Run daily by Celery beat (`targets.tasks.send_reminders_task`) or by hand (`manage.py
send_reminders`). Safe to run as often as you like: a `Reminder` row per measure, period and kind
records what was sent, and nothing is sent twice.

The rules, with N = REMINDER_DUE_SOON_DAYS and M = REMINDER_ESCALATE_AFTER_DAYS:

- Only periods that ended in the last LOOKBACK_DAYS are looked at, so the first run on an old
  database reminds people about the past year, not the whole history. Measures count in the
  financial years they are active; measures of inactive services are left out.
- A value is outstanding until one at least submitted exists: a draft is still outstanding.
- Due soon: today <= due date <= today + N (due today is due soon, not late). Late: today > due
  date. Escalated: late by more than M days (exactly M days late is not escalated, M + 1 is).
- Due soon and late go to the measure's updater; a measure without one goes to every officer
  (updater role) of its service. Escalations go to the head of the measure's service.
- Inactive people and people without an e-mail address are skipped and logged. Only what was sent
  is recorded, so a skipped item goes out once someone can receive it.
- One reminder e-mail per person per run listing all their items, and one escalation e-mail per
  head listing the late measures of their services with who owns them.
"""

from __future__ import annotations

import logging
import operator
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from functools import reduce
from itertools import groupby

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from targets import periods
from targets.models import Measure, Reminder, ServiceRole, User, Value
from targets.periods import Period

logger = logging.getLogger(__name__)

LOOKBACK_DAYS = 365
Kind = Reminder.Kind
Key = tuple[int, str, str]  # (measure id, period code, kind): what the unique constraint guards


@dataclass(frozen=True)
class Item:
    """One outstanding value to remind someone about."""

    measure: Measure
    period: Period
    kind: str
    due_date: date
    days: int  # days until the due date (due soon) or days since it (late, escalation)

    @property
    def key(self) -> Key:
        return (self.measure.pk, self.period.code, self.kind)

    @property
    def url(self) -> str:
        return settings.SITE_URL.rstrip("/") + self.measure.get_absolute_url()

    @property
    def owner(self) -> str:
        updater = self.measure.updater
        return str(updater) if updater else f"{self.measure.service.name} officers (no updater)"


@dataclass
class ReminderSummary:
    """What one run did. Items are counted once, however many people an item was sent to."""

    due_soon: int = 0
    late: int = 0
    escalation: int = 0
    emails: int = 0
    skipped: int = 0  # items nobody could be sent: no active recipient with an e-mail address
    failed: int = 0  # e-mails the backend refused; their items are left for the next run

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def send_reminders(*, today: date | None = None) -> ReminderSummary:
    """Send what is due soon, late and to escalate that has not been sent before."""
    today = today or timezone.localdate()
    items = outstanding_items(today)
    summary = ReminderSummary()
    reminders, escalations = _by_recipient(items, summary)
    stamp = timezone.now()
    claimed: set[Key] = set()
    for user, user_items in reminders:
        _deliver(user, user_items, escalation=False, stamp=stamp, claimed=claimed, summary=summary)
    for user, user_items in escalations:
        _deliver(user, user_items, escalation=True, stamp=stamp, claimed=claimed, summary=summary)
    return summary


def outstanding_items(today: date) -> list[Item]:
    """Items not yet reminded, in three queries whatever the number of measures."""
    horizon = today + timedelta(days=settings.REMINDER_DUE_SOON_DAYS)
    since = today - timedelta(days=LOOKBACK_DAYS)
    years = range(periods.financial_year_of(since), periods.financial_year_of(horizon) + 1)
    measures = (
        reduce(operator.or_, (Measure.objects.active_in(year) for year in years))
        .filter(service__is_active=True)
        .select_related("service", "service__head", "updater")
        .order_by("code")
    )
    candidates = [
        (measure, period)
        for measure in measures
        for period in _periods(measure, since, horizon)
        if _active_in(measure, period.year)
    ]
    codes = {period.code for _, period in candidates}
    # order_by(): the models' default orderings would join the measure table for nothing.
    values = Value.objects.internal().filter(period__in=codes).order_by()
    done = set(values.values_list("measure_id", "period"))
    reminders = Reminder.objects.filter(period__in=codes).order_by()
    sent = set(reminders.values_list("measure_id", "period", "kind"))

    items = []
    for measure, period in candidates:
        if (measure.pk, period.code) in done:
            continue
        due = period.due_date(measure.due_days)
        if today <= due:
            kinds = [(Kind.DUE_SOON, (due - today).days)]
        else:
            late_by = (today - due).days
            kinds = [(Kind.LATE, late_by)]
            if late_by > settings.REMINDER_ESCALATE_AFTER_DAYS:
                kinds.append((Kind.ESCALATION, late_by))
        items += [
            Item(measure, period, kind, due, days)
            for kind, days in kinds
            if (measure.pk, period.code, kind) not in sent
        ]
    return items


def _periods(measure: Measure, since: date, horizon: date) -> list[Period]:
    """The measure's periods that ended on or after `since` and are due by `horizon`."""
    found = []
    period = periods.period_containing(horizon, measure.period_frequency)
    while period.end >= since:
        if period.due_date(measure.due_days) <= horizon:
            found.append(period)
        period = period.previous()
    return found


def _active_in(measure: Measure, year: int) -> bool:
    return measure.active_from <= year and (measure.active_to is None or year <= measure.active_to)


Batch = list[tuple[User, list[Item]]]


def _by_recipient(items: list[Item], summary: ReminderSummary) -> tuple[Batch, Batch]:
    """Reminder and escalation items by recipient, ordered by username."""
    officers = _officers(items)
    reminders: dict[int, list[Item]] = defaultdict(list)
    escalations: dict[int, list[Item]] = defaultdict(list)
    people: dict[int, User] = {}
    unreachable: set[User] = set()
    for item in items:
        if item.kind == Kind.ESCALATION:
            head = item.measure.service.head
            audience, inbox = ([head] if head else []), escalations
        elif item.measure.updater:
            audience, inbox = [item.measure.updater], reminders
        else:
            audience, inbox = officers[item.measure.service_id], reminders
        reachable = [user for user in audience if user.is_active and user.email]
        for user in set(audience) - set(reachable) - unreachable:
            unreachable.add(user)
            logger.warning("Reminders skipped for %s: inactive or no e-mail address", user)
        if not reachable:
            summary.skipped += 1
            logger.warning("No one to send %s to: %s %s", item.kind, item.measure, item.period)
        for user in reachable:
            people[user.pk] = user
            inbox[user.pk].append(item)

    def ordered(inbox: dict[int, list[Item]]) -> Batch:
        return sorted(
            ((people[pk], found) for pk, found in inbox.items()), key=lambda e: e[0].username
        )

    return ordered(reminders), ordered(escalations)


def _officers(items: Iterable[Item]) -> dict[int, list[User]]:
    """Officers of the services that have items without an updater (one query, or none)."""
    services = {
        item.measure.service_id
        for item in items
        if item.kind != Kind.ESCALATION and item.measure.updater_id is None
    }
    found: dict[int, list[User]] = defaultdict(list)
    if services:
        roles = ServiceRole.objects.filter(service__in=services, role=ServiceRole.Role.UPDATER)
        for role in roles.select_related("user").order_by("user__username"):
            found[role.service_id].append(role.user)
    return found


def _deliver(
    user: User,
    items: list[Item],
    *,
    escalation: bool,
    stamp: datetime,
    claimed: set[Key],
    summary: ReminderSummary,
) -> None:
    """Claim the items for this run and e-mail them, or, if the e-mail fails, claim nothing.

    An item this run already sent to someone else (a service's officers) is sent again to this
    person; an item another run claimed meanwhile is not. The rows commit only once the backend
    has taken the e-mail: a reminder may (rarely) go twice, but is never recorded unsent.
    """
    try:
        with transaction.atomic():
            created = _claim(user, [item for item in items if item.key not in claimed], stamp)
            mine = [item for item in items if item.key in created or item.key in claimed]
            if mine:
                _message(user, mine, escalation=escalation).send()
    except Exception:
        logger.exception("Could not send reminders to %s <%s>", user, user.email)
        summary.failed += 1
        return
    if not mine:
        return
    claimed.update(created)
    summary.emails += 1
    for item in items:
        if item.key in created:
            # The summary's counters are named after the kinds.
            setattr(summary, item.kind, getattr(summary, item.kind) + 1)


def _claim(user: User, items: list[Item], stamp: datetime) -> set[Key]:
    """Create the items' Reminder rows; return the keys of those this call created.

    A row that already exists (a concurrent run got there first) is left alone; the rows created
    here are the ones with this run's stamp (timezone.now(), to the microsecond) and recipient.
    """
    if not items:
        return set()
    Reminder.objects.bulk_create(
        [
            Reminder(
                measure=item.measure,
                period=item.period.code,
                kind=item.kind,
                recipient=user,
                sent_at=stamp,
            )
            for item in items
        ],
        ignore_conflicts=True,
    )
    rows = Reminder.objects.filter(
        recipient=user, sent_at=stamp, kind__in={item.kind for item in items}
    )
    wanted = {item.key for item in items}
    return {key for key in rows.values_list("measure_id", "period", "kind") if key in wanted}


def _message(user: User, items: list[Item], *, escalation: bool) -> EmailMultiAlternatives:
    template, subject, context = (_escalation if escalation else _reminder)(items)
    context |= {"user": user, "site_url": settings.SITE_URL.rstrip("/")}
    message = EmailMultiAlternatives(
        subject, render_to_string(f"targets/email/{template}.txt", context), to=[user.email]
    )
    message.attach_alternative(
        render_to_string(f"targets/email/{template}.html", context), "text/html"
    )
    return message


def _reminder(items: list[Item]) -> tuple[str, str, dict[str, object]]:
    due_soon = sorted((i for i in items if i.kind == Kind.DUE_SOON), key=_by_due_date)
    late = sorted((i for i in items if i.kind == Kind.LATE), key=_by_due_date)
    parts = [f"{_count(len(due_soon), 'value')} due soon"] if due_soon else []
    parts += [f"{_count(len(late), 'value')} late"] if late else []
    context: dict[str, object] = {
        "due_soon": due_soon,
        "late": late,
        "due_soon_days": settings.REMINDER_DUE_SOON_DAYS,
    }
    return "reminder", "Goldthread: " + ", ".join(parts), context


def _escalation(items: list[Item]) -> tuple[str, str, dict[str, object]]:
    by_service = groupby(
        sorted(items, key=lambda i: (i.measure.service.name, i.measure.code, i.period)),
        key=lambda i: i.measure.service,
    )
    services = [(service, list(found)) for service, found in by_service]
    after = settings.REMINDER_ESCALATE_AFTER_DAYS
    names = " and ".join(service.name for service, _ in services)
    subject = (
        f"Goldthread: {_count(len(items), 'value')} more than {_count(after, 'day')} late "
        f"in {names}"
    )
    context: dict[str, object] = {"services": services, "escalate_after": after}
    return "escalation", subject, context


def _by_due_date(item: Item) -> tuple[date, str]:
    return (item.due_date, item.measure.code)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
