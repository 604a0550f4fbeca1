"""Who may see and change what: the one place every view, API and export asks.

A user's service roles are loaded once per user object and cached on it, so a page that checks
many measures costs one query, not one per measure.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import CharField, Q, QuerySet
from django.db.models import Value as V

from targets.models import CorporateRole, Measure, MeasureQuerySet, Service, ServiceRole

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from targets.models import Action, ServicePlan, User

    AnyUser = User | AnonymousUser

_CACHE = "_goldthread_service_roles"


def service_roles(user: AnyUser) -> dict[int, set[str]]:
    """Return {service id: {role, …}} for the user, heads of service counting as approvers."""
    if not user.is_authenticated:
        return {}
    cached: dict[int, set[str]] | None = getattr(user, _CACHE, None)
    if cached is None:
        cached = defaultdict(set)
        # One query: the roles held, and the services headed as the role "head".
        headed = (
            Service.objects.filter(head=user)
            .annotate(role=V("head", output_field=CharField()))
            .values_list("id", "role")
            .order_by()
        )
        roles = ServiceRole.objects.filter(user=user).values_list("service_id", "role").order_by()
        for service_id, role in roles.union(headed, all=True):
            cached[service_id].add(role)
            if role == "head":
                cached[service_id].add(ServiceRole.Role.APPROVER)
        setattr(user, _CACHE, cached)
    return cached


def corporate_role(user: AnyUser) -> str:
    return getattr(user, "corporate_role", "") if user.is_authenticated else ""


def is_performance_team(user: AnyUser) -> bool:
    return user.is_authenticated and (
        user.is_superuser or corporate_role(user) == CorporateRole.PERFORMANCE
    )


def is_scrutiny(user: AnyUser) -> bool:
    return corporate_role(user) == CorporateRole.SCRUTINY


def sees_internal_values(user: AnyUser) -> bool:
    """Staff and management see values once submitted; scrutiny and public, published only."""
    if not user.is_authenticated or is_scrutiny(user):
        return False
    if is_performance_team(user) or corporate_role(user) in {CorporateRole.CMT, CorporateRole.CEB}:
        return True
    return bool(service_roles(user))


def can_edit_value(user: AnyUser, measure: Measure) -> bool:
    """Enter or change a measure's values: its updater, the service's officers and head."""
    if is_performance_team(user):
        return True
    if not user.is_authenticated:
        return False
    if measure.updater_id == user.pk:
        return True
    roles = service_roles(user).get(measure.service_id, set())
    return bool(roles & {ServiceRole.Role.UPDATER, "head"})


def can_approve_value(
    user: AnyUser, measure: Measure, *, entered_by: Iterable[int | None] = ()
) -> bool:
    """Approve or return a value: the measure's approver or the service's; never one's own
    (`entered_by`: the ids of whoever entered or submitted it)."""
    if not user.is_authenticated or user.pk in set(entered_by):
        return False
    if is_performance_team(user) or measure.approver_id == user.pk:
        return True
    return ServiceRole.Role.APPROVER in service_roles(user).get(measure.service_id, set())


def can_publish(user: AnyUser) -> bool:
    return is_performance_team(user)


def can_manage_service(user: AnyUser, service: Service) -> bool:
    """Change a service's plan, targets, exercises and arrangements."""
    return is_performance_team(user) or "head" in service_roles(user).get(service.pk, set())


def managed_services(user: AnyUser) -> QuerySet[Service]:
    """The active services the user manages: those they head; every one for the performance
    team."""
    services = Service.objects.filter(is_active=True)
    if is_performance_team(user):
        return services
    return services.filter(
        pk__in=[s for s, roles in service_roles(user).items() if "head" in roles]
    )


def can_edit_dq_procedure(user: AnyUser, measure: Measure) -> bool:
    if is_performance_team(user) or (user.is_authenticated and measure.updater_id == user.pk):
        return True
    return ServiceRole.Role.DQ_CHAMPION in service_roles(user).get(measure.service_id, set())


def editable_measures(user: AnyUser) -> MeasureQuerySet:
    """The measures whose values the user may enter (a QuerySet)."""
    if is_performance_team(user):
        return Measure.objects.all()
    if not user.is_authenticated:
        return Measure.objects.none()
    services = [
        sid
        for sid, roles in service_roles(user).items()
        if roles & {ServiceRole.Role.UPDATER, "head"}
    ]
    return Measure.objects.filter(Q(updater=user) | Q(service_id__in=services))


def sees_data_quality(user: AnyUser) -> bool:
    """Procedures, audits and the champions' summary: everyone internal (not scrutiny)."""
    return sees_internal_values(user)


def can_manage_dq_audits(user: AnyUser) -> bool:
    """Propose, add, replace, cancel and record audits: the performance team."""
    return is_performance_team(user)


def can_update_dq_action(user: AnyUser, action: Action) -> bool:
    """Report progress on an audit's action: its owner, the service's head and data-quality
    champion, and the performance team."""
    if is_performance_team(user):
        return True
    if not user.is_authenticated:
        return False
    if action.owner_id == user.pk:
        return True
    roles = service_roles(user).get(action.service_id, set())
    return bool(roles & {ServiceRole.Role.DQ_CHAMPION, "head"})


# Service improvement plans, actions and the golden thread.


def sees_champions(user: AnyUser) -> bool:
    """The champions' network (names, job titles, e-mail addresses): council staff only."""
    return sees_internal_values(user)


def sees_obligations(user: AnyUser) -> bool:
    """What each service must deliver (plans, procedures, audits, feedback, benchmarking, market
    intelligence, reviews): council staff, as the pages each obligation links to."""
    return sees_internal_values(user)


