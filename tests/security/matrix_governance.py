"""The permission matrix's part for the risk register and corporate programmes (`/fsr/risks/`,
`/fsr/programmes/`, `/api/v1/risks/`, `/api/v1/corporate-programmes/`, `/api/v1/risk-matrix/`),
with their admin.

The rules (README "Risks and corporate programmes"; `fsr/governance/permissions.py`):

- CMT, CEB, scrutiny and the performance team read every risk and programme; anyone with a
  service role reads the corporate risks, their own services' risks and the programmes; people
  with no role read neither (pages 403, API lists empty).
- A risk is changed by its owner (here alice owns waste's risk), its service's head and the team;
  heads add their services' risks, the team any. The team sets up programmes; a programme's
  sponsor (carol) and manager report progress.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from fsr.governance.models import Programme, ProgrammeMilestone, Project, Risk, RiskMatrix
from fsr.models import SavingsLine
from targets.models import Action, Service
from tests.security.matrix import (
    API,
    LOGIN,
    REDIRECT,
    TEAM,
    TEAM_PAGE,
    AdminModel,
    Row,
    Write,
    expect,
)
from tests.security.world import World

W_RISK = "WASTE-RISK-TITLE-8X1"
H_RISK = "HOUSING-ONLY-RISK-TITLE-3Z7"
C_RISK = "CORPORATE-RISK-TITLE-6Y2"
PROGRAMME = "CORPORATE-PROGRAMME-4P9"
C_SAVING = "COUNCIL-WIDE-PROGRAMME-SAVING-2K8"

WASTE_PEOPLE = ("alice", "hannah", "dora")
ALL_READERS = ("sam", "carol", "pat")
READERS_PAGE = expect(200, anonymous=LOGIN, noroles=403)
# Waste's risk: bob (housing) cannot find it; people with no role may not read risks at all.
WASTE_RISK_PAGE = expect(200, anonymous=LOGIN, noroles=403, bob=404)
WASTE_RISK_EDIT = expect(403, anonymous=LOGIN, noroles=403, bob=404, alice=200, hannah=200, pat=200)
EDITORS = frozenset({"alice", "hannah", "pat"})
ADDERS = frozenset({"hannah", "pat"})


def build(world: World) -> dict[str, Any]:
    waste = Service.objects.get(code="waste")
    housing = Service.objects.get(code="housing")
    users = world.users
    today = timezone.localdate()
    common = {
        "cause": "A cause",
        "effect": "An effect",
        "controls": "Controls",
        "inherent_likelihood": 4,
        "inherent_impact": 4,
        "residual_likelihood": 3,
        "residual_impact": 3,
        "review_date": today + timedelta(days=30),
    }
    matrix = RiskMatrix.objects.create(size=5, medium_from=5, high_from=15)
    w_risk = Risk.objects.create(
        reference="WASTE-R01",
        kind="service",
        service=waste,
        title=W_RISK,
        owner=users["alice"],
        **common,
    )
    Risk.objects.create(
        reference="HOUSING-R01",
        kind="service",
        service=housing,
        title=H_RISK,
        owner=users["bob"],
        **common,
    )
    c_risk = Risk.objects.create(
        reference="CR01", kind="corporate", title=C_RISK, owner=users["pat"], **common
    )
    action = Action.objects.create(
        service=waste, title="Brief the crews", due=today + timedelta(days=20), source="risk"
    )
    w_risk.actions.add(action)
    programme = Programme.objects.create(
        title=PROGRAMME,
        aims="A smaller council",
        sponsor=users["carol"],
        board="CMT",
        start=date(2025, 4, 1),
        planned_end=date(2028, 3, 31),
    )
    programme.risks.add(w_risk, c_risk)
    line = SavingsLine.objects.create(
        year=2026, source="other", title=C_SAVING, target=Decimal(1000)
    )
    programme.savings.add(line)
    project = Project.objects.create(
        programme=programme, title="Digital", planned_end=today + timedelta(days=100)
    )
    milestone = ProgrammeMilestone.objects.create(
        programme=programme, project=project, title="Forms live", due=today
    )
    return {
        "gov_risk": w_risk.pk,
        "gov_action": action.pk,
        "gov_programme": programme.pk,
        "gov_line": line.pk,
        "gov_c_risk": c_risk.pk,
        "admin:fsr.riskmatrix": matrix.pk,
        "admin:fsr.risk": w_risk.pk,
        "admin:fsr.programme": programme.pk,
        "admin:fsr.project": project.pk,
        "admin:fsr.programmemilestone": milestone.pk,
    }


def hidden() -> dict[str, tuple[str, ...]]:
    """Housing's risk hidden from waste's people, waste's from bob, all from noroles."""
    return {
        **{p: (H_RISK,) for p in WASTE_PEOPLE},
        "bob": (W_RISK,),
        "noroles": (W_RISK, H_RISK, C_RISK, PROGRAMME),
    }


