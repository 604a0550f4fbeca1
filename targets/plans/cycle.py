"""The annual planning cycle: the corporate plan, budget and MTFS from September to February,
then the service plans and appraisals signed off in March, as dated milestones.

`year` is the financial year the work happens in: the 2026/27 cycle prepares 2027/28.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from targets import audit, periods, permissions
from targets.models import Action, ChangeRecord, PlanningMilestone, User
from targets.plans.actions import PlanError

Kind = PlanningMilestone.Kind
MILESTONE_FIELDS = ("year", "kind", "title", "description", "due")


@dataclass(frozen=True)
class Step:
    kind: str
    month: int
    day: int
    title: str
    description: str

    def due(self, year: int) -> date:
        """Months from September fall in the cycle's first calendar year, January to March in
        the next."""
        return date(year if self.month >= 4 else year + 1, self.month, self.day)


# The framework's calendar; {next} is the year being planned, e.g. 2027/28.
STANDARD_CYCLE: tuple[Step, ...] = (
    Step(
        Kind.CORPORATE_PLAN, 9, 30, "Corporate plan review starts",
        "CMT and the executive board review the priorities and corporate targets for {next}.",
    ),
    Step(
        Kind.MTFS, 10, 31, "Medium-term financial strategy refreshed",
        "The MTFS is rolled forward and the savings needed from {next} onwards are set.",
    ),
    Step(
        Kind.BUDGET, 11, 30, "Budget proposals published for consultation",
        "Services' growth and savings proposals for {next} go out to consultation.",
    ),
    Step(
        Kind.CORPORATE_PLAN, 12, 15, "Draft corporate plan for consultation",
        "The draft corporate plan and its corporate targets for {next} are published.",
    ),
    Step(
        Kind.SERVICE_PLANS, 1, 31, "Draft service improvement plans",
        "Heads of service draft their {next} plans: service targets, objectives and actions.",
    ),
    Step(
        Kind.MTFS, 2, 10, "MTFS to the executive board",
        "The executive board recommends the MTFS and the {next} budget to council.",
    ),
    Step(
        Kind.BUDGET, 2, 20, "Budget and council tax set by council",
        "Full council sets the {next} budget and council tax.",
    ),
    Step(
        Kind.CORPORATE_PLAN, 2, 28, "Corporate plan adopted by council",
        "Full council adopts the corporate plan for {next}.",
    ),
    Step(
        Kind.SERVICE_PLANS, 3, 31, "Service improvement plans signed off",
        "Each head of service signs off the {next} service improvement plan.",
    ),
    Step(
        Kind.APPRAISALS, 3, 31, "Appraisals and individual targets agreed",
        "Every member of staff agrees appraisal targets drawn from the {next} plan actions.",
    ),
)  # fmt: skip


def milestones_generate(
    *, year: int, user: User | None = None, source: str = ChangeRecord.Source.SYSTEM
) -> list[PlanningMilestone]:
    """The standard calendar of the cycle running in `year`; adds only what is missing, so it
    can run again safely. Returns the milestones it added (`user` None: the system)."""
    if user is not None and not permissions.can_manage_milestones(user):
        raise PermissionDenied("Only the performance team keeps the planning calendar.")
    next_label = periods.fy_label(year + 1)
    existing = set(PlanningMilestone.objects.filter(year=year).values_list("title", flat=True))
    new = [
        PlanningMilestone(
            year=year,
            kind=step.kind,
            title=step.title,
            description=step.description.format(next=next_label),
            due=step.due(year),
        )
        for step in STANDARD_CYCLE
        if step.title not in existing
    ]
    with transaction.atomic():
        PlanningMilestone.objects.bulk_create(new)
        ChangeRecord.objects.bulk_create(
            audit.change_record(
                user=user,
                action=ChangeRecord.Action.CREATE,
                source=source,
                obj=milestone,
                period=periods.fy_label(year),
                changes=audit.diff({}, audit.snapshot(milestone, MILESTONE_FIELDS)),
            )
            for milestone in new
        )
    return new


def milestone_mark_done(
    *,
    milestone: PlanningMilestone,
    user: User,
    done_on: date | None = None,
    today: date | None = None,
    source: str = ChangeRecord.Source.FORM,
) -> PlanningMilestone:
    today = today or timezone.localdate()
    if not permissions.can_manage_milestones(user):
        raise PermissionDenied("Only the performance team keeps the planning calendar.")
    done_on = done_on or today
    if done_on > today:
        raise PlanError("A milestone cannot be done on a future date.", "done_on")
    with transaction.atomic():
        milestone = PlanningMilestone.objects.select_for_update().get(pk=milestone.pk)
        if milestone.is_done:
            raise PlanError(f"“{milestone.title}” was already marked done.")
        fields = ("done_on", "done_by")
        before = audit.snapshot(milestone, fields)
        milestone.done_on = done_on
        milestone.done_by = user
        milestone.save(update_fields=list(fields))
        audit.record(
            user=user,
            action=ChangeRecord.Action.UPDATE,
            source=source,
            obj=milestone,
            before=before,
            fields=fields,
            period=periods.fy_label(milestone.year),
        )
    return milestone


@dataclass(frozen=True)
class CycleOverview:
    overdue: list[PlanningMilestone]
    upcoming: list[PlanningMilestone]


UPCOMING = 4


def cycle_overview(today: date) -> CycleOverview:
    """What is overdue (not done, due date passed) and the next few milestones, in one query."""
    pending = list(PlanningMilestone.objects.filter(done_on__isnull=True).order_by("due", "pk"))
    return CycleOverview(
        overdue=[m for m in pending if m.due < today],
        upcoming=[m for m in pending if m.due >= today][:UPCOMING],
    )


def my_plan_work(user: User, today: date) -> dict[str, Any]:
    """For "My work": the open actions the user owns and, for the performance team, the
    planning calendar's overdue and next milestones."""
    return {
        "my_actions": list(
            Action.objects.open()
            .filter(owner=user)
            .select_related("service", "objective__plan")
            .order_by("due", "pk")
        ),
        "cycle": cycle_overview(today) if permissions.can_manage_milestones(user) else None,
        "today": today,
    }
