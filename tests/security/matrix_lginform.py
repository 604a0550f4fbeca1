"""The permission matrix of the LG Inform Plus fetches (`/benchmarking/fetches/`,
`/api/v1/benchmarks/fetches/…`).

The rules (README "Benchmarking"): the fetch log is the performance team's
(`benchmarking.permissions.can_manage_benchmarks`), on the page and in the API alike, read only;
a metric's LG Inform id is shown to everyone signed in on its page and in the metrics API (rows
of `matrix.py`). Fetch is not in the admin.
"""

from __future__ import annotations

from typing import Any

from benchmarking.models import Fetch, Metric
from tests.security.matrix import LOGIN, AdminModel, Row, Write, expect
from tests.security.world import PERSONAS, World

# A distinguishable message: only the performance team may read the fetch log.
FETCH_MESSAGE = "MXLG-FETCH-4R7T refused the key"
NOT_TEAM = {p: (FETCH_MESSAGE,) for p in PERSONAS if p != "pat"}
TEAM_ONLY = expect(403, anonymous=LOGIN, pat=200)
TEAM_API = expect(403, pat=200)
# A POST is refused: 403 for those who may not read it, 405 (read only) for the team.
REFUSED = Write({"status": "done"}, expect(403, pat=405), frozenset(), json=True)


def build(world: World) -> dict[str, Any]:
    metric = Metric.objects.get(code="ENV18")
    metric.lginform_id = 46
    metric.save(update_fields=["lginform_id"])
    fetch = Fetch.objects.create(
        batch="lginform-matrix",
        metric=metric,
        lginform_id=46,
        trigger=Fetch.Trigger.SCHEDULE,
        status=Fetch.Status.FAILED,
        message=FETCH_MESSAGE,
    )
    return {"fetch": fetch.pk}


ROWS: list[Row] = [
    Row(
        "benchmarking/fetches/",
        "/benchmarking/fetches/",
        TEAM_ONLY,
        hide=NOT_TEAM,
        show={"pat": (FETCH_MESSAGE,)},
    ),
    Row(
        "api/v1/^benchmarks/fetches/$",
        "/api/v1/benchmarks/fetches/",
        TEAM_API,
        hide=NOT_TEAM,
        show={"pat": (FETCH_MESSAGE,)},
        writes=(REFUSED,),
    ),
    Row(
        "api/v1/^benchmarks/fetches/(?P<pk>[^/.]+)/$",
        "/api/v1/benchmarks/fetches/{fetch}/",
        TEAM_API,
        hide=NOT_TEAM,
        show={"pat": (FETCH_MESSAGE,)},
        writes=(REFUSED,),
    ),
]

ADMIN_MODELS: dict[str, AdminModel] = {}
