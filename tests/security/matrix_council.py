"""The permission matrix of what fits a council's IT (issue 20): `/healthz`, single sign-on's
addresses, each person's notification choices, and the admin of the group mapping, the SSO
identities, the notices and the digests.

The rules (README "Running it for a council"): `/healthz` answers anyone, signed in or not, and
only to GET. Without OIDC_ISSUER (as here) the SSO addresses do not exist: 404 for everyone
(tests/targets/test_sso.py covers them with a provider). Anyone signed in reads and changes
their own notification choices, never anyone else's. The performance team edits the group
mapping in the admin and reads the identities, notices and digests; nobody changes those.

Every persona of the matrix is itself created by single sign-on (`world.py`), its roles given
by its groups through the mapping.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from targets.models import Digest, Notice
from tests.security.matrix import LOGIN, REDIRECT, AdminModel, Row, Write, expect
from tests.security.world import PERSONAS, World

SIGNED_IN_PERSONAS = frozenset(p for p in PERSONAS if p != "anonymous")
# A notice and a digest of alice's: nobody else's page may show them.
ALICE_NOTICE = "NOTICE-ALICE-4J7"


def build(world: World) -> dict[str, Any]:
    alice = world.users["alice"]
    assert alice is not None
    digest = Digest.objects.create(recipient=alice, day=date(2026, 11, 26), status="sent")
    notice = Notice.objects.create(
        recipient=alice,
        kind="value_late",
        object_key="measure:1:2026-09",
        title=ALICE_NOTICE,
        url="/measures/WST-DRF/",
        raised_on=date(2026, 11, 26),
        digest=digest,
    )
    return {"admin:targets.notice": notice.pk, "admin:targets.digest": digest.pk}


ROWS: list[Row] = [
    Row(
        "healthz",
        "/healthz",
        expect(200),
        writes=(Write({}, expect(405), frozenset()),),
    ),
    Row("sso/login/", "/sso/login/", expect(404)),
    Row("sso/callback/", "/sso/callback/?code=x&state=y", expect(404)),
    Row(
        "my/notifications/",
        "/my/notifications/",
        expect(200, anonymous=LOGIN),
        hide={p: (ALICE_NOTICE,) for p in PERSONAS},
        # Everyone signed in may switch every kind off for themselves (an empty form).
        writes=(Write({}, expect(REDIRECT, anonymous=LOGIN), SIGNED_IN_PERSONAS),),
    ),
]

ADMIN_MODELS: dict[str, AdminModel] = {
    "targets.grouprolemapping": AdminModel(),
    "targets.ssoidentity": AdminModel(read_only=True),
    "targets.notice": AdminModel(read_only=True),
    "targets.digest": AdminModel(read_only=True),
}
