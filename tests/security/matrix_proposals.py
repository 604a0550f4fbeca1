"""The permission matrix of targets set by heads of service (`/targets/proposals/`, its API and
admin).

The rules (README "Targets set by heads of service", `targets/permissions.py`): everyone
internal reads proposals (officers of any service, heads, champions, CMT, the performance team);
the scrutiny panel and people with no role do not (their API list is empty). Only the head of
the measure's service proposes; a service measure's proposal is approved or returned by the
performance team, a corporate measure's by the corporate management team; nobody decides their
own proposal. The admin is the performance team's and read only (its one action approves
through the service).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from targets.models import Measure, Service, TargetProposal
from tests.factories import MeasureFactory
from tests.security.matrix import (
    LOGIN,
    POST_ONLY,
    REDIRECT,
    AdminModel,
    Row,
    Write,
    expect,
)
from tests.security.world import World

CORPORATE_RATIONALE = "PROPOSAL-CORP-7F2"
SERVICE_RATIONALE = "PROPOSAL-SVC-3K9"
INTERNAL = expect(200, anonymous=LOGIN, noroles=403, sam=403)
REFUSED = expect(403, anonymous=LOGIN)
HEAD = frozenset({"hannah"})
TEAM = frozenset({"pat"})
CMT = frozenset({"carol"})


def build(world: World) -> dict[str, Any]:
    waste = Service.objects.get(code="waste")
    hannah = world.users["hannah"]
    service_measure = MeasureFactory(
        code="WST-SVC", title="Missed bins", kind=Measure.Kind.SERVICE, service=waste
    )
    MeasureFactory(code="WST-NEW", title="Fly-tips", kind=Measure.Kind.SERVICE, service=waste)
    corporate = TargetProposal.objects.create(
        measure=world.measures["WST-PUB"],
        year=2026,
        value=Decimal("60"),
        rationale=CORPORATE_RATIONALE,
        proposed_by=hannah,
    )
    service = TargetProposal.objects.create(
        measure=service_measure,
        year=2026,
        value=Decimal("40"),
        rationale=SERVICE_RATIONALE,
        proposed_by=hannah,
    )
    return {
        "proposal_corporate": corporate.pk,
        "proposal_service": service.pk,
        "admin:targets.targetproposal": service.pk,
    }


NEW_FORM = {"measure": "WST-NEW", "value": "12", "profile": "", "rationale": "Fewer fly-tips"}
NEW_JSON = {"measure": "WST-NEW", "year": 2026, "value": "12", "rationale": "Fewer fly-tips"}
MARKERS = (CORPORATE_RATIONALE, SERVICE_RATIONALE)


def _suffixes(route: str, url: str) -> list[tuple[str, str]]:
    return [
        (f"{route}/$", f"{url}/"),
        (f"{route}\\.(?P<format>[a-z0-9]+)/?$", f"{url}.json"),
    ]


API = "api/v1/^target-proposals"
DETAIL = f"{API}/(?P<pk>[^/.]+)"


def api_rows() -> list[Row]:
    rows: list[Row] = []
    for route, url in _suffixes(API, "/api/v1/target-proposals"):
        rows.append(
            Row(
                route,
                url,
                expect(200, anonymous=403),
                hide={p: MARKERS for p in ("noroles", "sam")},
                show={"bob": MARKERS, "carol": MARKERS},
                writes=(
                    Write(
                        NEW_JSON,
                        expect(403) | {"hannah": 201},
                        HEAD,
                        json=True,
                    ),
                ),
            )
        )
    for route, url in _suffixes(DETAIL, "/api/v1/target-proposals/{proposal_service}"):
        rows.append(
            Row(
                route,
                url,
                expect(200, anonymous=403, noroles=404, sam=404),
                show={"bob": (SERVICE_RATIONALE,)},
            )
        )
    hidden = {"anonymous": 403, "noroles": 404, "sam": 404, "member": 404}
    for route, url in _suffixes(
        f"{DETAIL}/approve", "/api/v1/target-proposals/{proposal_corporate}/approve"
    ):
        rows.append(
            Row(
                route,
                url,
                expect(405, anonymous=403),
                writes=(Write({}, expect(403) | hidden | {"carol": 200}, CMT, json=True),),
            )
        )
    for route, url in _suffixes(
        f"{DETAIL}/return", "/api/v1/target-proposals/{proposal_service}/return"
    ):
        rows.append(
            Row(
                route,
                url,
                expect(405, anonymous=403),
                writes=(
                    Write(
                        {"reason": "Too low"}, expect(403) | hidden | {"pat": 200}, TEAM, json=True
                    ),
                ),
            )
        )
    return rows


ROWS: list[Row] = [
    Row(
        "targets/proposals/",
        "/targets/proposals/?year=2026/27",
        INTERNAL,
        show={"bob": ("WST-SVC", "WST-PUB")},
    ),
    Row(
        "targets/proposals/new/",
        "/targets/proposals/new/?year=2026/27",
        expect(403, anonymous=LOGIN, hannah=200),
        writes=(Write(NEW_FORM, REFUSED | {"hannah": REDIRECT}, HEAD),),
    ),
    Row(
        "targets/proposals/<int:pk>/",
        "/targets/proposals/{proposal_corporate}/",
        INTERNAL,
        show={"bob": (CORPORATE_RATIONALE,), "carol": (CORPORATE_RATIONALE,)},
    ),
    # A corporate measure's proposal: CMT decides, not even the performance team.
    Row(
        "targets/proposals/<int:pk>/approve/",
        "/targets/proposals/{proposal_corporate}/approve/",
        POST_ONLY,
        writes=(
            Write({}, REFUSED | {"carol": REDIRECT}, CMT),
            Write(
                {},
                REFUSED | {"pat": REDIRECT},
                TEAM,
                url="/targets/proposals/{proposal_service}/approve/",
            ),
        ),
    ),
    Row(
        "targets/proposals/<int:pk>/return/",
        "/targets/proposals/{proposal_service}/return/",
        POST_ONLY,
        writes=(Write({"reason": "Too low"}, REFUSED | {"pat": REDIRECT}, TEAM),),
    ),
    *api_rows(),
]

ADMIN_MODELS: dict[str, AdminModel] = {
    "targets.targetproposal": AdminModel(read_only=True),
}