def shown(*marks: str) -> dict[str, tuple[str, ...]]:
    return {p: marks for p in ALL_READERS}


RISK_FORM = {
    "kind": "service",
    "service": "{waste}",
    "title": "Depot fire",
    "cause": "Batteries in bins",
    "effect": "Depot closed",
    "owner": "{user_alice}",
    "inherent_likelihood": "3",
    "inherent_impact": "5",
    "controls": "Sprinklers",
    "residual_likelihood": "2",
    "residual_impact": "5",
    "review_date": "2027-02-01",
    "priority": "",
    "status": "open",
}
ACTION_FORM = {
    "title": "Check the sprinklers",
    "description": "",
    "owner": "{user_alice}",
    "due": "2027-03-31",
    "status": "not_started",
    "progress": "",
    "completed_on": "",
}
PROGRAMME_FORM = {
    "title": "Homes for the City",
    "aims": "Homes",
    "sponsor": "{user_alice}",
    "manager": "",
    "board": "CEB",
    "priority": "",
    "start": "2026-04-01",
    "planned_end": "2029-03-31",
    "stage": "delivery",
    "rag_time": "green",
    "rag_cost": "green",
    "rag_scope": "green",
    "status_note": "",
}
PROGRESS_FORM = {
    "stage": "delivery",
    "rag_time": "amber",
    "rag_cost": "green",
    "rag_scope": "green",
    "status_note": "Slipping",
}
RISK_JSON = {
    "kind": "service",
    "service": "waste",
    "title": "Depot fire",
    "cause": "Batteries",
    "effect": "Closed",
    "owner": "alice",
    "inherent_likelihood": 3,
    "inherent_impact": 5,
    "controls": "Sprinklers",
    "residual_likelihood": 2,
    "residual_impact": 5,
    "review_date": "2027-02-01",
}


def _milestones() -> dict[str, str]:
    milestone = ProgrammeMilestone.objects.get(title="Forms live")
    return {
        "milestones-TOTAL_FORMS": "1",
        "milestones-INITIAL_FORMS": "1",
        "milestones-MIN_NUM_FORMS": "0",
        "milestones-MAX_NUM_FORMS": "1000",
        "milestones-0-id": str(milestone.pk),
        "milestones-0-title": "Forms live",
        "milestones-0-project": str(milestone.project_id),
        "milestones-0-due": milestone.due.isoformat(),
        "milestones-0-done_on": milestone.due.isoformat(),
    }


def only(*allowed: str, **others: Any) -> dict[str, Any]:
    return expect(403, anonymous=LOGIN, **others) | {p: REDIRECT for p in allowed}


