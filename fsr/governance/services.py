"""Changes to the risk register and the corporate programmes, whatever the route (page, API,
admin, demo): each checks permission on the server, validates with the model's rules (the
matrix's scale, controls never raising a risk), locks the row, writes and records the change in
the audit trail, in one transaction. A risk's actions go through `targets.plans.actions`."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from fsr.governance import permissions
from fsr.governance.models import Programme, ProgrammeMilestone, Risk, RiskMatrix
from fsr.models import SavingsLine
from targets import audit
from targets.models import Action, ChangeRecord, Measure, User
from targets.plans import actions

Source = ChangeRecord.Source
Act = ChangeRecord.Action

PROGRESS_FIELDS = ("stage", "rag_time", "rag_cost", "rag_scope", "status_note")


def _next_reference(risk: Risk) -> str:
    """CR01, CR02… for corporate risks; WASTE-R01… for a service's (its code in capitals)."""
    prefix = "CR" if risk.service is None else f"{risk.service.code.upper()[:12]}-R"
    taken = Risk.objects.filter(reference__startswith=prefix).values_list("reference", flat=True)
    numbers = [
        int(m.group(1)) for r in taken if (m := re.fullmatch(rf"{re.escape(prefix)}(\d+)", r))
    ]
    return f"{prefix}{max(numbers, default=0) + 1:02d}"


def risk_save(
    *,
    risk: Risk,
    user: User,
    measures: Iterable[Measure] | None = None,
    source: str = Source.FORM,
) -> Risk:
    """Add a risk (heads of service for their services, the performance team any) or change one
    (its owner, its service's head, the team). `measures` None leaves them as they are."""
    with transaction.atomic():
        stored = None
        before: dict = {}
        if risk.pk is not None:
            stored = (
                Risk.objects.select_for_update(of=("self",))
                .select_related("service")
                .get(pk=risk.pk)
            )
            if not permissions.can_edit_risk(user, stored):
                raise PermissionDenied(f"You cannot change risk {stored.reference}.")
            before = audit.snapshot(stored, audit.fields_of(stored, many=True))
            moved = (stored.kind, stored.service_id) != (risk.kind, risk.service_id)
            if moved and not permissions.can_add_risk(user, risk.service):
                raise PermissionDenied("You cannot move this risk to another service's register.")
        elif not permissions.can_add_risk(user, risk.service):
            where = risk.service or "the corporate register"
            raise PermissionDenied(f"You cannot add risks to {where}.")
        if risk.service_id is None and risk.kind == Risk.Kind.SERVICE:
            raise ValidationError({"service": "A service risk needs its service."})
        if not risk.reference:
            risk.reference = _next_reference(risk)
        risk.full_clean()
        risk.save()
        if measures is not None:
            risk.measures.set(list(measures))
        audit.record(
            user=user,
            action=Act.CREATE if stored is None else Act.UPDATE,
            source=source,
            obj=risk,
            before=before,
            fields=audit.fields_of(risk, many=True),
        )
    return risk


def risk_action_save(
    *, risk: Risk, action: Action, user: User, source: str = Source.FORM
) -> Action:
    """Add an action that reduces a risk, or change one of its actions. A service risk's actions
    are its service's; a corporate risk's belong to the service that carries them out."""
    if not permissions.can_edit_risk(user, risk):
        raise PermissionDenied(f"You cannot change risk {risk.reference}.")
    link = actions.Link(risk, "actions")
    if action.pk is not None and not link.holds(action):
        raise PermissionDenied("That action is not one of this risk's.")
    if action.pk is None:
        if risk.service_id is not None:
            action.service_id = risk.service_id
        action.source = Action.Source.RISK
    action.full_clean()
    if action.pk is None:
        return actions.action_create(action=action, user=user, link=link, source=source)
    return actions.action_update(action=action, user=user, link=link, source=source)


