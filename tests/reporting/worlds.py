"""A test module's council and packs, made once for the module: `build_council`'s council,
and the packs asked for made on 26 November 2026 into the module's media folder, inside
`module_world`'s transaction (rolled back when the module ends)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import time_machine
from django.test import override_settings

from reporting.models import ReportRun
from targets.models import Measure
from tests.conftest import make_housing, make_priority, make_waste, module_world
from tests.reporting.test_runs import build_council, make

TODAY = datetime(2026, 11, 26, 12, tzinfo=UTC)


@contextmanager
def council_and_packs(
    django_db_blocker: Any, media: Path, **packs: tuple[str, str]
) -> Iterator[tuple[dict[str, Measure], dict[str, ReportRun]]]:
    """`packs` names each pack by (schedule code, period code)."""
    with (
        module_world(django_db_blocker),
        time_machine.travel(TODAY, tick=False),
        override_settings(MEDIA_ROOT=media),
    ):
        council = build_council(make_waste(), make_housing(), make_priority())
        yield council, {name: make(*pack) for name, pack in packs.items()}