ROWS: list[Row] = [
    Row(
        "fsr/risks/",
        "/fsr/risks/",
        READERS_PAGE,
        hide=hidden(),
        show={**shown(W_RISK, H_RISK, C_RISK), "alice": (W_RISK, C_RISK), "bob": (H_RISK,)},
    ),
    Row(
        "fsr/risks/summary/",
        "/fsr/risks/summary/",
        READERS_PAGE,
        hide={**{p: (H_RISK,) for p in WASTE_PEOPLE}, "bob": (W_RISK,)},
        show={**shown(W_RISK, H_RISK, C_RISK, PROGRAMME), "bob": (H_RISK, C_RISK, PROGRAMME)},
    ),
    Row(
        "fsr/risks/new/",
        "/fsr/risks/new/",
        expect(403, anonymous=LOGIN, hannah=200, pat=200),
        writes=(Write(RISK_FORM, only("hannah", "pat"), ADDERS),),
    ),
    Row("fsr/risks/<int:pk>/", "/fsr/risks/{gov_risk}/", WASTE_RISK_PAGE, hide=hidden()),
    Row(
        "fsr/risks/<int:pk>/edit/",
        "/fsr/risks/{gov_risk}/edit/",
        WASTE_RISK_EDIT,
        writes=(
            Write(
                RISK_FORM,
                WASTE_RISK_EDIT | {p: REDIRECT for p in EDITORS},
                EDITORS,
            ),
        ),
    ),
    Row(
        "fsr/risks/<int:pk>/actions/new/",
        "/fsr/risks/{gov_risk}/actions/new/",
        WASTE_RISK_EDIT,
        writes=(Write(ACTION_FORM, WASTE_RISK_EDIT | {p: REDIRECT for p in EDITORS}, EDITORS),),
    ),
    Row(
        "fsr/risks/<int:pk>/actions/<int:action_pk>/",
        "/fsr/risks/{gov_risk}/actions/{gov_action}/",
        WASTE_RISK_EDIT,
        writes=(Write(ACTION_FORM, WASTE_RISK_EDIT | {p: REDIRECT for p in EDITORS}, EDITORS),),
    ),
    Row(
        "fsr/programmes/",
        "/fsr/programmes/",
        READERS_PAGE,
        show={p: (PROGRAMME,) for p in ("alice", "bob", "hannah", "dora", *ALL_READERS)},
    ),
    Row(
        "fsr/programmes/new/",
        "/fsr/programmes/new/",
        TEAM_PAGE,
        writes=(Write(PROGRAMME_FORM, only("pat"), TEAM),),
    ),
    Row(
        "fsr/programmes/<int:pk>/",
        "/fsr/programmes/{gov_programme}/",
        READERS_PAGE,
        # Through a programme too, bob never reads waste's risk, and only those who read every
        # service's savings lines read a council-wide one.
        hide={
            **{p: (C_SAVING,) for p in ("alice", "hannah", "dora")},
            "bob": (W_RISK, C_SAVING),
        },
        show={"bob": (C_RISK,), "carol": (W_RISK, C_RISK, C_SAVING), "alice": (W_RISK, C_RISK)},
    ),
    Row(
        "fsr/programmes/<int:pk>/edit/",
        "/fsr/programmes/{gov_programme}/edit/",
        TEAM_PAGE,
        writes=(Write(PROGRAMME_FORM, only("pat"), TEAM),),
    ),
    Row(
        "fsr/programmes/<int:pk>/report/",
        "/fsr/programmes/{gov_programme}/report/",
        expect(403, anonymous=LOGIN, carol=200, pat=200),
        writes=(Write(PROGRESS_FORM, only("carol", "pat"), frozenset({"carol", "pat"})),),
    ),
    Row(
        "fsr/programmes/<int:pk>/milestones/",
        "/fsr/programmes/{gov_programme}/milestones/",
        expect(403, anonymous=LOGIN, carol=200, pat=200),
        writes=(Write(_milestones, only("carol", "pat"), frozenset({"carol", "pat"})),),
    ),
    # --- The API ----------------------------------------------------------------------------
    Row(
        "api/v1/^risks/$",
        "/api/v1/risks/",
        API,
        hide=hidden(),
        show={**shown(W_RISK, H_RISK, C_RISK), "alice": (W_RISK, C_RISK), "bob": (H_RISK,)},
        writes=(
            Write(
                RISK_JSON,
                expect(403, hannah=201, pat=201),
                ADDERS,
                json=True,
            ),
        ),
    ),
    Row(
        "api/v1/^risks/(?P<pk>[^/.]+)/$",
        "/api/v1/risks/{gov_risk}/",
        expect(200, anonymous=403, noroles=404, bob=404),
        writes=(
            Write(
                {"title": "Renamed"},
                expect(403, noroles=404, bob=404, alice=200, hannah=200, pat=200),
                EDITORS,
                method="patch",
                json=True,
            ),
            Write({}, expect(405, anonymous=403), frozenset(), method="delete"),
        ),
    ),
    Row(
        "api/v1/^corporate-programmes/$",
        "/api/v1/corporate-programmes/",
        API,
        hide={"noroles": (PROGRAMME,), "bob": (W_RISK,)},
        show={p: (PROGRAMME,) for p in ("alice", "bob", "hannah", "dora", *ALL_READERS)},
        writes=(Write({"title": "x"}, expect(405, anonymous=403), frozenset(), json=True),),
    ),
    Row(
        "api/v1/^corporate-programmes/(?P<pk>[^/.]+)/$",
        "/api/v1/corporate-programmes/{gov_programme}/",
        expect(200, anonymous=403, noroles=404),
        writes=(Write({}, expect(405, anonymous=403), frozenset(), method="delete"),),
    ),
    Row("api/v1/risk-matrix/", "/api/v1/risk-matrix/", API),
]

ADMIN_MODELS: dict[str, AdminModel] = {
    "fsr.riskmatrix": AdminModel(),
    "fsr.risk": AdminModel(),
    "fsr.programme": AdminModel(),
    "fsr.project": AdminModel(),
    "fsr.programmemilestone": AdminModel(),
}
