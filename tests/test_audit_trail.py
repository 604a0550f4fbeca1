"""No write without its record: every service function of every app (found by walking the
services modules) is run against a small world, and each row it creates, changes or deletes,
however it writes it (save, bulk_create, QuerySet.update, a many-to-many add), has its
`ChangeRecord` of the right object type.

A new service function fails `test_every_service_function_is_walked` until it is given a scenario
here (or, if it only reads, is named in READS, where a check of its code keeps it honest).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal as D
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, models
from django.db.models.signals import m2m_changed, post_save, pre_delete

from benchmarking import services as benchmarking_services
from benchmarking.models import Exercise, GoodPractice, Metric
from feedback import services as feedback_services
from feedback.models import Arrangement, MysteryShop, PanelResult, PanelSurvey, Round
from fsr import services as fsr_services
from fsr.governance import services as governance_services
from fsr.governance.models import Programme, ProgrammeMilestone, Risk, RiskMatrix
from fsr.models import (
    MarketIntelligence,
    MarketTest,
    Milestone,
    PeerReview,
    Review,
    SavingsLine,
)
from oim import services as oim_services
from oim.models import (
    Accreditation,
    Factor,
    FactorAssessment,
    Idea,
    KeyProcess,
    ServiceBudget,
    ServiceCostMetric,
)
from reporting import services as reporting_services
from reporting.models import ReportRun, ReportSchedule
from targets import audit
from targets import services as value_services
from targets.models import (
    Action,
    ChangeRecord,
    CorporateRole,
    DataQualityAudit,
    DataQualityProcedure,
    GroupRoleMapping,
    Measure,
    Objective,
    PlanningMilestone,
    Priority,
    Service,
    ServicePlan,
    ServiceRole,
    User,
    Value,
    ValueStatus,
)
from targets.notify import kinds as notify_kinds
from targets.notify import services as notify_services
from targets.periods import parse_period
from targets.plans import actions, cycle
from targets.plans import services as plan_services
from targets.proposals import services as proposal_services
from targets.quality import services as quality_services
from targets.sso import services as sso_services
from tests.factories import MeasureFactory, TargetFactory, UserFactory

ROOT = Path(settings.BASE_DIR)
APPS = ("targets", "benchmarking", "feedback", "oim", "fsr", "reporting")
# The planning calendar's services live beside its read model.
ALSO_SERVICES = ("targets.plans.cycle",)

# Service functions that only read: their code must hold no write (checked below).
READS = {
    "benchmarking.services.compliance",
    "fsr.services.review_delivery",
    "benchmarking.services.positions_for_measure",
    "feedback.services.plan_objectives",
    "feedback.services.satisfaction_of",
    "reporting.services.lease",
    "reporting.services.max_attempts",
    "reporting.services.requeue_after",
    # Writes a file beside the run's PDF (the board slides of its snapshot), never a row.
    "reporting.services.run_deck",
    "targets.plans.actions.action_check",
    "targets.plans.cycle.cycle_overview",
    "targets.plans.cycle.my_plan_work",
    "targets.plans.services.check_plan_measures",
    "targets.plans.services.sign_off_window",
    "targets.quality.services.audit_controls",
    "targets.quality.services.audit_facts",
    "targets.services.check_period",
    "targets.services.derived_actual",
    "targets.services.period_target",
    "targets.services.require_corrective_action",
    "targets.services.require_explanation",
    "targets.services.would_be",
    "targets.notify.services.preferences_of",
    "targets.sso.services.claims_from",
    "targets.sso.services.current_roles",
    "targets.sso.services.grants",
    "targets.sso.services.roles_text",
}
COLLECTION_CALLS = {"add", "set", "remove", "clear", "update"}
WRITE_CALLS = {
    "save",
    "create",
    "delete",
    "update",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
    "add",
    "set",
    "remove",
    "clear",
}


def service_modules() -> list[ModuleType]:
    names = [
        ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for app in APPS
        for pattern in ("services.py", "actions.py")
        for path in sorted((ROOT / app).rglob(pattern))
    ]
    return [importlib.import_module(name) for name in [*names, *ALSO_SERVICES]]


def service_functions() -> dict[str, Callable[..., Any]]:
    return {
        f"{module.__name__}.{name}": func
        for module in service_modules()
        for name, func in inspect.getmembers(module, inspect.isfunction)
        if func.__module__ == module.__name__ and not name.startswith("_")
    }


FUNCTIONS = service_functions()


# What a call writes


@dataclass
class Writes:
    rows: set[tuple[type[models.Model], int]] = field(default_factory=set)
    links: set[tuple[type[models.Model], int, type[models.Model], frozenset[int]]] = field(
        default_factory=set
    )
    tables: set[str] = field(default_factory=set)


WRITE_SQL = re.compile(
    r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.I
)


@contextmanager
def watching() -> Iterator[Writes]:
    seen = Writes()

    def saved(sender: Any, instance: models.Model, **kwargs: Any) -> None:
        seen.rows.add((type(instance), instance.pk))

    def linked(sender: Any, instance: Any, action: str, model: Any, pk_set: Any, **kw: Any) -> None:
        if action.startswith("post_"):
            seen.links.add((type(instance), instance.pk, model, frozenset(pk_set or ())))

    def sql(execute: Any, query: str, params: Any, many: bool, context: Any) -> Any:
        if match := WRITE_SQL.match(query):
            seen.tables.add(match[1])
        return execute(query, params, many, context)

    post_save.connect(saved, weak=False, dispatch_uid="audit-walk-save")
    pre_delete.connect(saved, weak=False, dispatch_uid="audit-walk-delete")
    m2m_changed.connect(linked, weak=False, dispatch_uid="audit-walk-m2m")
    try:
        with connection.execute_wrapper(sql):
            yield seen
    finally:
        post_save.disconnect(dispatch_uid="audit-walk-save")
        pre_delete.disconnect(dispatch_uid="audit-walk-delete")
        m2m_changed.disconnect(dispatch_uid="audit-walk-m2m")


def _ours(model: type[models.Model]) -> bool:
    label = model._meta.label_lower
    return model._meta.app_label in APPS and label not in audit.NOT_AUDITED


def _tables() -> dict[str, tuple[type[models.Model], ...]]:
    """Each table of ours, with the models whose records cover a write to it."""
    found: dict[str, tuple[type[models.Model], ...]] = {}
    for model in apps.get_models():
        found[model._meta.db_table] = (model,)
        for m2m in model._meta.many_to_many:
            through = m2m.remote_field.through
            found[through._meta.db_table] = (model, m2m.related_model)
    return found


def unrecorded(seen: Writes, records: list[ChangeRecord]) -> list[str]:
    """What was written without a record of its own."""
    recorded = {(r.object_type, r.object_id) for r in records}
    types = {r.object_type for r in records}
    missing = [
        f"{model._meta.label} #{pk}"
        for model, pk in seen.rows
        if _ours(model) and (audit.object_type_of(model), pk) not in recorded
    ]
    for owner, pk, other, pks in seen.links:
        sides = [(audit.object_type_of(owner), pk)] if _ours(owner) else []
        sides += [(audit.object_type_of(other), p) for p in pks if _ours(other)]
        if sides and not any(side in recorded for side in sides):
            missing.append(f"the link of {owner._meta.label} #{pk} to {other._meta.label} {pks}")
    tables = _tables()
    for table in seen.tables:
        covering = [m for m in tables.get(table, ()) if _ours(m)]
        if covering and not any(audit.object_type_of(m) in types for m in covering):
            missing.append(f"table {table} (written in bulk?)")
    return sorted(missing)


# A small world


@dataclass
class World:
    users: dict[str, User]
    waste: Service
    housing: Service
    priority: Priority
    measure: Measure
    value: Value
    plan: ServicePlan
    objective: Objective
    action: Action
    loose: Action
    milestone: PlanningMilestone
    dq_audit: DataQualityAudit
    dq_action: Action
    arrangement: Arrangement
    round: Round
    visit: MysteryShop
    survey: PanelSurvey
    factor: Factor
    metric: Metric
    idea: Idea
    review: Review
    peer: PeerReview
    extra: dict[str, Any] = field(default_factory=dict)


MONTH = parse_period("2026-10")


@pytest.fixture(autouse=True)
def _today(time_machine: Any, settings: Any, tmp_path: Path) -> None:
    time_machine.move_to("2026-11-26 12:00Z", tick=False)
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def world(db: None) -> World:
    waste = Service.objects.create(code="waste", name="Waste")
    housing = Service.objects.create(code="housing", name="Housing")
    pat = UserFactory(username="pat", corporate_role=CorporateRole.PERFORMANCE)
    hannah = UserFactory(username="hannah")
    waste.head = hannah
    waste.save()
    alice = UserFactory(username="alice")
    ServiceRole.objects.create(user=alice, service=waste, role=ServiceRole.Role.UPDATER)
    priority = Priority.objects.create(number=4, name="A cleaner greener city")
    measure = MeasureFactory(
        code="WST-01", service=waste, updater=alice, approver=hannah, frequency="monthly"
    )
    TargetFactory(measure=measure, year=2026, value=D(50))
    MeasureFactory(code="HOU-01", service=housing, frequency="monthly")
    value = Value.objects.create(measure=measure, period="2026-09", actual=D(55), entered_by=alice)
    plan = ServicePlan.objects.create(service=waste, year=2026, summary="Cleaner")
    plan.measures.add(measure)
    objective = Objective.objects.create(plan=plan, priority=priority, title="Recycle more")
    action = Action.objects.create(
        service=waste, objective=objective, title="Food waste", owner=alice, due=date(2027, 1, 31)
    )
    loose = Action.objects.create(
        service=waste, title="Call back", due=date(2027, 1, 15), source="feedback"
    )
    dq_action = Action.objects.create(
        service=waste,
        title="Fix the sheet",
        owner=alice,
        due=date(2027, 1, 31),
        source="data_quality",
    )
    dq_audit = DataQualityAudit.objects.create(measure=measure, month="2026-11")
    dq_audit.actions.add(dq_action)
    arrangement = Arrangement.objects.create(
        service=waste, kind="customer_survey", title="Survey", frequency="annual", owner=alice
    )
    feedback_round = Round.objects.create(
        arrangement=arrangement,
        started=date(2026, 9, 1),
        ended=date(2026, 9, 30),
        result="percent",
        percent_satisfied=D(80),
    )
    visit = MysteryShop.objects.create(
        service=waste, visited=date(2026, 10, 5), channel="telephone", scenario="Missed bin"
    )
    survey = PanelSurvey.objects.create(
        title="Autumn",
        topics="Parks",
        sent=date(2026, 9, 1),
        closed=date(2026, 9, 30),
        panel_size=1000,
        responses=600,
    )
    factor = Factor.objects.create(
        quadrant="people", name="Staff survey", source="assessed", weight=D(1)
    )
    metric = Metric.objects.create(code="RO-ENV", title="Spend per head", unit="currency")
    idea = Idea.objects.create(
        title="Solar bins",
        description="Compacting bins",
        submitter=alice,
        service=waste,
        status="approved",
    )
    review = Review.objects.create(
        service=waste,
        kind="fsr",
        title="Waste review",
        scope="All",
        sponsor=hannah,
        project_manager=alice,
        start=date(2026, 5, 1),
        planned_end=date(2027, 1, 31),
        status=Review.Status.IN_PROGRESS,
    )
    peer = PeerReview.objects.create(
        service=waste, reviewer_organisation="LGA", scope="Rounds", started_on=date(2026, 6, 1)
    )
    milestone = PlanningMilestone.objects.create(
        year=2026, kind="other", title="Away day", due=date(2026, 11, 1)
    )
    return World(
        users={"pat": pat, "hannah": hannah, "alice": alice},
        waste=waste,
        housing=housing,
        priority=priority,
        measure=measure,
        value=value,
        plan=plan,
        objective=objective,
        action=action,
        loose=loose,
        milestone=milestone,
        dq_audit=dq_audit,
        dq_action=dq_action,
        arrangement=arrangement,
        round=feedback_round,
        visit=visit,
        survey=survey,
        factor=factor,
        metric=metric,
        idea=idea,
        review=review,
        peer=peer,
    )


# A call of each service function that writes


def _submitted(w: World) -> Value:
    w.value.status = ValueStatus.SUBMITTED
    w.value.submitted_by = w.users["alice"]
    w.value.save()
    return w.value


def _approved(w: World) -> Value:
    w.value.status = ValueStatus.APPROVED
    w.value.save()
    return w.value


def _published(w: World) -> Value:
    w.value.status = ValueStatus.PUBLISHED
    w.value.save()
    return w.value


def _signed(w: World) -> ServicePlan:
    w.plan.status = ServicePlan.Status.SIGNED_OFF
    w.plan.signed_off_by = w.users["hannah"]
    w.plan.save()
    return w.plan


def _completed_review(w: World) -> Review:
    review = w.review
    review.status = Review.Status.COMPLETE
    review.ended_on = date(2026, 1, 31)
    review.completed_on = date(2026, 6, 30)
    review.baseline_cost, review.outcome_cost = D(1000000), D(850000)
    review.baseline_cost_year, review.outcome_cost_year = 2025, 2026
    review.save()
    return review


def _quality_input(w: World, *, finished: bool) -> quality_services.AuditInput:
    return quality_services.AuditInput(
        auditor=w.users["pat"],
        sample_from=parse_period("2026-08"),
        sample_to=parse_period("2026-09"),
        results={
            name: "pass"
            for name in (
                "accuracy",
                "validity",
                "reliability",
                "timeliness",
                "relevance",
                "completeness",
            )
        },
        findings="Sound",
        completed_on=date(2026, 11, 20) if finished else None,
    )


PAT, HANNAH, ALICE = "pat", "hannah", "alice"


def _months(w: World) -> dict[str, str]:
    from targets.periods import periods_in_year

    return {p.code: "5" for p in periods_in_year(2026, "monthly")}


def _proposed(w: World, profile: dict[str, str]) -> Any:
    from targets.models import TargetProposal

    return TargetProposal.objects.create(
        measure=w.measure,
        year=2026,
        value=D(60),
        profile=profile,
        rationale="Stretch",
        proposed_by=_u(w, HANNAH),
    )


V = value_services
P = plan_services
A = actions
Q = quality_services
OIM = oim_services
F = fsr_services
G = governance_services
FB = feedback_services
B = benchmarking_services
R = reporting_services


def _u(w: World, name: str) -> User:
    return w.users[name]


def _sso_mapped(w: World) -> None:
    GroupRoleMapping.objects.create(
        group="gt-housing-heads", service=w.housing, service_role="head"
    )
    GroupRoleMapping.objects.create(
        group="gt-waste-officers", service=w.waste, service_role=ServiceRole.Role.UPDATER
    )


def _signed_in_through_sso(w: World) -> None:
    """A first sign-in whose groups make the person the head of housing and a waste officer,
    then a second whose groups take the officer's role away."""
    claims = sso_services.Claims(
        issuer="https://login.example.gov.uk",
        subject="sub-1",
        username="newhead",
        email="newhead@example.gov.uk",
        groups=["gt-housing-heads", "gt-waste-officers"],
    )
    sso_services.sso_sign_in(claims=claims)
    sso_services.sso_sign_in(claims=replace(claims, groups=["gt-housing-heads"]))


