"""The permission matrix of data quality, service improvement plans, the golden thread and the
planning calendar (`/quality/`, `/plans/`, `/actions/`, `/people/`, `/priorities/`,
`/planning/`, their API and admin).

The rules (README "Data quality" and "Service improvement plans and the golden thread",
`targets/permissions.py`): everyone internal (officers of any service, heads, champions, CMT, the
performance team) reads procedures, audits, plans, actions, priorities and the calendar; the
scrutiny panel and people with no role do not (their API lists are empty). A procedure is changed
by the measure's updater, the service's data-quality champion and the performance team; the audit
programme is the performance team's; an audit's action is updated by its owner, the service's
head and champion and the team. A plan is written by the head of service and the team, signed off
by the head only, reopened by the team only; an action's progress by its owner too. A person's
thread is seen by them, their heads of service, CMT and the team; the appraisal-target export and
the planning calendar's changes are the team's.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from targets.models import (
    Action,
    DataQualityAudit,
    DataQualityProcedure,
    Objective,
    PlanningMilestone,
    Priority,
    Service,
    ServicePlan,
)
from tests.security.matrix import (
    LOGIN,
    MANAGER_PAGE,
    POST_ONLY,
    REDIRECT,
    SIGNED_IN,
    TEAM,
    TEAM_PAGE,
    WASTE_MANAGERS,
    AdminModel,
    Row,
    Write,
    expect,
)
from tests.security.world import World

# Markers: each object of the area has a string found nowhere else.
PROCEDURE = "DQPROC-SRC-5M2"
AUDIT_NOTE = "DQAUDIT-NOTE-6W3"
DQ_ACTION = "DQACTION-7T4"
PLAN_SUMMARY = "WASTEPLAN-SUM-2H8"
OBJECTIVE = "WASTEOBJ-4K2"
WASTE_ACTION = "WASTEACT-9Q1"
LOOSE_ACTION = "WASTELOOSE-1B6"
HOUSING_ACTION = "HSGACT-3Z7"
MILESTONE = "MILESTONE-8R5"

OUTSIDERS = ("noroles", "sam", "member")  # signed in, but not internal
# Everyone internal reads data quality, plans and the golden thread.
INTERNAL = expect(200, anonymous=LOGIN, noroles=403, sam=403)
# Refused to everyone but `allowed` (who are sent on): a form's POST.
EVERYONE_REFUSED = expect(403, anonymous=LOGIN)
HEAD = frozenset({"hannah"})
DQ_EDITORS = frozenset({"dora", "pat"})  # waste's champion, the performance team
DQ_ACTION_UPDATERS = frozenset({"hannah", "dora", "pat"})  # head, champion, team (no owner)
PROGRESS = frozenset({"alice", "hannah", "pat"})  # the action's owner, head, team


def posted(allowed: frozenset[str]) -> dict[str, Any]:
    return EVERYONE_REFUSED | {p: REDIRECT for p in allowed}


def build(world: World) -> dict[str, Any]:
    waste = Service.objects.get(code="waste")
    housing = Service.objects.get(code="housing")
    users = world.users
    priority = Priority.objects.get(number=4)
    measure = world.measures["WST-PUB"]
    procedure = DataQualityProcedure.objects.create(
        measure=measure,
        collection="From the weighbridge",
        calculation="Recycled over collected",
        source_system=PROCEDURE,
        controls="Monthly reconciliation",
        last_reviewed=date(2026, 5, 1),
        next_review_due=date(2027, 5, 1),
    )
    dq_action = Action.objects.create(
        service=waste,
        title=DQ_ACTION,
        due=date(2027, 1, 31),
        source=Action.Source.DATA_QUALITY,
    )
    dq_audit = DataQualityAudit.objects.create(
        measure=world.measures["WST-SUB"],
        month="2026-10",
        origin=DataQualityAudit.Origin.MANUAL,
        note=AUDIT_NOTE,
    )
    dq_audit.actions.add(dq_action)

    # Waste's plan is next year's draft: this year's is signed off (the feedback part's world).
    plan = ServicePlan.objects.create(service=waste, year=2027, summary=PLAN_SUMMARY)
    plan.measures.add(measure)
    objective = Objective.objects.create(plan=plan, priority=priority, title=OBJECTIVE, order=1)
    objective.measures.add(measure)
    action = Action.objects.create(
        service=waste,
        objective=objective,
        title=WASTE_ACTION,
        owner=users["alice"],
        due=date(2027, 2, 28),
        is_appraisal_target=True,
    )
    loose = Action.objects.create(
        service=waste, title=LOOSE_ACTION, due=date(2027, 1, 15), source=Action.Source.FEEDBACK
    )
    housing_plan = ServicePlan.objects.create(
        service=housing,
        year=2026,
        summary="Housing plan",
        status=ServicePlan.Status.SIGNED_OFF,
        signed_off_by=housing.head,
    )
    housing_objective = Objective.objects.create(
        plan=housing_plan, priority=priority, title="Housing objective", order=1
    )
    housing_action = Action.objects.create(
        service=housing,
        objective=housing_objective,
        title=HOUSING_ACTION,
        owner=users["bob"],
        due=date(2027, 2, 28),
        is_appraisal_target=True,
    )
    milestone = PlanningMilestone.objects.create(
        year=2026,
        kind=PlanningMilestone.Kind.OTHER,
        title=MILESTONE,
        due=date(2026, 11, 1),
    )
    return {
        "plans_measure": measure.pk,
        "plans_priority": priority.pk,
        "plans_procedure": procedure.pk,
        "plans_audit": dq_audit.pk,
        "plans_dq_action": dq_action.pk,
        "plans_plan": plan.pk,
        "plans_objective": objective.pk,
        "plans_action": action.pk,
        "plans_loose_action": loose.pk,
        "plans_milestone": milestone.pk,
        "plans_housing_action": housing_action.pk,
        "admin:targets.dataqualityprocedure": procedure.pk,
        "admin:targets.dataqualityaudit": dq_audit.pk,
        "admin:targets.serviceplan": plan.pk,
        "admin:targets.action": action.pk,
        "admin:targets.planningmilestone": milestone.pk,
    }


def _dq_action_update() -> dict[str, Any]:
    """The audit page's form for an action: its fields are prefixed with the action's id."""
    pk = Action.objects.get(title=DQ_ACTION).pk
    return {f"a{pk}-status": "in_progress", f"a{pk}-progress": "Under way"}


def _plan_action_update() -> dict[str, Any]:
    pk = Action.objects.get(title=WASTE_ACTION).pk
    return {f"a{pk}-status": "done", f"a{pk}-progress": "Closed by the champion"}


ACTION_FORM = {
    "title": "Weigh every round",
    "objective": "{plans_objective}",
    "description": "",
    "owner": "",
    "due": "2027-03-31",
    "status": "not_started",
    "progress": "",
    "completed_on": "",
}
OBJECTIVE_FORM = {
    "title": "Less waste to landfill",
    "priority": "{plans_priority}",
    "description": "",
    "order": "2",
}
PLAN = "/plans/waste/2027/"


def api_rows() -> list[Row]:
    """The read-only API: internal users read everything, the outsiders get nothing."""
    specs = [
        ("dq-procedures", "{plans_procedure}", (PROCEDURE,)),
        ("dq-audits", "{plans_audit}", (AUDIT_NOTE, DQ_ACTION)),
        ("plans", "{plans_plan}", (PLAN_SUMMARY, OBJECTIVE)),
        ("actions", "{plans_action}", (WASTE_ACTION,)),
        ("milestones", "{plans_milestone}", (MILESTONE,)),
    ]
    refused = Write({"title": "x"}, expect(405, anonymous=403), frozenset(), json=True)
    rows: list[Row] = []
    for prefix, pk, markers in specs:
        for suffix, tail in (("/", "/$"), (".json", "\\.(?P<format>[a-z0-9]+)/?$")):
            rows.append(
                Row(
                    f"api/v1/^{prefix}{tail}",
                    f"/api/v1/{prefix}{suffix}",
                    expect(200, anonymous=403),
                    hide={p: markers for p in OUTSIDERS},
                    show={"bob": markers, "carol": markers},
                    writes=(refused,),
                )
            )
            rows.append(
                Row(
                    f"api/v1/^{prefix}/(?P<pk>[^/.]+){tail}",
                    f"/api/v1/{prefix}/{pk}{suffix}",
                    expect(200, anonymous=403, noroles=404, sam=404),
                    show={"bob": markers},
                    writes=(refused,),
                )
            )
    return rows


ROWS: list[Row] = [
    # Data quality.
    Row("quality/", "/quality/", INTERNAL),
    Row("quality/procedures/", "/quality/procedures/", INTERNAL),
    Row(
        "quality/procedures/<str:code>/",
        "/quality/procedures/WST-PUB/",
        INTERNAL,
        show={"bob": (PROCEDURE,)},
    ),
    Row(
        "quality/procedures/<str:code>/edit/",
        "/quality/procedures/WST-PUB/edit/",
        expect(403, anonymous=LOGIN, dora=200, pat=200),
        writes=(
            Write(
                {
                    "collection": "From the weighbridge tickets",
                    "calculation": "Recycled over collected",
                    "source_system": "Weighbridge",
                    "controls": "Second check",
                    "last_reviewed": "2026-11-01",
                },
                posted(DQ_EDITORS),
                DQ_EDITORS,
            ),
        ),
    ),
    Row("quality/audits/", "/quality/audits/?year=2026/27", INTERNAL, show={"bob": ("WST-SUB",)}),
    Row(
        "quality/audits/propose/",
        "/quality/audits/propose/",
        POST_ONLY,
        writes=(Write({}, posted(TEAM), TEAM),),
    ),
    Row(
        "quality/audits/new/",
        "/quality/audits/new/",
        TEAM_PAGE,
        writes=(
            Write(
                {"measure": "WST-APP", "month": "2026-11", "auditor": "", "note": "Concern"},
                posted(TEAM),
                TEAM,
            ),
        ),
    ),
    Row(
        "quality/audits/<int:pk>/",
        "/quality/audits/{plans_audit}/",
        INTERNAL,
        show={"bob": (DQ_ACTION,)},
    ),
    Row(
        "quality/audits/<int:pk>/record/",
        "/quality/audits/{plans_audit}/record/",
        TEAM_PAGE,
        writes=(
            Write(
                {
                    "auditor": "{user_alice}",
                    "sample_from": "2026-09",
                    "sample_to": "",
                    "findings": "Sampled",
                    "completed_on": "",
                    "actions-TOTAL_FORMS": "0",
                    "actions-INITIAL_FORMS": "0",
                },
                posted(TEAM),
                TEAM,
            ),
        ),
    ),
    Row(
        "quality/audits/<int:pk>/cancel/",
        "/quality/audits/{plans_audit}/cancel/",
        POST_ONLY,
        writes=(Write({"reason": "Measure withdrawn"}, posted(TEAM), TEAM),),
    ),
    Row(
        "quality/audits/<int:pk>/replace/",
        "/quality/audits/{plans_audit}/replace/",
        POST_ONLY,
        writes=(Write({"reason": "Measure withdrawn"}, posted(TEAM), TEAM),),
    ),
    Row(
        "quality/actions/<int:pk>/",
        "/quality/actions/{plans_dq_action}/",
        POST_ONLY,
        writes=(
            Write(_dq_action_update, posted(DQ_ACTION_UPDATERS), DQ_ACTION_UPDATERS),
            # Only an audit's actions are updated here: a plan's action is its owner's, its head
            # of service's and the team's (not the champion's), on its own page.
            Write(
                _plan_action_update,
                expect(404, anonymous=LOGIN, noroles=403, sam=403),
                frozenset(),
                url="/quality/actions/{plans_action}/",
            ),
        ),
    ),
    Row("quality/champions/", "/quality/champions/?quarter=2026/27-Q3", INTERNAL),
    # Progress on an audit's action through the API: as on the audit's page.
    *(
        Row(
            f"api/v1/^dq-audits/(?P<pk>[^/.]+)/actions/(?P<action_pk>[0-9]+){tail}",
            f"/api/v1/dq-audits/{{plans_audit}}/actions/{{plans_dq_action}}{suffix}",
            expect(405, anonymous=403),
            writes=(
                Write(
                    {"status": "in_progress", "progress": "Under way"},
                    expect(403, noroles=404, sam=404) | {p: 200 for p in DQ_ACTION_UPDATERS},
                    DQ_ACTION_UPDATERS,
                    json=True,
                ),
            ),
        )
        for suffix, tail in (("/", "/$"), (".json", "\\.(?P<format>[a-z0-9]+)/?$"))
    ),
    # Service improvement plans.
    # Councillors read plans once signed off (issue 17); waste's 2027/28 plan is a draft.
    Row("plans/", "/plans/?year=2026/27", SIGNED_IN | {"noroles": 403}),
    Row(
        "plans/<slug:code>/<int:year>/",
        PLAN,
        SIGNED_IN | {"noroles": 403},
        hide={
            "sam": (PLAN_SUMMARY, OBJECTIVE, WASTE_ACTION, LOOSE_ACTION),
            "member": (PLAN_SUMMARY, OBJECTIVE, WASTE_ACTION, LOOSE_ACTION),
        },
        show={"bob": (PLAN_SUMMARY, OBJECTIVE, WASTE_ACTION, LOOSE_ACTION)},
    ),  # fmt: skip
    Row(
        "plans/<slug:code>/<int:year>/new/",
        "/plans/housing/2027/new/",
        POST_ONLY,
        writes=(Write({}, posted(TEAM), TEAM),),
    ),
    Row(
        "plans/<slug:code>/<int:year>/copy/",
        "/plans/housing/2027/copy/",
        POST_ONLY,
        writes=(Write({}, posted(TEAM), TEAM),),
    ),
    Row(
        "plans/<slug:code>/<int:year>/edit/",
        f"{PLAN}edit/",
        MANAGER_PAGE,
        writes=(
            Write(
                {"summary": "Cleaner streets", "measures": "{plans_measure}"},
                posted(WASTE_MANAGERS),
                WASTE_MANAGERS,
            ),
            # Housing's plan is not the head of waste's (and, signed off, nobody changes it).
            Write(
                {"summary": "Taken over"},
                posted(TEAM),
                frozenset(),
                url="/plans/housing/2026/edit/",
            ),
        ),
    ),
    # Only the head of service signs off: not even the performance team. Next year's plan
    # cannot be signed off before March, so her request is refused too, for that reason.
    Row(
        "plans/<slug:code>/<int:year>/sign-off/",
        f"{PLAN}sign-off/",
        expect(403, anonymous=LOGIN, hannah=200),
        writes=(Write({}, {**posted(HEAD), "hannah": 400}, frozenset()),),
    ),
    Row(
        "plans/<slug:code>/<int:year>/reopen/",
        "/plans/housing/2026/reopen/",
        TEAM_PAGE,
        writes=(Write({"reason": "New budget"}, posted(TEAM), TEAM),),
    ),
    Row(
        "plans/<slug:code>/<int:year>/objectives/new/",
        f"{PLAN}objectives/new/",
        MANAGER_PAGE,
        writes=(Write(OBJECTIVE_FORM, posted(WASTE_MANAGERS), WASTE_MANAGERS),),
    ),
    Row(
        "plans/<slug:code>/<int:year>/objectives/<int:pk>/",
        PLAN + "objectives/{plans_objective}/",
        MANAGER_PAGE,
        writes=(Write(OBJECTIVE_FORM, posted(WASTE_MANAGERS), WASTE_MANAGERS),),
    ),
    Row(
        "plans/<slug:code>/<int:year>/objectives/<int:pk>/delete/",
        PLAN + "objectives/{plans_objective}/delete/",
        POST_ONLY,
        writes=(Write({}, posted(WASTE_MANAGERS), WASTE_MANAGERS),),
    ),
    Row(
        "plans/<slug:code>/<int:year>/actions/new/",
        f"{PLAN}actions/new/",
        MANAGER_PAGE,
        writes=(Write(ACTION_FORM, posted(WASTE_MANAGERS), WASTE_MANAGERS),),
    ),
    Row(
        "actions/<int:pk>/",
        "/actions/{plans_action}/",
        INTERNAL,
        show={"bob": (WASTE_ACTION,)},
        writes=(
            Write(
                {"status": "in_progress", "progress": "Under way", "completed_on": ""},
                posted(PROGRESS),
                PROGRESS,
            ),
            # Housing's action (in its signed-off plan): its owner bob and the team, not the
            # head of waste nor waste's officers.
            Write(
                {"status": "in_progress", "progress": "Under way", "completed_on": ""},
                posted(frozenset({"bob", "pat"})),
                frozenset({"bob", "pat"}),
                url="/actions/{plans_housing_action}/",
            ),
        ),
    ),
    Row(
        "actions/<int:pk>/edit/",
        "/actions/{plans_action}/edit/",
        MANAGER_PAGE,
        writes=(
            Write(
                {**ACTION_FORM, "title": "Weigh every round twice"},
                posted(WASTE_MANAGERS),
                WASTE_MANAGERS,
            ),
            # Housing's action: not the head of waste's; its plan is signed off, so the team is
            # sent to the action's page with nothing changed.
            Write(
                {**ACTION_FORM, "objective": "", "title": "Taken over"},
                posted(TEAM),
                frozenset(),
                url="/actions/{plans_housing_action}/edit/",
            ),
        ),
    ),
    Row(
        "actions/<int:pk>/attach/",
        "/actions/{plans_loose_action}/attach/",
        POST_ONLY,
        writes=(Write({"objective": "{plans_objective}"}, posted(WASTE_MANAGERS), WASTE_MANAGERS),),
    ),
    # The golden thread.
    Row(
        "people/appraisal-targets.csv",
        "/people/appraisal-targets.csv?year=2027/28",
        TEAM_PAGE,
        hide={"pat": (HOUSING_ACTION,)},
        show={"pat": (WASTE_ACTION,)},
    ),
    Row(
        "people/<str:username>/",
        "/people/alice/?year=2027",
        expect(403, anonymous=LOGIN, alice=200, hannah=200, carol=200, pat=200),
        hide={p: (HOUSING_ACTION,) for p in ("alice", "hannah", "carol", "pat")},
        show={"alice": (WASTE_ACTION,), "hannah": (WASTE_ACTION,)},
    ),
    Row("priorities/", "/priorities/?year=2026", INTERNAL),
    Row(
        "priorities/<int:number>/",
        "/priorities/4/?year=2027",
        INTERNAL,
        show={"bob": (OBJECTIVE, WASTE_ACTION)},
    ),
    # The planning calendar.
    Row("planning/", "/planning/?year=2026", INTERNAL, show={"bob": (MILESTONE,)}),
    Row(
        "planning/generate/",
        "/planning/generate/",
        POST_ONLY,
        writes=(Write({"year": "2026"}, posted(TEAM), TEAM),),
    ),
    Row(
        "planning/<int:pk>/done/",
        "/planning/{plans_milestone}/done/",
        POST_ONLY,
        writes=(Write({"done_on": ""}, posted(TEAM), TEAM),),
    ),
    *api_rows(),
]

ADMIN_MODELS: dict[str, AdminModel] = {
    "targets.dataqualityprocedure": AdminModel(),
    "targets.dataqualityaudit": AdminModel(),
    "targets.serviceplan": AdminModel(),
    "targets.action": AdminModel(),
    "targets.planningmilestone": AdminModel(),
}
