"""The notifications engine: raise, resolve, gather into digests, send.

Run daily by Celery beat (`targets.tasks.send_notifications_task`, 07:00) or by hand
(`manage.py send_notifications`); pending digests are retried by `retry_digests_task`.

1. **Raise and resolve.** Every app's `notices.collect(today)` says what stands today. A notice
   is stored once per (person, kind, object, occasion) — the unique key — so running again
   raises nothing twice; a stored notice that no longer stands (the value was submitted, the
   action done) is resolved and leaves the list on "My work". A source that fails is logged and
   its kinds are left as they were: nothing is resolved because a query broke.
2. **Gather.** Each person with a usable e-mail address gets at most one digest a day (unique
   per person and day): their new notices, of kinds they have not switched off, join today's
   digest, with those of any earlier digest still waiting (an SMTP outage), which is marked
   superseded. A digest already sent today takes nothing more: new notices wait for tomorrow.
3. **Send.** A digest is claimed (pending → sending, with a lease) in its own transaction
   before the e-mail goes, and marked sent once the server has taken it. A second worker or a
   retried task finds it claimed or sent and does nothing. If the server refuses or times out
   the digest goes back to pending with the error, for the next attempt. Only a process killed
   between the server's acceptance and the mark leaves a digest "sending": once its lease has
   passed it is sent again, with the same Message-ID so that mail systems can drop the copy.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, When
from django.db.models import Value as V
from django.utils import timezone

from targets.models import Digest, Notice, NotificationPreference, User
from targets.notify import kinds as registry
from targets.notify.kinds import Spec
from targets.notify.mail import digest_message

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)
Key = tuple[int, str, str, str]


@dataclass
class RunSummary:
    """What one run did."""

    raised: int = 0
    resolved: int = 0
    sent: int = 0  # digests e-mailed
    failed: int = 0  # digests the mail server refused or did not answer: retried later
    empty: int = 0  # digests whose notices had all been resolved: nothing to send
    unreachable: int = 0  # people with notices but no usable e-mail address
    sources_failed: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def notifications_run(*, today: date | None = None, now: datetime | None = None) -> RunSummary:
    """The daily run: raise and resolve notices, gather today's digests, send them."""
    today = today or timezone.localdate()
    now = now or timezone.now()
    summary = RunSummary()
    notices_raise(today=today, summary=summary)
    digests_gather(today=today, summary=summary)
    digests_send(today=today, now=now, summary=summary)
    return summary


# --- 1. raise and resolve -----------------------------------------------------------------------


def collect_all(today: date) -> tuple[list[Spec], set[str], list[str]]:
    """(what stands, the kinds whose sources answered, the sources that failed)."""
    specs: list[Spec] = []
    answered: set[str] = set()
    failed: list[str] = []
    for label, source in registry.sources():
        try:
            with transaction.atomic():
                found = list(source.collect(today))
        except Exception:
            logger.exception("Notices of %s could not be collected; left as they were", label)
            failed.append(label)
            continue
        specs += found
        answered |= {kind.code for kind in source.KINDS}
    return specs, answered, failed


def notices_raise(*, today: date, summary: RunSummary | None = None) -> RunSummary:
    summary = summary if summary is not None else RunSummary()
    specs, answered, summary.sources_failed = collect_all(today)
    active = set(
        User.objects.filter(pk__in={s.recipient_id for s in specs}, is_active=True).values_list(
            "pk", flat=True
        )
    )
    standing: dict[Key, Spec] = {}
    for spec in specs:
        if spec.recipient_id in active and spec.kind in answered:
            standing.setdefault(spec.key, spec)
    escalations = {kind.code for kind in registry.all_kinds() if kind.escalation}
    muted = set(
        NotificationPreference.objects.filter(
            delivery=NotificationPreference.Delivery.OFF
        ).values_list("user_id", "kind")
    )
    with transaction.atomic():
        current: dict[Key, int] = {
            (recipient, kind, object_key, occasion): pk
            for pk, recipient, kind, object_key, occasion in Notice.objects.current()
            .filter(kind__in=answered)
            .order_by()
            .values_list("pk", "recipient_id", "kind", "object_key", "occasion")
        }
        new = [spec for key, spec in standing.items() if key not in current]
        Notice.objects.bulk_create(
            [_notice(spec, today, spec.kind in escalations, muted) for spec in new],
            ignore_conflicts=True,
        )
        reopened = _reopen([spec.key for spec in new])
        gone = [pk for key, pk in current.items() if key not in standing]
        Notice.objects.filter(pk__in=gone).update(resolved_on=today)
    summary.raised += len(new) - reopened
    summary.resolved += len(gone)
    return summary


def _notice(spec: Spec, today: date, escalation: bool, muted: set[tuple[int, str]]) -> Notice:
    return Notice(
        recipient_id=spec.recipient_id,
        kind=spec.kind,
        object_key=spec.object_key[:100],
        occasion=spec.occasion[:40],
        escalation=escalation,
        title=spec.title[:300],
        detail=spec.detail[:300],
        url=spec.url[:300],
        due=spec.due,
        raised_on=today,
        muted=(spec.recipient_id, spec.kind) in muted,
    )


def _reopen(keys: list[Key]) -> int:
    """Notices resolved earlier that stand again (a value returned to draft): listed again, but
    not e-mailed again if they were. Returns how many."""
    if not keys:
        return 0
    wanted = set(keys)
    resolved = Notice.objects.filter(
        resolved_on__isnull=False, object_key__in={key[2] for key in keys}
    ).values_list("pk", "recipient_id", "kind", "object_key", "occasion")
    again = [pk for pk, *key in resolved.order_by() if tuple(key) in wanted]
    Notice.objects.filter(pk__in=again).update(resolved_on=None)
    return len(again)