SCENARIOS: dict[str, Callable[[World], Any]] = {
    # Single sign-on and the notifications' choices
    "targets.sso.services.sso_sign_in": _signed_in_through_sso,
    "targets.notify.services.preferences_save": lambda w: notify_services.preferences_save(
        user=_u(w, ALICE), off={notify_kinds.all_kinds()[0].code}
    ),
    # The value workflow
    "targets.services.value_save": lambda w: V.value_save(
        measure=w.measure,
        period=MONTH,
        data=V.ValueInput(actual=D(52)),
        user=_u(w, ALICE),
        expected_version=None,
    ),
    "targets.services.values_save_all": lambda w: V.values_save_all(
        period=MONTH,
        entries=[V.Entry(w.measure, V.ValueInput(actual=D(52)), None)],
        user=_u(w, ALICE),
    ),
    "targets.services.value_submit": lambda w: V.value_submit(w.value, user=_u(w, ALICE)),
    "targets.services.value_approve": lambda w: V.value_approve(w.value, user=_u(w, HANNAH)),
    "targets.services.value_return": lambda w: V.value_return(
        w.value, user=_u(w, HANNAH), reason="Check the figure"
    ),
    "targets.services.value_publish": lambda w: V.value_publish(w.value, user=_u(w, PAT)),
    "targets.services.period_publish": lambda w: V.period_publish(
        period=parse_period("2026-09"), user=_u(w, PAT)
    ),
    # Targets proposed by heads of service
    "targets.proposals.services.proposal_create": lambda w: proposal_services.proposal_create(
        user=_u(w, HANNAH), measure=w.measure, year=2026, value=D(60), rationale="Stretch"
    ),
    "targets.proposals.services.proposal_approve": lambda w: proposal_services.proposal_approve(
        user=_u(w, PAT), proposal=_proposed(w, {"2026-04": "1", **_months(w)})
    ),
    "targets.proposals.services.proposal_return": lambda w: proposal_services.proposal_return(
        user=_u(w, PAT), proposal=_proposed(w, {}), reason="Too low"
    ),
    "targets.services.values_approve": lambda w: V.values_approve(
        selected=[(w.value.pk, w.value.version)], user=_u(w, HANNAH)
    ),
    "targets.services.value_withdraw": lambda w: V.value_withdraw(
        w.value, user=_u(w, PAT), reason="The source was revised"
    ),
    # Plans
    "targets.plans.services.plan_create": lambda w: P.plan_create(
        service=w.housing, year=2026, user=_u(w, PAT)
    ),
    "targets.plans.services.plan_update": lambda w: P.plan_update(
        plan=w.plan, summary="Greener", user=_u(w, HANNAH)
    ),
    "targets.plans.services.plan_set_measures": lambda w: P.plan_set_measures(
        plan=w.plan, measures=[], user=_u(w, HANNAH)
    ),
    "targets.plans.services.plan_save": lambda w: P.plan_save(
        plan=w.plan, summary="Greener", measures=[], user=_u(w, HANNAH)
    ),
    "targets.plans.services.plan_sign_off": lambda w: P.plan_sign_off(
        plan=w.plan, user=_u(w, HANNAH)
    ),
    "targets.plans.services.plan_reopen": lambda w: P.plan_reopen(
        plan=w.plan, user=_u(w, PAT), reason="Budget cut"
    ),
    "targets.plans.services.plan_copy_forward": lambda w: P.plan_copy_forward(
        previous=w.plan, user=_u(w, HANNAH)
    ),
    "targets.plans.services.objective_save": lambda w: P.objective_save(
        objective=Objective(plan=w.plan, priority=w.priority, title="Less landfill"),
        measures=[w.measure],
        user=_u(w, HANNAH),
    ),
    "targets.plans.services.objective_delete": lambda w: P.objective_delete(
        objective=w.objective, user=_u(w, HANNAH)
    ),
    "targets.plans.services.action_save": lambda w: P.action_save(
        action=Action(service=w.waste, objective=w.objective, title="Weigh"), user=_u(w, HANNAH)
    ),
    "targets.plans.services.action_attach": lambda w: P.action_attach(
        action=w.loose, objective=w.objective, user=_u(w, HANNAH)
    ),
    "targets.plans.services.action_update_progress": lambda w: P.action_update_progress(
        action=w.action,
        status="in_progress",
        progress="Started",
        completed_on=None,
        user=_u(w, ALICE),
    ),
    "targets.plans.services.action_delete": lambda w: P.action_delete(
        action=w.loose, user=_u(w, HANNAH)
    ),
    # The one Action service
    "targets.plans.actions.action_create": lambda w: A.action_create(
        action=Action(service=w.waste, title="From a round", source="feedback"),
        user=_u(w, HANNAH),
        link=A.Link(w.round, "actions"),
    ),
    "targets.plans.actions.action_update": lambda w: A.action_update(
        action=_retitled(w.action), user=_u(w, HANNAH)
    ),
    "targets.plans.actions.action_progress": lambda w: A.action_progress(
        action=w.action,
        status="in_progress",
        progress="Half",
        completed_on=None,
        user=_u(w, ALICE),
    ),
    "targets.plans.actions.action_complete": lambda w: A.action_complete(
        action=w.action, user=_u(w, ALICE)
    ),
    "targets.plans.actions.action_cancel": lambda w: A.action_cancel(
        action=w.action, user=_u(w, ALICE)
    ),
    "targets.plans.actions.action_attach": lambda w: A.action_attach(
        action=w.loose, objective_id=w.objective.pk, user=_u(w, HANNAH)
    ),
    "targets.plans.actions.action_delete": lambda w: A.action_delete(
        action=w.loose, user=_u(w, HANNAH)
    ),
    # The planning calendar
    "targets.plans.cycle.milestones_generate": lambda w: cycle.milestones_generate(
        year=2026, user=_u(w, PAT)
    ),
    "targets.plans.cycle.milestone_mark_done": lambda w: cycle.milestone_mark_done(
        milestone=w.milestone, user=_u(w, PAT)
    ),
    # Data quality
    "targets.quality.services.procedure_save": lambda w: Q.procedure_save(
        measure=w.measure,
        data=Q.ProcedureInput("Weighbridge", "Sum", "Civica", "Checked", date(2026, 10, 1)),
        user=_u(w, ALICE),
    ),
    "targets.quality.services.audits_propose": lambda w: Q.audits_propose(
        month=parse_period("2026-12")
    ),
    "targets.quality.services.audit_add": lambda w: Q.audit_add(
        measure=w.measure,
        month=parse_period("2026-12"),
        auditor=None,
        note="Asked by CMT",
        user=_u(w, PAT),
    ),
    "targets.quality.services.audit_cancel": lambda w: Q.audit_cancel(
        audit_row=w.dq_audit, reason="Withdrawn", user=_u(w, PAT)
    ),
    "targets.quality.services.audit_replace": lambda w: Q.audit_replace(
        audit_row=w.dq_audit, reason="Withdrawn", user=_u(w, PAT)
    ),
    "targets.quality.services.audit_record": lambda w: Q.audit_record(
        audit_row=w.dq_audit,
        data=_quality_input(w, finished=True),
        actions=[Q.ActionInput("Second check", w.users["alice"], date(2027, 1, 31))],
        user=_u(w, PAT),
    ),
    "targets.quality.services.audit_controls_save": lambda w: Q.audit_controls_save(
        audit_row=w.dq_audit,
        checks=[
            Q.ControlInput(1, True, "working", "Seen"),
            Q.ControlInput(2, True, "not_working", "Not done", date(2027, 1, 31)),
        ],
        user=_u(w, PAT),
    ),
    "targets.quality.services.action_update": lambda w: Q.action_update(
        action=w.dq_action, status="cancelled", progress="Moot", user=_u(w, ALICE)
    ),
    # Benchmarking
    "benchmarking.services.exercise_save": lambda w: B.exercise_save(
        exercise=Exercise(
            service=w.waste, year=2026, title="Fleet", sector="within", scope="Costs"
        ),
        metric_ids=[w.metric.pk],
        user=_u(w, HANNAH),
    ),
    "benchmarking.services.exercise_action_add": lambda w: B.exercise_action_add(
        exercise=B.exercise_save(
            exercise=Exercise(
                service=w.waste, year=2026, title="Fleet", sector="outside", scope="Costs"
            ),
            metric_ids=None,
            user=_u(w, HANNAH),
        ),
        action=Action(title="Share the fleet", objective=w.objective, due=date(2027, 2, 1)),
        user=_u(w, HANNAH),
    ),
    "benchmarking.services.good_practice_save": lambda w: B.good_practice_save(
        entry=GoodPractice(
            service=w.waste,
            topic="Food waste",
            title="Caddies",
            description="Free caddies",
            year=2026,
        ),
        user=_u(w, HANNAH),
    ),
    # Customer feedback
    "feedback.services.arrangement_save": lambda w: FB.arrangement_save(
        arrangement=_retitled(w.arrangement), user=_u(w, HANNAH)
    ),
    "feedback.services.round_save": lambda w: FB.round_save(
        item=Round(
            arrangement=w.arrangement,
            started=date(2026, 10, 1),
            ended=date(2026, 10, 31),
            result="percent",
            percent_satisfied=D(75),
        ),
        user=_u(w, ALICE),
    ),
    "feedback.services.action_save": lambda w: FB.action_save(
        action=Action(service=w.waste, title="Ring back", due=date(2027, 1, 1), source="feedback"),
        user=_u(w, HANNAH),
        feedback_round=w.round,
    ),
    "feedback.services.panel_survey_save": lambda w: FB.panel_survey_save(
        survey=_retitled(w.survey), user=_u(w, PAT)
    ),
    "feedback.services.panel_result_save": lambda w: FB.panel_result_save(
        result=PanelResult(
            survey=w.survey, question="Satisfied with parks?", percent_satisfied=D(70)
        ),
        user=_u(w, PAT),
    ),
    "feedback.services.visit_save": lambda w: FB.visit_save(
        visit=MysteryShop(
            service=w.waste, visited=date(2026, 11, 2), channel="telephone", scenario="Bulky waste"
        ),
        user=_u(w, HANNAH),
    ),
    # The improvement model
    "oim.services.factor_save": lambda w: OIM.factor_save(
        factor=_renamed(w.factor), user=_u(w, PAT)
    ),
    "oim.services.quadrant_weights_save": lambda w: OIM.quadrant_weights_save(
        weights={"people": D(2)}, user=_u(w, PAT)
    ),
    "oim.services.assessment_save": lambda w: OIM.assessment_save(
        assessment=FactorAssessment(
            factor=w.factor,
            service=w.waste,
            year=2026,
            score=3,
            evidence="Survey",
            assessed_on=date(2026, 11, 1),
        ),
        user=_u(w, PAT),
    ),
    "oim.services.assessment_delete": lambda w: OIM.assessment_delete(
        assessment=w.extra["assessment"], user=_u(w, PAT)
    ),
    "oim.services.assessments_save": lambda w: OIM.assessments_save(
        service=w.waste,
        year=2026,
        assessed=[OIM.Assessed(w.factor, 2, "Survey", date(2026, 11, 1))],
        user=_u(w, PAT),
    ),
    "oim.services.budget_save": lambda w: OIM.budget_save(
        budget=ServiceBudget(service=w.waste, year=2026, net_budget=D(6500000)), user=_u(w, PAT)
    ),
    "oim.services.budget_delete": lambda w: OIM.budget_delete(
        budget=w.extra["budget"], user=_u(w, PAT)
    ),
    "oim.services.budgets_save": lambda w: OIM.budgets_save(
        year=2026, rows=[OIM.Budgeted(w.waste, D(6500000), w.metric)], user=_u(w, PAT)
    ),
    "oim.services.cost_metric_save": lambda w: OIM.cost_metric_save(
        link=ServiceCostMetric(service=w.waste, metric=w.metric), user=_u(w, PAT)
    ),
    "oim.services.cost_metric_delete": lambda w: OIM.cost_metric_delete(
        link=w.extra["link"], user=_u(w, PAT)
    ),
    "oim.services.idea_submit": lambda w: OIM.idea_submit(
        idea=Idea(title="Paperless", description="Less paper", service=w.waste),
        user=_u(w, ALICE),
    ),
    "oim.services.idea_move": lambda w: OIM.idea_move(
        idea=w.idea, status="implemented", user=_u(w, PAT)
    ),
    "oim.services.idea_award": lambda w: OIM.idea_award(
        idea=w.idea, amount=D(5000), year=2026, user=_u(w, PAT)
    ),
    "oim.services.idea_record_saving": lambda w: OIM.idea_record_saving(
        idea=w.idea, realised=D(2000), user=_u(w, PAT)
    ),
    "oim.services.spend_to_save_set": lambda w: OIM.spend_to_save_set(
        year=2026, amount=D(60000), user=_u(w, PAT)
    ),
    "oim.services.key_process_save": lambda w: OIM.key_process_save(
        process=KeyProcess(service=w.waste, name="Bin delivery"), user=_u(w, HANNAH)
    ),
    "oim.services.accreditation_save": lambda w: OIM.accreditation_save(
        accreditation=Accreditation(service=w.waste, scheme="cse", status="working_towards"),
        user=_u(w, HANNAH),
    ),
    # Service reviews
    "fsr.services.review_save": lambda w: F.review_save(
        review=_retitled(w.review), user=_u(w, HANNAH)
    ),
    "fsr.services.review_transition": lambda w: F.review_transition(
        review=w.review, to=Review.Status.ABANDONED, user=_u(w, HANNAH)
    ),
    "fsr.services.review_measure_outcome": lambda w: F.review_measure_outcome(
        review=w.review, user=_u(w, PAT)
    ),
    "fsr.services.milestones_save": lambda w: F.milestones_save(
        review=w.review,
        user=_u(w, HANNAH),
        changed=[
            Milestone(
                review=w.review, title="Options to CEB", due=date(2026, 12, 1), owner=_u(w, ALICE)
            )
        ],
    ),
    "fsr.services.review_action_save": lambda w: F.review_action_save(
        review=w.review,
        action=Action(title="Re-route", due=date(2027, 1, 31)),
        user=_u(w, HANNAH),
    ),
    "fsr.services.market_test_save": lambda w: F.market_test_save(
        market_test=MarketTest(review=w.review, recommended_on=date(2026, 11, 1)),
        user=_u(w, PAT),
    ),
    "fsr.services.market_test_decide": lambda w: F.market_test_decide(
        market_test=w.extra["market_test"],
        user=w.extra["ceb"],
        approval=MarketTest.Approval.APPROVED,
        decided_on=date(2026, 11, 20),
        minute_reference="CEB 20/11/26 minute 4",
    ),
    "fsr.services.review_rules_save": lambda w: F.review_rules_save(
        kinds=["fsr", "peer_review"], user=_u(w, PAT)
    ),
    "fsr.services.peer_review_save": lambda w: F.peer_review_save(
        peer_review=_retitled(w.peer, field="scope"), user=_u(w, HANNAH)
    ),
    "fsr.services.peer_recommendation_save": lambda w: F.peer_recommendation_save(
        peer_review=w.peer,
        action=Action(title="Share the depot", due=date(2027, 3, 31)),
        user=_u(w, HANNAH),
    ),
    "fsr.services.intelligence_save": lambda w: F.intelligence_save(
        note=MarketIntelligence(
            service=w.waste,
            source="APSE",
            sector="private",
            noted_on=date(2026, 11, 1),
            summary="New entrant",
        ),
        user=_u(w, HANNAH),
    ),
    "fsr.services.savings_line_save": lambda w: F.savings_line_save(
        line=SavingsLine(
            year=2026,
            service=w.waste,
            source="other",
            title="Fleet",
            target=D(1000),
            delivered=D(500),
        ),
        user=_u(w, PAT),
    ),
    "fsr.services.savings_from_review": lambda w: F.savings_from_review(
        review=w.review, user=_u(w, PAT)
    ),
    # The risk register and corporate programmes (issue 17, item 8)
    "fsr.governance.services.risk_save": lambda w: G.risk_save(
        risk=_governance_risk(w), measures=[w.measure], user=_u(w, HANNAH)
    ),
    "fsr.governance.services.risk_action_save": lambda w: G.risk_action_save(
        risk=w.extra["risk"],
        action=Action(title="Brief the crews", due=date(2027, 1, 31)),
        user=_u(w, HANNAH),
    ),
    "fsr.governance.services.matrix_save": lambda w: G.matrix_save(
        matrix=RiskMatrix(size=4, medium_from=4, high_from=9), user=_u(w, PAT)
    ),
    "fsr.governance.services.programme_save": lambda w: G.programme_save(
        programme=Programme(
            title="Fit for the Future",
            aims="Smaller",
            sponsor=_u(w, HANNAH),
            board="CMT",
            start=date(2026, 4, 1),
            planned_end=date(2028, 3, 31),
        ),
        risks=[w.extra["risk"]],
        savings=[w.extra["line"]],
        user=_u(w, PAT),
    ),
    "fsr.governance.services.programme_progress": lambda w: G.programme_progress(
        programme=w.extra["programme"], changes={"rag_cost": "red"}, user=_u(w, HANNAH)
    ),
    "fsr.governance.services.programme_milestones_save": lambda w: G.programme_milestones_save(
        programme=w.extra["programme"],
        changed=[ProgrammeMilestone(title="Homes handed over", due=date(2027, 3, 1))],
        user=_u(w, HANNAH),
    ),
    # Report runs: only their own log (audit.NOT_AUDITED), checked all the same
    "reporting.services.request_run": lambda w: R.request_run(
        schedule=ReportSchedule.objects.order_by("pk").first(),
        period=MONTH,
        dispatch=False,
        user=_u(w, PAT),
    ),
    "reporting.services.run_claim": lambda w: R.run_claim(run_id=w.extra["run"].pk),
    "reporting.services.run_report": lambda w: R.run_report(run_id=w.extra["run"].pk),
    "reporting.services.run_dispatch": lambda w: R.run_dispatch(run_id=w.extra["run"].pk),
    "reporting.services.start_due_runs": lambda w: R.start_due_runs(),
    "reporting.services.run_narrative_edit": lambda w: R.run_narrative_edit(
        run_id=w.extra["run"].pk, user=_u(w, PAT), text="Steady on every measure."
    ),
}


