"""Report packs for the notifications engine (`targets/notify/`): a pack made for its audience.

When a run of a schedule finishes, everyone the schedule names as its audience is told, with a
link to the pack: the corporate management team, the executive board, the scrutiny panel, and
for packs to all members everyone with a role. A pack of values not yet published (a management
pack) never goes to people who see published values only. The notice stands for
PACK_NOTICE_DAYS after the pack was made.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from reporting.models import ReportRun, ReportSchedule, RunStatus
from targets.models import CorporateRole, Service, ServiceRole, User
from targets.notify import rules
from targets.notify.kinds import Kind, Spec

PACK_NOTICE_DAYS = 7

KINDS = [
    Kind(
        "pack_published",
        "Report packs published",
        "Report packs",
        "To a pack's audience (CMT, the executive board, the scrutiny panel or all members), "
        "when the scheduler or the performance team makes it.",
    ),
]


def collect(today: date) -> Iterator[Spec]:
    since = timezone.make_aware(datetime.combine(today - timedelta(days=PACK_NOTICE_DAYS), time()))
    runs = list(
        ReportRun.objects.filter(status=RunStatus.DONE, finished_at__gte=since)
        .select_related("schedule")
        .order_by("finished_at", "pk")
    )
    if not runs:
        return
    in_services = set(ServiceRole.objects.values_list("user_id", flat=True))
    in_services |= set(Service.objects.filter(head__isnull=False).values_list("head_id", flat=True))
    people = list(
        User.objects.filter(is_active=True)
        .filter(Q(corporate_role__gt="") | Q(pk__in=in_services))
        .order_by("username")
        .only("pk", "corporate_role")
    )
    for run in runs:
        audience = [
            user.pk
            for user in people
            if _in_audience(user.corporate_role, user.pk in in_services, run.schedule, run.internal)
        ]
        made = timezone.localdate(run.finished_at) if run.finished_at else today
        title = f"{run.schedule.name}, {run.period_obj.label}"
        if run.version > 1:
            title += f" (version {run.version})"
        text = f"Made {rules.long_date(made)}: {run.summary_text}".rstrip(": ")
        for user in audience:
            yield Spec(user, "pack_published", f"report_run:{run.pk}", title,
                       run.get_absolute_url(), text, None)  # fmt: skip


def _in_audience(role: str, in_a_service: bool, schedule: ReportSchedule, internal: bool) -> bool:
    """Named by the schedule's audience flags (the performance team makes the packs: it is not
    their audience), and allowed to see the run: a pack of values not yet published only for
    those who see them (as `permissions.sees_internal_values` decides)."""
    if role == CorporateRole.PERFORMANCE:
        return False
    sees_internal = role in (CorporateRole.CMT, CorporateRole.CEB) or (
        in_a_service and role != CorporateRole.SCRUTINY
    )
    if internal and not sees_internal:
        return False
    named: dict[str, bool] = {
        CorporateRole.CMT: schedule.cmt_may_download,
        CorporateRole.CEB: schedule.ceb_may_download,
        CorporateRole.SCRUTINY: schedule.scrutiny_may_download,
    }
    return bool(named.get(role)) or schedule.all_members_may_download