def matrix_save(*, matrix: RiskMatrix, user: User, source: str = Source.FORM) -> RiskMatrix:
    """Change the council's matrix; refused while an open risk is scored beyond its scale."""
    if not permissions.can_manage_matrix(user):
        raise PermissionDenied("Only the performance team keeps the risk matrix.")
    with transaction.atomic():
        before = audit.stored(matrix)
        matrix.full_clean()
        beyond = Risk.objects.filter(inherent_likelihood__gt=matrix.size) | Risk.objects.filter(
            inherent_impact__gt=matrix.size
        )
        if beyond.exists():
            first = beyond.order_by("reference").first()
            raise ValidationError(
                {
                    "size": f"Risk {first} is scored above {matrix.size}: rescore it before "
                    f"changing the matrix to {matrix.size} × {matrix.size}."
                }
            )
        matrix.save()
        audit.record(
            user=user,
            action=Act.UPDATE if before else Act.CREATE,
            source=source,
            obj=matrix,
            before=before,
        )
    return matrix


def programme_save(
    *,
    programme: Programme,
    user: User,
    risks: Iterable[Risk] | None = None,
    savings: Iterable[SavingsLine] | None = None,
    source: str = Source.FORM,
) -> Programme:
    """Set up a programme or change everything about it: the performance team's."""
    if not permissions.can_create_programme(user):
        raise PermissionDenied("Only the performance team sets up corporate programmes.")
    with transaction.atomic():
        before = {}
        if programme.pk is not None:
            stored = Programme.objects.select_for_update().get(pk=programme.pk)
            before = audit.snapshot(stored, audit.fields_of(stored, many=True))
        programme.full_clean()
        programme.save()
        if risks is not None:
            programme.risks.set(list(risks))
        if savings is not None:
            programme.savings.set(list(savings))
        audit.record(
            user=user,
            action=Act.UPDATE if before else Act.CREATE,
            source=source,
            obj=programme,
            before=before,
            fields=audit.fields_of(programme, many=True),
        )
    return programme


def programme_progress(
    *, programme: Programme, user: User, changes: dict[str, str], source: str = Source.FORM
) -> Programme:
    """The board's report: stage, time/cost/scope status and the note (sponsor, manager, team)."""
    unknown = set(changes) - set(PROGRESS_FIELDS)
    if unknown:
        raise ValidationError(f"Not part of a progress report: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        locked = Programme.objects.select_for_update().get(pk=programme.pk)
        if not permissions.can_edit_programme(user, locked):
            raise PermissionDenied(f"You cannot report on {locked}.")
        before = audit.snapshot(locked)
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.full_clean()
        locked.save()
        audit.record(user=user, action=Act.UPDATE, source=source, obj=locked, before=before)
    return locked


def programme_milestones_save(
    *,
    programme: Programme,
    user: User,
    changed: Iterable[ProgrammeMilestone],
    deleted: Iterable[ProgrammeMilestone] = (),
    source: str = Source.FORM,
) -> None:
    """Add, change and delete a programme's milestones, all or nothing (sponsor, manager, team)."""
    if not permissions.can_edit_programme(user, programme):
        raise PermissionDenied(f"You cannot change the milestones of {programme}.")
    with transaction.atomic():
        Programme.objects.select_for_update().get(pk=programme.pk)
        for milestone in deleted:
            if milestone.programme_id != programme.pk:
                raise PermissionDenied("That milestone belongs to another programme.")
            audit.record(user=user, action=Act.DELETE, source=source, obj=milestone)
            milestone.delete()
        for milestone in changed:
            before = audit.stored(milestone)
            if before and milestone.programme_id != programme.pk:
                raise PermissionDenied("That milestone belongs to another programme.")
            milestone.programme = programme
            milestone.full_clean()
            milestone.save()
            audit.record(
                user=user,
                action=Act.UPDATE if before else Act.CREATE,
                source=source,
                obj=milestone,
                before=before,
            )