def _retitled(obj: Any, field: str = "title") -> Any:
    setattr(obj, field, f"{getattr(obj, field)} (changed)")
    return obj


def _renamed(obj: Any) -> Any:
    return _retitled(obj, "name")


def _requested(w: World) -> None:
    schedule = ReportSchedule.objects.order_by("pk").first()
    assert schedule is not None
    w.extra["run"] = ReportRun.objects.create(schedule=schedule, period=MONTH.code, version=1)


def _made_draft(w: World) -> None:
    _requested(w)
    run = R.run_report(run_id=w.extra["run"].pk)
    assert run.status == "done", run.error
    ReportRun.objects.filter(pk=run.pk).update(pack_status="draft")


def _assessed(w: World) -> None:
    w.extra["assessment"] = FactorAssessment.objects.create(
        factor=w.factor,
        service=w.waste,
        year=2026,
        score=3,
        evidence="Survey",
        assessed_on=date(2026, 11, 1),
    )


def _budgeted(w: World) -> None:
    w.extra["budget"] = ServiceBudget.objects.create(service=w.waste, year=2026, net_budget=D(1))


def _unable_review(w: World) -> Review:
    """The review's plan agreed, and a milestone of it missed: unable to deliver."""
    review = w.review
    review.status = Review.Status.AGREED
    review.ended_on = date(2026, 8, 31)
    review.save()
    Milestone.objects.create(review=review, title="New rota", due=date(2026, 10, 1))
    return review