def sees_plans(user: AnyUser) -> bool:
    """Every plan (drafts too), actions and the golden thread: staff and management."""
    return sees_internal_values(user)


def is_councillor(user: AnyUser) -> bool:
    """An elected member with no staff role: scrutiny panel members and all members."""
    return corporate_role(user) in {CorporateRole.SCRUTINY, CorporateRole.MEMBER}


def reads_signed_off_plans(user: AnyUser) -> bool:
    """Plans once signed off, with their objectives and actions: staff and management, and
    councillors (scrutiny and all members), who scrutinise improvement actions as well as the
    figures (never a draft)."""
    return sees_plans(user) or is_councillor(user)


def can_read_plan(user: AnyUser, plan: ServicePlan) -> bool:
    """This plan: every one for staff; a signed-off one for councillors."""
    return sees_plans(user) or (is_councillor(user) and plan.is_signed_off)


def can_read_action(user: AnyUser, action: Action) -> bool:
    """An action's page: staff and its owner; councillors when it is in a signed-off plan
    (`action.objective.plan` loaded)."""
    if sees_plans(user) or (user.is_authenticated and action.owner_id == user.pk):
        return True
    objective = action.objective
    return is_councillor(user) and objective is not None and objective.plan.is_signed_off


def can_edit_plan(user: AnyUser, service: Service) -> bool:
    """Write a service's plan while it is a draft: its head of service and the performance team."""
    return can_manage_service(user, service)


def can_sign_off_plan(user: AnyUser, service: Service) -> bool:
    """Only the head of service signs the plan off: the performance team may not sign for them."""
    return "head" in service_roles(user).get(service.pk, set())


def can_reopen_plan(user: AnyUser) -> bool:
    """Reopen a signed-off plan (with a reason): the performance team only."""
    return is_performance_team(user)


def can_update_action_progress(user: AnyUser, action: Action) -> bool:
    """Status and progress note: whoever may edit the service's plan, and the action's owner."""
    if not user.is_authenticated:
        return False
    return action.owner_id == user.pk or can_edit_plan(user, action.service)


def can_add_action_to_plan(user: AnyUser, plan: ServicePlan) -> bool:
    """Put an action in a service improvement plan: anyone who may record the action while the
    plan is a draft; once it is signed off, only the head of service or the performance team."""
    if not plan.is_signed_off:
        return True
    return is_performance_team(user) or "head" in service_roles(user).get(plan.service_id, set())


def can_see_person(user: AnyUser, person: User) -> bool:
    """A person's golden thread: their own; the performance team's, CMT's; and the heads of the
    services the person works in (holds a role in)."""
    if not user.is_authenticated:
        return False
    if (
        user.pk == person.pk
        or is_performance_team(user)
        or corporate_role(user) == CorporateRole.CMT
    ):
        return True
    headed = {sid for sid, roles in service_roles(user).items() if "head" in roles}
    # Only a head needs the person's roles: no query for anyone else's links (lists of owners).
    return bool(headed) and bool(headed & set(service_roles(person)))


def can_export_appraisal_targets(user: AnyUser) -> bool:
    return is_performance_team(user)


def can_manage_milestones(user: AnyUser) -> bool:
    return is_performance_team(user)


# Targets proposed by heads of service.


def sees_target_proposals(user: AnyUser) -> bool:
    """Proposed targets are internal: staff and management, not scrutiny or the public."""
    return sees_internal_values(user)


def can_propose_targets(user: AnyUser, service: Service) -> bool:
    """Propose a service's measures' targets: its head of service (with their staff)."""
    return "head" in service_roles(user).get(service.pk, set())


def can_decide_target_proposal(user: AnyUser, measure: Measure, proposed_by: int | None) -> bool:
    """Approve or return a proposal: the corporate management team for a corporate measure, the
    performance team for any other; never one's own proposal."""
    if not user.is_authenticated or user.pk == proposed_by:
        return False
    if measure.kind == Measure.Kind.CORPORATE:
        return corporate_role(user) == CorporateRole.CMT
    return is_performance_team(user)


def proposable_services(user: AnyUser) -> QuerySet[Service]:
    """The active services whose targets the user may propose."""
    return Service.objects.filter(
        is_active=True, pk__in=[s for s, roles in service_roles(user).items() if "head" in roles]
    )


def lands_on_my_work(user: AnyUser) -> bool:
    """Where signing in leads: officers, heads of service and data-quality champions work from
    "My work"; the performance team, management, scrutiny and people without a service role
    start at the corporate dashboard."""
    if not user.is_authenticated or is_performance_team(user) or is_scrutiny(user):
        return False
    return bool(service_roles(user))


def approves_values(user: AnyUser) -> bool:
    """Has an approval queue: the performance team, heads and approvers of a service, and the
    named approvers of measures (each value is still checked with `can_approve_value`)."""
    if is_performance_team(user):
        return True
    if not user.is_authenticated:
        return False
    if any(ServiceRole.Role.APPROVER in roles for roles in service_roles(user).values()):
        return True
    return Measure.objects.filter(approver=user).exists()


def shows_approval_queue(user: AnyUser) -> bool:
    """The navigation's "Approvals": the performance team and services' approvers. Management
    and scrutiny start at the dashboard (their roles are not read for the menu); a measure's
    named approver reaches the queue from My work."""
    if is_performance_team(user):
        return True
    if not user.is_authenticated or corporate_role(user):
        return False
    return any(ServiceRole.Role.APPROVER in roles for roles in service_roles(user).values())
