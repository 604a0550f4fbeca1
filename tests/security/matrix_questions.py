"""The permission matrix of questioned values (issue 19 point 2): `/values/questions/` and
`/api/v1/value-questions/…` are the performance team's (read only); the approver sees a value's
question in the approval queue (rows of `matrix.py` and `matrix_approvals.py`), the officer on
the value's own page. `ValueQuestion` is read only in the admin.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from targets import anomaly, questions
from targets.models import ChangeRecord, ValueQuestion
from tests.security.matrix import LOGIN, AdminModel, Row, Write, expect
from tests.security.world import PERSONAS, World

# A distinguishable explanation: only the performance team may read the list.
EXPLANATION = "MXQ-EXPLAIN-9K2D two rounds counted together"
NOT_TEAM = {p: (EXPLANATION,) for p in PERSONAS if p != "pat"}
TEAM_ONLY = expect(403, anonymous=LOGIN, pat=200)
TEAM_API = expect(403, pat=200)
# A POST is refused: 403 for those who may not read it, 405 (read only) for the team.
REFUSED = Write({"kind": "ratio"}, expect(403, pat=405), frozenset(), json=True)


def build(world: World) -> dict[str, Any]:
    value = world.values["WST-SUB"]
    question = anomaly.Question(
        kind=anomaly.Kind.HISTORY,
        reason="Far above its history.",
        low=Decimal(10),
        high=Decimal(20),
        basis="last 24 months",
        k=anomaly.K,
    )
    row = questions.record(
        value=value, question=question, user=world.users["alice"], source=ChangeRecord.Source.FORM
    )
    # The explanation kept with the question (the value's own commentary is other areas' test).
    ValueQuestion.objects.filter(pk=row.pk).update(explanation=EXPLANATION)
    return {"question": row.pk}


ROWS: list[Row] = [
    Row(
        "values/questions/",
        "/values/questions/",
        TEAM_ONLY,
        hide=NOT_TEAM,
        show={"pat": (EXPLANATION,)},
    ),
    *(
        row
        for suffix, tail in (("/", "/$"), (".json", "\\.(?P<format>[a-z0-9]+)/?$"))
        for row in (
            Row(
                f"api/v1/^value-questions{tail}",
                f"/api/v1/value-questions{suffix}",
                TEAM_API,
                hide=NOT_TEAM,
                show={"pat": (EXPLANATION,)},
                writes=(REFUSED,),
            ),
            Row(
                f"api/v1/^value-questions/(?P<pk>[^/.]+){tail}",
                "/api/v1/value-questions/{question}" + suffix,
                TEAM_API,
                hide=NOT_TEAM,
                show={"pat": (EXPLANATION,)},
                writes=(REFUSED,),
            ),
        )
    ),
]

ADMIN_MODELS: dict[str, AdminModel] = {
    "targets.valuequestion": AdminModel(read_only=True),
}