def _recommended(w: World) -> None:
    w.extra["market_test"] = MarketTest.objects.create(
        review=_unable_review(w), recommended_on=date(2026, 11, 1)
    )
    w.extra["ceb"] = UserFactory(username="helen", corporate_role=CorporateRole.CEB)


def _linked(w: World) -> None:
    w.extra["link"] = ServiceCostMetric.objects.create(service=w.waste, metric=w.metric)


def _governance_risk(w: World) -> Risk:
    return Risk(
        kind=Risk.Kind.SERVICE,
        service=w.waste,
        title="Missed collections",
        cause="New rounds",
        effect="Complaints",
        owner=w.users["alice"],
        inherent_likelihood=4,
        inherent_impact=3,
        controls="Briefings",
        residual_likelihood=2,
        residual_impact=3,
        review_date=date(2027, 1, 31),
    )


def _risked(w: World) -> None:
    risk = _governance_risk(w)
    risk.reference = "WASTE-R01"
    risk.save()
    w.extra["risk"] = risk
    w.extra["line"] = SavingsLine.objects.create(
        year=2026, source="other", title="Floor", target=D(1000)
    )
    w.extra["programme"] = Programme.objects.create(
        title="Homes",
        aims="More homes",
        sponsor=w.users["hannah"],
        board="CEB",
        start=date(2026, 4, 1),
        planned_end=date(2029, 3, 31),
    )


