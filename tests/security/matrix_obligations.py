"""The permission matrix of the champions' network (`/champions/`, its CSV, `/api/v1/champions/`),
what services must deliver (`/obligations/`, `/services/<code>/obligations/`,
`/api/v1/obligations/`) and an audit's controls checklist (`/quality/audits/<pk>/controls/`,
`/api/v1/dq-audits/<pk>/controls/`).

The rules (README "Champions and obligations" and "Data quality"): council staff (officers of any
service, heads, champions, CMT, the performance team) read the champions' network, with their
contact details, and every service's obligations; the scrutiny panel and people with no role do
not (403; the champions' API list is empty). An audit's checklist is recorded by the performance
team only, as the rest of the audit.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from targets.models import DataQualityAudit, DataQualityProcedure, Service, ServiceRole
from tests.security.matrix import (
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

CHAMPION_TITLE = "CHAMPTITLE-8V3"  # the waste champion's job title: contact details
CONTROL = "CONTROL-WEIGH-5P1"  # the control the checklist tests

OUTSIDERS = ("noroles", "sam")
INTERNAL = expect(200, anonymous=LOGIN, noroles=403, sam=403)
INTERNAL_API = expect(200, anonymous=403, noroles=403, sam=403)
CHECKLIST = {"c1-verdict": "working", "c1-evidence": "Weighbridge tickets seen"}
CHECKLIST_JSON = {
    "checks": [{"position": 1, "tested": True, "result": "working", "evidence": "Tickets seen"}]
}


def build(world: World) -> dict[str, Any]:
    waste = Service.objects.get(code="waste")
    dora = world.users["dora"]
    dora.job_title = CHAMPION_TITLE
    dora.save(update_fields=["job_title"])
    ServiceRole.objects.create(
        user=world.users["hannah"], service=waste, role=ServiceRole.Role.INNOVATION_CHAMPION
    )
    measure = world.measures["WST-APP"]
    DataQualityProcedure.objects.create(
        measure=measure,
        collection="Weighbridge",
        calculation="Tonnes",
        source_system="Weighbridge",
        controls=f"- {CONTROL}",
        last_reviewed=date(2026, 5, 1),
        next_review_due=date(2027, 5, 1),
    )
    checked = DataQualityAudit.objects.create(
        measure=measure, month="2026-09", origin=DataQualityAudit.Origin.MANUAL
    )
    return {"i17c_audit": checked.pk}


def _api_pair(route: str, url: str, get: dict[str, Any], **kw: Any) -> list[Row]:
    return [
        Row(f"api/v1/^{route}/$", f"/api/v1/{url}/", get, **kw),
        Row(f"api/v1/^{route}\\.(?P<format>[a-z0-9]+)/?$", f"/api/v1/{url}.json", get, **kw),
    ]


GET_ONLY = Write({}, expect(405, anonymous=LOGIN), frozenset())
REFUSED_JSON = Write({"x": 1}, expect(405, anonymous=403), frozenset(), json=True)

ROWS: list[Row] = [
    Row(
        "champions/",
        "/champions/",
        INTERNAL,
        show={"bob": (CHAMPION_TITLE,), "carol": (CHAMPION_TITLE,)},
        writes=(GET_ONLY,),
    ),
    Row(
        "champions/export.csv",
        "/champions/export.csv?service=waste",
        INTERNAL,
        show={"alice": (CHAMPION_TITLE,)},
        writes=(GET_ONLY,),
    ),
    *_api_pair(
        "champions",
        "champions",
        expect(200, anonymous=403),
        hide={p: (CHAMPION_TITLE,) for p in OUTSIDERS},
        show={"bob": (CHAMPION_TITLE,)},
        writes=(REFUSED_JSON,),
    ),
    Row(
        "obligations/",
        "/obligations/?year=2026/27",
        INTERNAL,
        show={"bob": ("Waste and Recycling", "Improvement plan signed off")},
        writes=(GET_ONLY,),
    ),
    Row(
        "services/<slug:code>/obligations/",
        "/services/waste/obligations/?year=2026/27",
        INTERNAL,
        show={"alice": ("Market intelligence gathered",)},
        writes=(GET_ONLY,),
    ),
    Row(
        "api/v1/obligations/",
        "/api/v1/obligations/?year=2026/27&service=waste",
        INTERNAL_API,
        show={"carol": ("market_intelligence",)},
        writes=(REFUSED_JSON,),
    ),
    Row(
        "quality/audits/<int:pk>/controls/",
        "/quality/audits/{i17c_audit}/controls/",
        TEAM_PAGE,
        show={"pat": (CONTROL,)},
        writes=(Write(CHECKLIST, expect(403, anonymous=LOGIN) | {"pat": REDIRECT}, TEAM),),
    ),
    *(
        Row(
            f"api/v1/^dq-audits/(?P<pk>[^/.]+)/controls{tail}",
            f"/api/v1/dq-audits/{{i17c_audit}}/controls{suffix}",
            expect(405, anonymous=403),
            writes=(
                Write(
                    CHECKLIST_JSON,
                    expect(403, noroles=404, sam=404, pat=200),
                    TEAM,
                    json=True,
                ),
            ),
        )
        for suffix, tail in (("/", "/$"), (".json", "\\.(?P<format>[a-z0-9]+)/?$"))
    ),
]

ADMIN_MODELS: dict[str, AdminModel] = {}