# --- 2. gather ----------------------------------------------------------------------------------


def reachable(users: Iterable[User]) -> list[User]:
    return [user for user in users if user.is_active and user.email]


def digests_gather(*, today: date, summary: RunSummary | None = None) -> RunSummary:
    """Put each person's notices not yet e-mailed into their digest of today."""
    summary = summary if summary is not None else RunSummary()
    # A kind switched off since the notice was raised is not e-mailed either.
    switched_off = NotificationPreference.objects.filter(
        user=OuterRef("recipient"),
        kind=OuterRef("kind"),
        delivery=NotificationPreference.Delivery.OFF,
    )
    Notice.objects.filter(digest__isnull=True, muted=False).filter(Exists(switched_off)).update(
        muted=True
    )
    waiting = Notice.objects.current().filter(digest__isnull=True, muted=False)
    # Earlier digests still waiting (the mail server was down), or whose sender died while
    # sending them. order_by(): the default ordering would join the user table (and lock it).
    carried = (
        Digest.objects.filter(day__lt=today)
        .filter(
            Q(status=Digest.Status.PENDING)
            | Q(status=Digest.Status.SENDING, claimed_until__lt=timezone.now())
        )
        .order_by()
    )
    recipients = set(waiting.values_list("recipient_id", flat=True)) | set(
        carried.values_list("recipient_id", flat=True)
    )
    if not recipients:
        return summary
    people = list(User.objects.filter(pk__in=recipients))
    mailable = {user.pk for user in reachable(people)}
    summary.unreachable += len(recipients - mailable)
    with transaction.atomic():
        Digest.objects.bulk_create(
            [Digest(recipient_id=pk, day=today) for pk in mailable], ignore_conflicts=True
        )
        todays = dict(
            Digest.objects.select_for_update()
            .filter(day=today, recipient_id__in=mailable, status=Digest.Status.PENDING)
            .order_by()
            .values_list("recipient_id", "pk")
        )
        if not todays:
            return summary
        into = Case(
            *[When(recipient_id=user, then=V(digest)) for user, digest in todays.items()],
            output_field=IntegerField(),
        )
        older = carried.filter(recipient_id__in=todays).select_for_update()
        older_ids = list(older.values_list("pk", flat=True))
        Notice.objects.filter(
            Q(digest__in=older_ids) | Q(pk__in=waiting.filter(recipient_id__in=todays).values("pk"))
        ).update(digest_id=into)
        Digest.objects.filter(pk__in=older_ids).update(
            status=Digest.Status.SUPERSEDED,
            carried_into_id=Case(
                *[When(recipient_id=u, then=V(d)) for u, d in todays.items()],
                output_field=IntegerField(),
            ),
        )
    return summary


# --- 3. send ------------------------------------------------------------------------------------


def digests_send(
    *, today: date | None = None, now: datetime | None = None, summary: RunSummary | None = None
) -> RunSummary:
    """Send today's digests that are waiting (and any whose sender died, once its lease is
    over). Safe to run as often as you like: a digest is sent by whoever claims it, once."""
    today = today or timezone.localdate()
    now = now or timezone.now()
    summary = summary if summary is not None else RunSummary()
    due = (
        Digest.objects.filter(day=today)
        .filter(
            Q(status=Digest.Status.PENDING) | Q(status=Digest.Status.SENDING, claimed_until__lt=now)
        )
        .order_by("recipient__username")
        .values_list("pk", flat=True)
    )
    for digest_id in list(due):
        digest_send(digest_id=digest_id, now=now, summary=summary)
    return summary


def digest_send(*, digest_id: int, now: datetime | None = None, summary: RunSummary) -> None:
    now = now or timezone.now()
    claimed = (
        Digest.objects.filter(pk=digest_id)
        .filter(
            Q(status=Digest.Status.PENDING) | Q(status=Digest.Status.SENDING, claimed_until__lt=now)
        )
        .update(status=Digest.Status.SENDING, claimed_until=now + LEASE, attempts=F("attempts") + 1)
    )
    if not claimed:
        return  # another worker has it, or it was sent
    digest = Digest.objects.select_related("recipient").get(pk=digest_id)
    notices = list(digest.notices.current().in_list_order())
    user = digest.recipient
    if not notices or not reachable([user]):
        Digest.objects.filter(pk=digest_id).update(
            status=Digest.Status.EMPTY if not notices else Digest.Status.PENDING,
            claimed_until=None,
        )
        summary.empty += not notices
        return
    try:
        digest_message(digest, notices).send()
    except Exception as exc:
        logger.warning(
            "Digest %s to %s not sent, kept for the next attempt: %s", digest_id, user, exc
        )
        Digest.objects.filter(pk=digest_id, status=Digest.Status.SENDING).update(
            status=Digest.Status.PENDING,
            claimed_until=None,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        summary.failed += 1
        return
    Digest.objects.filter(pk=digest_id).update(
        status=Digest.Status.SENT, claimed_until=None, sent_at=timezone.now(), last_error=""
    )
    summary.sent += 1


def notices_for(user: User) -> list[Notice]:
    """What stands for a person now, for the list on "My work"."""
    return list(Notice.objects.current().for_user(user).in_list_order())