# What a scenario needs arranged first, outside the watch.
def _procedure(w: World) -> None:
    DataQualityProcedure.objects.create(
        measure=w.dq_audit.measure,
        collection="Tickets",
        calculation="Tonnes",
        source_system="Weighbridge",
        controls="Reconciled monthly\nSecond check of ten tickets",
        last_reviewed=date(2026, 5, 1),
        next_review_due=date(2027, 5, 1),
    )


PREPARE: dict[str, Callable[[World], Any]] = {
    "targets.quality.services.audit_controls_save": _procedure,
    "targets.sso.services.sso_sign_in": _sso_mapped,
    "targets.services.value_approve": _submitted,
    "targets.services.value_return": _submitted,
    "targets.services.value_publish": _approved,
    "targets.services.period_publish": _approved,
    "targets.services.values_approve": _submitted,
    "targets.services.value_withdraw": _published,
    "targets.plans.services.plan_reopen": _signed,
    "fsr.services.review_measure_outcome": _completed_review,
    "fsr.services.savings_from_review": _completed_review,
    "fsr.governance.services.risk_action_save": _risked,
    "fsr.governance.services.programme_save": _risked,
    "fsr.governance.services.programme_progress": _risked,
    "fsr.governance.services.programme_milestones_save": _risked,
    "fsr.services.market_test_save": _unable_review,
    "fsr.services.market_test_decide": _recommended,
    "oim.services.assessment_delete": _assessed,
    "oim.services.budget_delete": _budgeted,
    "oim.services.cost_metric_delete": _linked,
    "reporting.services.run_claim": _requested,
    "reporting.services.run_report": _requested,
    "reporting.services.run_dispatch": _requested,
    "reporting.services.run_narrative_edit": _made_draft,
}


