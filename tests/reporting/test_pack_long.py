"""The packs' long tables, on a council of their own (not the module worlds of test_pack_pdf and
test_pack_deck, whose council would join these measures): a table that runs over several PDF
pages repeats its header on each, and a long priority continues on further slides."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from targets.models import Measure, Priority, Service
from tests.factories import MeasureFactory, TargetFactory, ValueFactory
from tests.reporting.test_pack_deck import open_deck, pictures, table_rows, title_of
from tests.reporting.test_pack_pdf import text
from tests.reporting.test_runs import make

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(datetime(2026, 11, 26, 12, tzinfo=UTC), tick=False)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def test_long_tables_repeat_their_headers_on_every_page(waste: Service, priority: Priority) -> None:
    measures = [
        MeasureFactory(
            code=f"LG{i:02d}",
            title=f"A long measure title number {i} to fill the table",
            service=waste,
            kind=Measure.Kind.CORPORATE,
            priority=priority,
            is_scrutiny=True,
        )
        for i in range(40)
    ]
    for measure in measures:
        TargetFactory(measure=measure, year=2026, value=Decimal(50))
        ValueFactory(measure=measure, period="2026-09", actual=Decimal(55))
    run = make("scrutiny-quarterly", "2026/27-Q2")
    pages_with_rows = [
        n for n in range(1, (run.pages or 0) + 1) if re.search(r"LG\d\d A long", text(run, n, n))
    ]
    assert len(pages_with_rows) >= 2
    for n in pages_with_rows:
        assert "Since last period" in text(run, n, n)


def test_a_long_priority_continues_on_further_slides(waste: Service, priority: Priority) -> None:
    codes = [f"CP{n:02d}" for n in range(1, 24)]
    for code in codes:
        measure = MeasureFactory(
            code=code, service=waste, kind=Measure.Kind.CORPORATE, priority=priority
        )
        TargetFactory(measure=measure, year=2026, value=Decimal(50))
        ValueFactory(measure=measure, period="2026-10", actual=Decimal("51.0"))
    run = make("monthly-corporate", "2026-10")
    slides = [s for s in open_deck(run).slides if title_of(s).startswith("4. ")]
    assert [title_of(s) for s in slides] == [
        "4. A cleaner greener city (1 of 3)",
        "4. A cleaner greener city (2 of 3)",
        "4. A cleaner greener city (3 of 3)",
    ]
    rows = [table_rows(s) for s in slides]
    assert [len(r) - 1 for r in rows] == [10, 10, 3]
    assert all(r[0][0] == "Measure" for r in rows)  # every part has its header row
    assert [row[0].split()[0] for part in rows for row in part[1:]] == codes
    assert [len(pictures(s)) for s in slides] == [1, 0, 0]
