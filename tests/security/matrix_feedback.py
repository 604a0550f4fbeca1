"""The permission matrix of customer feedback (`/feedback/…`, `/api/v1/feedback/…`, its admin).

The rules (README "Customer feedback", `feedback.permissions`): everyone signed in reads the
arrangements, rounds, residents' panel, mystery shopping and compliance; complaints and
compliments (the list, the overview's and a service's monthly figures, the API) are for staff who
see internal values — never for scrutiny members or people without a role
(`can_view_complaints`); the CRM's export is imported by the performance team
(`can_import_complaints`), who also keep the residents' panel (`can_manage_panel`). Heads of
service and the performance team manage their services' arrangements, visits and actions
(`can_manage_service`); an arrangement's owner records its rounds and their actions, an action's
owner updates it (`can_record_feedback`); a signed-off plan takes actions only from the head of
service or the performance team (`can_add_action_to_plan`).

In this world dora (waste data-quality champion) owns waste's arrangement, alice owns the action
its round led to, and waste's plan for 2026/27 is signed off.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from feedback.models import (
    Arrangement,
    Complaint,
    ComplaintImport,
    DerivedMeasure,
    MysteryShop,
    PanelResult,
    PanelSurvey,
    Round,
)
from targets.models import Action, Measure, Objective, Priority, Service, ServicePlan
from tests.factories import MeasureFactory
from tests.security.matrix import (
    API,
    LOGIN,
    MANAGER_PAGE,
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
from tests.security.world import PERSONAS, World

# Distinguishable strings: the complaints (internal), the import's file, and the records.
WASTE_COMPLAINT = "MXFB-CMP-7Q2W"
HOUSING_COMPLIMENT = "MXFB-CMP-8H3H"
IMPORT_FILE = "crm-mxfb-9K4W.csv"
COMPLAINTS = (WASTE_COMPLAINT, HOUSING_COMPLIMENT)
# Headings of the complaints sections of the overview and a service's page.
COUNCIL_COMPLAINTS = "Complaints and compliments, council-wide"
SERVICE_COMPLAINTS = "Complaints and compliments, last twelve months"
WASTE_ARRANGEMENT = "MXFB waste collection survey"
HOUSING_ARRANGEMENT = "MXFB tenants survey"
WASTE_ROUND_FINDINGS = "MXFB-ROUND-FINDINGS-3J7"
PANEL_SURVEY = "MXFB residents panel spring"
WASTE_VISIT = "MXFB reporting a missed bin"
HOUSING_VISIT = "MXFB booking a repair"
ROUND_ACTION = "MXFB-ACTION-clearer-leaflets"
# An action of the visit in waste's signed-off plan: plans are not read by scrutiny members nor
# by people without a role, so its objective's title is not shown to them.
PLANNED_ACTION = "MXFB-ACTION-call-scripts"
OBJECTIVE = "MXFB-OBJECTIVE-fewer-missed-bins"

# Who may see complaints: everyone with an internal view (not scrutiny, not the role-less).
NO_COMPLAINTS = ("noroles", "sam", "member")
COMPLAINT_STAFF = tuple(p for p in PERSONAS if p not in (*NO_COMPLAINTS, "anonymous"))
HIDE_COMPLAINTS = {p: COMPLAINTS for p in NO_COMPLAINTS}

# The head of waste and the performance team manage waste; dora owns its arrangement.
ROUND_RECORDERS = frozenset({"hannah", "dora", "pat"})
# alice owns the round's action.
ACTION_UPDATERS = frozenset({"alice", "hannah", "pat"})
RECORDER_PAGE = expect(403, anonymous=LOGIN, hannah=200, dora=200, pat=200)
ACTION_PAGE = expect(403, anonymous=LOGIN, alice=200, hannah=200, pat=200)
READ_ONLY_API = Write({"title": "x"}, expect(405, anonymous=403), frozenset(), json=True)


def _redirect(allowed: frozenset[str], page: dict[str, Any]) -> dict[str, Any]:
    return page | {p: REDIRECT for p in allowed}


def build(world: World) -> dict[str, Any]:
    waste = Service.objects.get(code="waste")
    housing = Service.objects.get(code="housing")
    users = world.users
    dora, alice, pat = users["dora"], users["alice"], users["pat"]
    assert dora is not None and alice is not None and pat is not None

    arrangement = Arrangement.objects.create(
        service=waste,
        kind=Arrangement.Kind.CUSTOMER_SURVEY,
        title=WASTE_ARRANGEMENT,
        frequency=Arrangement.Frequency.QUARTERLY,
        owner=dora,
    )
    housing_arrangement = Arrangement.objects.create(
        service=housing,
        kind=Arrangement.Kind.CUSTOMER_SURVEY,
        title=HOUSING_ARRANGEMENT,
        frequency=Arrangement.Frequency.ANNUAL,
    )
    feedback_round = Round.objects.create(
        arrangement=arrangement,
        started=date(2026, 7, 1),
        ended=date(2026, 7, 31),
        respondents=412,
        result=Round.Result.PERCENT,
        percent_satisfied=Decimal("71.3"),
        satisfaction=Decimal("71.3"),
        findings=WASTE_ROUND_FINDINGS,
    )
    action = Action.objects.create(
        service=waste,
        title=ROUND_ACTION,
        owner=alice,
        due=date(2027, 1, 31),
        source=Action.Source.FEEDBACK,
    )
    feedback_round.actions.add(action)
    Round.objects.create(
        arrangement=housing_arrangement,
        started=date(2026, 5, 1),
        ended=date(2026, 5, 31),
        result=Round.Result.PERCENT,
        percent_satisfied=Decimal("64.1"),
        satisfaction=Decimal("64.1"),
    )
    # Waste's plan for this financial year is signed off: only its head and the performance
    # team may add actions to it.
    plan, _ = ServicePlan.objects.get_or_create(service=waste, year=2026)
    plan.status = ServicePlan.Status.SIGNED_OFF
    plan.signed_off_by = users["hannah"]
    plan.save()
    objective = Objective.objects.create(
        plan=plan, priority=Priority.objects.get(number=4), title=OBJECTIVE
    )

    survey = PanelSurvey.objects.create(
        title=PANEL_SURVEY,
        topics="Parks, Litter",
        sent=date(2026, 4, 10),
        closed=date(2026, 5, 8),
        panel_size=900,
        responses=512,
    )
    PanelResult.objects.create(
        survey=survey,
        service=waste,
        question="Satisfied with bin collections",
        percent_satisfied=80,
    )
    visit = MysteryShop.objects.create(
        service=waste,
        visited=date(2026, 9, 14),
        channel=MysteryShop.Channel.TELEPHONE,
        scenario=WASTE_VISIT,
        score=Decimal("68"),
    )
    planned = Action.objects.create(
        service=waste,
        objective=objective,
        title=PLANNED_ACTION,
        owner=alice,
        due=date(2027, 3, 31),
        source=Action.Source.MYSTERY_SHOPPING,
    )
    visit.actions.add(planned)
    housing_visit = MysteryShop.objects.create(
        service=housing,
        visited=date(2026, 9, 15),
        channel=MysteryShop.Channel.WEBSITE,
        scenario=HOUSING_VISIT,
        score=Decimal("74"),
    )

    run = ComplaintImport.objects.create(
        file_name=IMPORT_FILE, imported_by=pat, rows=2, created=2, months=["2026-10"]
    )
    Complaint.objects.create(
        reference=WASTE_COMPLAINT,
        kind=Complaint.Kind.COMPLAINT,
        service=waste,
        received=date(2026, 10, 6),
        due=date(2026, 10, 20),
        responded=date(2026, 10, 17),
        stage=Complaint.Stage.values[0],
        import_run=run,
    )
    Complaint.objects.create(
        reference=HOUSING_COMPLIMENT,
        kind=Complaint.Kind.COMPLIMENT,
        service=housing,
        received=date(2026, 10, 9),
        import_run=run,
    )
    # Reported annually here, so that it stays off the core matrix's waste month grid form.
    derived = MeasureFactory(
        code="MXFB-CP20",
        title="Waste complaints received",
        service=waste,
        unit=Measure.Unit.COUNT,
        decimals=0,
        frequency=Measure.Frequency.ANNUAL,
    )
    DerivedMeasure.objects.create(
        measure=derived, figure=DerivedMeasure.Figure.COMPLAINTS, service=waste
    )
    return {
        "feedback_arrangement": arrangement.pk,
        "feedback_housing_arrangement": housing_arrangement.pk,
        "feedback_round": feedback_round.pk,
        "feedback_action": action.pk,
        "feedback_planned_action": planned.pk,
        "feedback_objective": objective.pk,
        "feedback_survey": survey.pk,
        "feedback_visit": visit.pk,
        "feedback_housing_visit": housing_visit.pk,
        "feedback_complaint": WASTE_COMPLAINT,
        "feedback_alice": alice.pk,
    }


def _complaints_csv() -> dict[str, Any]:
    body = (
        "reference,service,received,due,responded,stage,kind\n"
        "MXFB-UP-1,waste,2026-10-01,2026-10-20,2026-10-15,1,complaint\n"
    )
    return {"file": SimpleUploadedFile("crm.csv", body.encode(), "text/csv")}


ARRANGEMENT_FORM = {
    "service": "{waste}",
    "kind": "customer_survey",
    "title": "MXFB kerbside survey",
    "description": "Residents on collection rounds.",
    "frequency": "annual",
    "owner": "",
    "is_active": "on",
}
ROUND_FORM = {
    "started": "2026-10-01",
    "ended": "2026-10-31",
    "respondents": "120",
    "result": "percent",
    "percent_satisfied": "73.5",
    "findings": "Residents want clearer collection calendars.",
}
ACTION_FORM = {
    "title": "MXFB publish a collection calendar",
    "description": "",
    "owner": "{feedback_alice}",
    "due": "2027-02-28",
    "status": "not_started",
    "progress": "",
    "objective": "",
}
IN_SIGNED_OFF_PLAN = {**ACTION_FORM, "objective": "{feedback_objective}"}
PLANNED_ACTION_FORM = {
    "title": PLANNED_ACTION,
    "description": "",
    "owner": "{feedback_alice}",
    "due": "2027-03-31",
    "status": "in_progress",
    "progress": "Scripts drafted.",
    "objective": "{feedback_objective}",
}
HIDE_PLANS = {p: (OBJECTIVE,) for p in NO_COMPLAINTS}
PANEL_FORM = {
    "title": "MXFB residents panel autumn",
    "topics": "Housing, Parks",
    "sent": "2026-10-01",
    "closed": "2026-10-29",
    "panel_size": "900",
    "responses": "480",
    "headlines": "Most residents are satisfied with parks.",
}
VISIT_FORM = {
    "service": "{waste}",
    "visited": "2026-10-12",
    "channel": "email",
    "scenario": "MXFB asking for a new bin",
    "score": "81",
    "findings": "Answered within a day.",
    "shared_with_staff": "2026-10-20",
}
ONLY_TEAM = expect(403, anonymous=LOGIN, pat=REDIRECT)


def api_rows() -> list[Row]:
    """The feedback API (a SimpleRouter: no format suffixes), read only."""
    rows: list[Row] = []
    specs = (
        ("arrangements", "pk", "{feedback_arrangement}", HOUSING_ARRANGEMENT),
        ("rounds", "pk", "{feedback_round}", ROUND_ACTION),
        ("panel-surveys", "pk", "{feedback_survey}", PANEL_SURVEY),
        ("mystery-shopping", "pk", "{feedback_visit}", HOUSING_VISIT),
    )
    for prefix, key, sample, marker in specs:
        rows.append(
            Row(
                f"api/v1/^feedback/{prefix}/$",
                f"/api/v1/feedback/{prefix}/",
                API,
                # Read by everyone signed in, scrutiny included.
                show={"sam": (marker,), "noroles": (marker,)},
                writes=(READ_ONLY_API,),
            )
        )
        rows.append(
            Row(
                f"api/v1/^feedback/{prefix}/(?P<{key}>[^/.]+)/$",
                f"/api/v1/feedback/{prefix}/{sample}/",
                API,
                writes=(
                    Write(
                        {"title": "x"}, expect(405, anonymous=403), frozenset(), "put", json=True
                    ),
                    Write({}, expect(405, anonymous=403), frozenset(), "delete"),
                ),
            )
        )
    rows.append(
        Row(
            "api/v1/^feedback/complaints/$",
            "/api/v1/feedback/complaints/",
            API,
            hide=HIDE_COMPLAINTS,
            show={p: COMPLAINTS for p in COMPLAINT_STAFF},
            writes=(READ_ONLY_API,),
        )
    )
    rows.append(
        Row(
            "api/v1/^feedback/complaints/(?P<reference>[^/.]+)/$",
            "/api/v1/feedback/complaints/{feedback_complaint}/",
            expect(200, anonymous=403, noroles=404, sam=404),
            show={"bob": (WASTE_COMPLAINT,)},
            writes=(
                # Read only: the method is refused before the complaint is looked up.
                Write({"stage": "2"}, expect(405, anonymous=403), frozenset(), "patch", json=True),
            ),
        )
    )
    return rows


ROWS: list[Row] = [
    # Reading: everyone signed in; the complaints sections only for staff with an internal view.
    Row(
        "feedback/",
        "/feedback/",
        SIGNED_IN,
        hide={p: (IMPORT_FILE, COUNCIL_COMPLAINTS) for p in NO_COMPLAINTS},
        show={p: (IMPORT_FILE, COUNCIL_COMPLAINTS) for p in COMPLAINT_STAFF},
    ),
    Row("feedback/compliance/", "/feedback/compliance/?year=2026", SIGNED_IN),
    Row(
        "feedback/services/",
        "/feedback/services/?service=waste",
        expect(REDIRECT, anonymous=LOGIN),
    ),
    Row("feedback/services/<slug:code>/in-brief/", "/feedback/services/waste/in-brief/", SIGNED_IN),
    Row(
        "feedback/services/<slug:code>/",
        "/feedback/services/waste/",
        SIGNED_IN,
        hide={p: (SERVICE_COMPLAINTS, OBJECTIVE) for p in NO_COMPLAINTS},
        show={
            **{p: (SERVICE_COMPLAINTS, WASTE_ARRANGEMENT, OBJECTIVE) for p in COMPLAINT_STAFF},
            "sam": (WASTE_ARRANGEMENT, WASTE_VISIT, ROUND_ACTION, PLANNED_ACTION),
        },
    ),
    Row(
        "feedback/complaints/",
        "/feedback/complaints/",
        expect(200, anonymous=LOGIN, noroles=403, sam=403),
        hide=HIDE_COMPLAINTS,
        # Complaints are council-wide for staff: housing's officer reads waste's too.
        show={p: COMPLAINTS for p in COMPLAINT_STAFF},
    ),
    Row(
        "feedback/complaints/upload/",
        "/feedback/complaints/upload/",
        TEAM_PAGE,
        show={"pat": (IMPORT_FILE,)},
        writes=(Write(_complaints_csv, TEAM_PAGE, TEAM),),
    ),
    # Arrangements and rounds.
    Row(
        "feedback/arrangements/",
        "/feedback/arrangements/",
        SIGNED_IN,
        show={"sam": (WASTE_ARRANGEMENT, HOUSING_ARRANGEMENT)},
    ),
    Row(
        "feedback/arrangements/new/",
        "/feedback/arrangements/new/",
        MANAGER_PAGE,
        writes=(
            Write(ARRANGEMENT_FORM, _redirect(WASTE_MANAGERS, MANAGER_PAGE), WASTE_MANAGERS),
            # The head of waste cannot add one to housing (not a choice: the form says so).
            Write(
                {**ARRANGEMENT_FORM, "service": "{housing}"},
                MANAGER_PAGE | {"hannah": 400, "pat": REDIRECT},
                TEAM,
            ),
        ),
    ),
    Row(
        "feedback/arrangements/<int:pk>/",
        "/feedback/arrangements/{feedback_arrangement}/",
        SIGNED_IN,
        show={"noroles": (WASTE_ARRANGEMENT, WASTE_ROUND_FINDINGS)},
    ),
    Row(
        "feedback/arrangements/<int:pk>/edit/",
        "/feedback/arrangements/{feedback_arrangement}/edit/",
        MANAGER_PAGE,
        writes=(
            Write(ARRANGEMENT_FORM, _redirect(WASTE_MANAGERS, MANAGER_PAGE), WASTE_MANAGERS),
            # Nor may the head of waste move it to housing.
            Write(
                {**ARRANGEMENT_FORM, "service": "{housing}"},
                MANAGER_PAGE | {"hannah": 400, "pat": REDIRECT},
                TEAM,
            ),
            # Housing's arrangement: the performance team only.
            Write(
                {**ARRANGEMENT_FORM, "service": "{housing}"},
                ONLY_TEAM,
                TEAM,
                url="/feedback/arrangements/{feedback_housing_arrangement}/edit/",
            ),
        ),
    ),
    Row(
        "feedback/arrangements/<int:arrangement_pk>/rounds/new/",
        "/feedback/arrangements/{feedback_arrangement}/rounds/new/",
        RECORDER_PAGE,
        writes=(
            Write(ROUND_FORM, _redirect(ROUND_RECORDERS, RECORDER_PAGE), ROUND_RECORDERS),
            # Housing's arrangement has no owner among the personas: the team only.
            Write(
                ROUND_FORM,
                ONLY_TEAM,
                TEAM,
                url="/feedback/arrangements/{feedback_housing_arrangement}/rounds/new/",
            ),
        ),
    ),
    Row(
        "feedback/rounds/<int:pk>/",
        "/feedback/rounds/{feedback_round}/",
        SIGNED_IN,
        show={"sam": (WASTE_ROUND_FINDINGS, ROUND_ACTION)},
    ),
    Row(
        "feedback/rounds/<int:pk>/edit/",
        "/feedback/rounds/{feedback_round}/edit/",
        RECORDER_PAGE,
        writes=(Write(ROUND_FORM, _redirect(ROUND_RECORDERS, RECORDER_PAGE), ROUND_RECORDERS),),
    ),
    # Actions: the arrangement's owner records them; a signed-off plan only takes them from its
    # head of service or the performance team.
    Row(
        "feedback/rounds/<int:round_pk>/actions/new/",
        "/feedback/rounds/{feedback_round}/actions/new/",
        RECORDER_PAGE,
        writes=(
            Write(ACTION_FORM, _redirect(ROUND_RECORDERS, RECORDER_PAGE), ROUND_RECORDERS),
            Write(
                IN_SIGNED_OFF_PLAN,
                _redirect(WASTE_MANAGERS, RECORDER_PAGE) | {"dora": 400},
                WASTE_MANAGERS,
            ),
        ),
    ),
    Row(
        "feedback/actions/<int:pk>/edit/",
        "/feedback/actions/{feedback_action}/edit/",
        ACTION_PAGE,
        writes=(
            Write(
                {**ACTION_FORM, "status": "in_progress"},
                _redirect(ACTION_UPDATERS, ACTION_PAGE),
                ACTION_UPDATERS,
            ),
            Write(
                IN_SIGNED_OFF_PLAN,
                _redirect(WASTE_MANAGERS, ACTION_PAGE) | {"alice": 400},
                WASTE_MANAGERS,
            ),
            # In a signed-off plan its owner, its head of service and the performance team
            # update the progress of an action, and nobody changes what the plan fixed.
            Write(
                PLANNED_ACTION_FORM,
                _redirect(ACTION_UPDATERS, ACTION_PAGE),
                ACTION_UPDATERS,
                url="/feedback/actions/{feedback_planned_action}/edit/",
            ),
            Write(
                {**PLANNED_ACTION_FORM, "title": "MXFB renamed", "due": "2027-06-30"},
                ACTION_PAGE | {p: 400 for p in ACTION_UPDATERS},
                frozenset(),
                url="/feedback/actions/{feedback_planned_action}/edit/",
            ),
            Write(
                {**PLANNED_ACTION_FORM, "objective": ""},
                ACTION_PAGE | {p: 400 for p in ACTION_UPDATERS},
                frozenset(),
                url="/feedback/actions/{feedback_planned_action}/edit/",
            ),
        ),
    ),
    # The residents' panel: the performance team's.
    Row("feedback/panel/", "/feedback/panel/", SIGNED_IN, show={"sam": (PANEL_SURVEY,)}),
    Row(
        "feedback/panel/new/",
        "/feedback/panel/new/",
        TEAM_PAGE,
        writes=(Write(PANEL_FORM, ONLY_TEAM, TEAM),),
    ),
    Row("feedback/panel/<int:pk>/", "/feedback/panel/{feedback_survey}/", SIGNED_IN),
    Row(
        "feedback/panel/<int:pk>/edit/",
        "/feedback/panel/{feedback_survey}/edit/",
        TEAM_PAGE,
        writes=(Write(PANEL_FORM, ONLY_TEAM, TEAM),),
    ),
    Row(
        "feedback/panel/<int:pk>/results/new/",
        "/feedback/panel/{feedback_survey}/results/new/",
        TEAM_PAGE,
        writes=(
            Write(
                {
                    "question": "Satisfied with repairs",
                    "service": "{housing}",
                    "percent_satisfied": "66",
                    "note": "",
                },
                ONLY_TEAM,
                TEAM,
            ),
        ),
    ),
    # Mystery shopping: heads of service and the performance team.
    Row(
        "feedback/mystery-shopping/",
        "/feedback/mystery-shopping/",
        SIGNED_IN,
        show={"noroles": (WASTE_VISIT, HOUSING_VISIT)},
    ),
    Row(
        "feedback/mystery-shopping/new/",
        "/feedback/mystery-shopping/new/",
        MANAGER_PAGE,
        writes=(
            Write(VISIT_FORM, _redirect(WASTE_MANAGERS, MANAGER_PAGE), WASTE_MANAGERS),
            Write(
                {**VISIT_FORM, "service": "{housing}"},
                MANAGER_PAGE | {"hannah": 400, "pat": REDIRECT},
                TEAM,
            ),
        ),
    ),
    Row(
        "feedback/mystery-shopping/<int:pk>/",
        "/feedback/mystery-shopping/{feedback_visit}/",
        SIGNED_IN,
        hide=HIDE_PLANS,
        show={"sam": (PLANNED_ACTION,), "carol": (OBJECTIVE,)},
    ),
    Row(
        "feedback/mystery-shopping/<int:pk>/edit/",
        "/feedback/mystery-shopping/{feedback_visit}/edit/",
        MANAGER_PAGE,
        writes=(
            Write(VISIT_FORM, _redirect(WASTE_MANAGERS, MANAGER_PAGE), WASTE_MANAGERS),
            Write(
                {**VISIT_FORM, "service": "{housing}"},
                ONLY_TEAM,
                TEAM,
                url="/feedback/mystery-shopping/{feedback_housing_visit}/edit/",
            ),
        ),
    ),
    Row(
        "feedback/mystery-shopping/<int:visit_pk>/actions/new/",
        "/feedback/mystery-shopping/{feedback_visit}/actions/new/",
        MANAGER_PAGE,
        writes=(
            Write(ACTION_FORM, _redirect(WASTE_MANAGERS, MANAGER_PAGE), WASTE_MANAGERS),
            Write(
                ACTION_FORM,
                ONLY_TEAM,
                TEAM,
                url="/feedback/mystery-shopping/{feedback_housing_visit}/actions/new/",
            ),
        ),
    ),
    *api_rows(),
]

# The feedback app's models in the admin: the performance team's, like the rest of the register.
ADMIN_MODELS: dict[str, AdminModel] = {
    "feedback.arrangement": AdminModel(),
    "feedback.round": AdminModel(),
    "feedback.panelsurvey": AdminModel(),
    "feedback.complaint": AdminModel(),
    "feedback.complaintimport": AdminModel(),
    "feedback.derivedmeasure": AdminModel(),
    "feedback.mysteryshop": AdminModel(),
}