# The checks


def test_every_service_function_is_walked() -> None:
    assert len(FUNCTIONS) > 80  # the walk finds the apps' services
    unknown = sorted(set(FUNCTIONS) - set(SCENARIOS) - READS)
    assert not unknown, (
        f"Give these service functions a scenario (or name them in READS): {unknown}"
    )
    assert not (set(SCENARIOS) | READS) - set(FUNCTIONS), "scenarios of functions that are gone"


def _writes_in(func: Callable[..., Any]) -> list[str]:
    """The write calls in a function's code. `add`, `set`, `remove`, `clear` and `update` on a
    plain name are a set's or a dict's; on a manager or a queryset they write."""
    tree = ast.parse(inspect.getsource(func).lstrip())
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        name, receiver = node.func.attr, node.func.value
        if name in COLLECTION_CALLS and isinstance(receiver, ast.Name):
            continue
        if name in WRITE_CALLS:
            found.append(name)
    return found


@pytest.mark.parametrize("name", sorted(READS))
def test_a_reading_service_function_writes_nothing(name: str) -> None:
    assert _writes_in(FUNCTIONS[name]) == []


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_every_write_of_a_service_function_has_its_record(world: World, name: str) -> None:
    if name in PREPARE:
        PREPARE[name](world)
    since = ChangeRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with watching() as seen:
        SCENARIOS[name](world)
    assert seen.rows or seen.tables, f"{name}'s scenario wrote nothing: it proves nothing"
    records = list(ChangeRecord.objects.filter(pk__gt=since))
    assert unrecorded(seen, records) == []


