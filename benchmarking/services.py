"""Benchmarking workflows: recording exercises and good practice (each recorded in the audit
trail), the compliance view, and the council's positions for a measure page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Max, Q

from benchmarking.models import Exercise, GoodPractice, Metric
from benchmarking.overview import CouncilSummary, council_summaries
from benchmarking.permissions import can_manage_exercises
from targets import audit
from targets.models import Action, ChangeRecord, Measure, Service, User
from targets.plans import actions

ACTIVE = ~Q(exercises__status=Exercise.Status.CANCELLED)


def positions_for_measure(measure: Measure) -> list[CouncilSummary]:
    """The council's latest position on each benchmark metric linked to `measure`, against its
    nearest neighbours and against all authorities of its type."""
    return council_summaries(list(Metric.objects.filter(measure=measure).select_related("measure")))


def exercise_save(*, exercise: Exercise, metric_ids: list[int] | None, user: User) -> Exercise:
    """Save an exercise the user may manage (of a service they head, or any for the team)."""
    if not can_manage_exercises(user, exercise.service):
        raise PermissionDenied(f"You cannot record exercises of {exercise.service}.")
    if exercise.pk:
        stored = Exercise.objects.select_related("service").get(pk=exercise.pk)
        if not can_manage_exercises(user, stored.service):
            raise PermissionDenied(f"You cannot change exercises of {stored.service}.")
    fields = audit.fields_of(exercise, many=True)
    with transaction.atomic():
        before = audit.stored(exercise, fields)
        if exercise.lead_id is None:
            exercise.lead = user
        exercise.save()
        if metric_ids is not None:
            exercise.metrics.set(metric_ids)
        audit.record(
            user=user,
            action=ChangeRecord.Action.UPDATE if before else ChangeRecord.Action.CREATE,
            source=ChangeRecord.Source.FORM,
            obj=exercise,
            before=before,
            fields=fields,
        )
    return exercise


def exercise_action_add(
    *, exercise: Exercise, action: Action, user: User, source: str = ChangeRecord.Source.FORM
) -> Action:
    """Raise an improvement action of the exercise's service from its findings (source
    "benchmarking", held by the exercise), in the service's plan when an objective is given,
    through the one Action service and its rules."""
    if not can_manage_exercises(user, exercise.service):
        raise PermissionDenied(f"You cannot raise actions for {exercise.service}.")
    if exercise.status == Exercise.Status.CANCELLED:
        raise actions.PlanError("The exercise was cancelled: its findings raise no actions.")
    action.service_id = exercise.service_id
    action.source = Action.Source.BENCHMARKING
    action.full_clean()
    return actions.action_create(
        action=action, user=user, link=actions.Link(exercise, "actions"), source=source
    )


def good_practice_save(*, entry: GoodPractice, user: User) -> GoodPractice:
    if not can_manage_exercises(user, entry.service):
        raise PermissionDenied(f"You cannot add good practice for {entry.service}.")
    audit.save(entry, user=user)
    return entry


@dataclass(frozen=True)
class ComplianceRow:
    service: Service
    within_done: int  # in progress or complete
    within_planned: int
    outside: int
    shared: int = 0  # exercises of the year whose data was uploaded to LG Inform
    last_shared: date | None = None
    with_potential: int = 0

    @property
    def status(self) -> str:
        if self.within_done:
            return "met"
        return "planned" if self.within_planned else "missing"

    @property
    def status_text(self) -> str:
        return {
            "met": "Within-sector exercise under way or complete",
            "planned": "Within-sector exercise planned only",
            "missing": "No within-sector exercise",
        }[self.status]

    @property
    def has_shared(self) -> bool:
        """The service shared its benchmark data (an LG Inform upload) in the year."""
        return self.shared > 0


def compliance(year: int) -> list[ComplianceRow]:
    """Every active service's benchmarking in financial year `year`, in one query: the
    framework asks for at least one within-sector exercise a year (and outside where it can),
    and that each service shares its benchmark data: an exercise of the year (not cancelled)
    with the date its data was uploaded to LG Inform."""
    in_year = Q(exercises__year=year)
    within = in_year & Q(exercises__sector=Exercise.Sector.WITHIN)
    done = Q(exercises__status__in=[Exercise.Status.IN_PROGRESS, Exercise.Status.COMPLETE])
    uploaded = Q(exercises__lginform_uploaded_on__isnull=False)
    services = Service.objects.filter(is_active=True).annotate(
        within_done=Count("exercises", filter=within & done),
        within_planned=Count("exercises", filter=within & Q(exercises__status="planned")),
        outside=Count(
            "exercises", filter=in_year & Q(exercises__sector=Exercise.Sector.OUTSIDE) & ACTIVE
        ),
        shared=Count("exercises", filter=in_year & uploaded & ACTIVE),
        last_shared=Max("exercises__lginform_uploaded_on", filter=in_year & uploaded & ACTIVE),
        with_potential=Count(
            "exercises",
            filter=in_year
            & Q(exercises__sector=Exercise.Sector.OUTSIDE, exercises__has_potential=True)
            & ACTIVE,
        ),
    )
    rows = [
        ComplianceRow(
            s,
            s.within_done,  # type: ignore[attr-defined]
            s.within_planned,  # type: ignore[attr-defined]
            s.outside,  # type: ignore[attr-defined]
            s.shared,  # type: ignore[attr-defined]
            s.last_shared,  # type: ignore[attr-defined]
            s.with_potential,  # type: ignore[attr-defined]
        )
        for s in services.order_by("name")
    ]
    order = {"missing": 0, "planned": 1, "met": 2}
    return sorted(rows, key=lambda r: (order[r.status], r.service.name))