# The walk itself finds what it must


def test_a_write_without_its_record_is_found(world: World) -> None:
    since = ChangeRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with watching() as seen:
        world.loose.title = "Quietly renamed"
        world.loose.save()
        Action.objects.filter(pk=world.action.pk).update(title="Renamed in bulk")
        world.round.actions.add(world.loose)
    records = list(ChangeRecord.objects.filter(pk__gt=since))
    found = unrecorded(seen, records)
    assert found == [
        "table feedback_round_actions (written in bulk?)",
        "table targets_action (written in bulk?)",
        f"targets.Action #{world.loose.pk}",
        f"the link of feedback.Round #{world.round.pk} to targets.Action "
        f"{frozenset({world.loose.pk})}",
    ]
    with watching() as bulk:
        Objective.objects.filter(pk=world.objective.pk).update(title="Bulk")
    assert unrecorded(bulk, []) == ["table targets_objective (written in bulk?)"]


# The admin writes through the same helper


def test_every_admin_of_ours_is_audited() -> None:
    from django.contrib import admin

    from targets.admin import AuditedAdmin

    ours = {
        model._meta.label_lower: model_admin
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in APPS
    }
    assert len(ours) > 30
    unaudited = sorted(
        label
        for label, model_admin in ours.items()
        if not isinstance(model_admin, AuditedAdmin)
        and label not in audit.NOT_AUDITED
        and label != "targets.changerecord"  # read only
    )
    assert unaudited == []


def test_a_change_in_the_admin_is_recorded_with_its_many_to_many(world: World) -> None:
    from django.test import Client

    client = Client()
    client.force_login(world.users["pat"])
    url = f"/admin/feedback/round/{world.round.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(
        url,
        {
            "arrangement": world.arrangement.pk,
            "started": "2026-09-01",
            "ended": "2026-09-30",
            "result": "percent",
            "percent_satisfied": "85",
            "findings": "Better",
            "actions": [world.loose.pk],
        },
    )
    assert response.status_code == 302, response.content[:2000]
    (entry,) = ChangeRecord.objects.filter(object_type="round", object_id=world.round.pk)
    assert (entry.source, entry.user) == ("admin", world.users["pat"])
    assert entry.changes["percent_satisfied"] == ["80", "85"]
    assert entry.changes["actions"] == [None, str(world.loose.pk)]


def test_records_are_built_by_the_audit_helper_only() -> None:
    """One writer: `ChangeRecord(...)` and `ChangeRecord.objects.create(...)` appear in
    targets/audit.py alone (imports bulk-create what `audit.change_record` built)."""
    built = re.compile(r"ChangeRecord\(|ChangeRecord\.objects\.(create|get_or_create)\(")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts and path != ROOT / "targets" / "audit.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if built.search(line) and not line.lstrip().startswith("class ChangeRecord(")
    ]
    assert found == []
