from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from targets import periods, services
from targets.models import Measure, Priority, Service, User, ValueStatus
from tests.conftest import client_for
from tests.factories import MeasureFactory, TargetFactory, ValueFactory
from tests.reporting.shown import shown
from tests.targets.quality_data import done_audit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(datetime(2026, 11, 26, 12, tzinfo=UTC), tick=False)


def _rows(response: Any) -> dict[str, list[str]]:
    """Scorecard rows by measure code: the cells' text."""
    soup = BeautifulSoup(response.content, "html.parser")
    rows = {}
    for tr in soup.select("table.scorecard tbody tr"):
        code = tr.th.a.get_text(strip=True)
        # The service cell (a link to its scorecard, issue 16) is asserted in its own tests.
        cells = [c for c in tr.find_all(["th", "td"]) if "service-cell" not in c.get("class", [])]
        rows[code] = [shown(cell) for cell in cells]
    return rows


@pytest.fixture
def recycling(waste: Service, priority: Priority) -> Measure:
    measure = MeasureFactory(
        code="CP10",
        title="Household waste recycled",
        kind=Measure.Kind.CORPORATE,
        priority=priority,
        service=waste,
        tolerance_pct=Decimal("5"),
    )
    TargetFactory(measure=measure, year=2026, value=Decimal("50"))
    TargetFactory(measure=measure, year=2025, value=Decimal("50"))
    ValueFactory(measure=measure, period="2025-10", actual=Decimal("45.0"))
    ValueFactory(measure=measure, period="2026-09", actual=Decimal("46.0"))
    return measure


def test_anonymous_user_is_sent_to_login() -> None:
    response = Client().get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_signs_in_and_lands_on_home(carol: User) -> None:
    client = Client()
    response = client.post(reverse("login"), {"username": "carol", "password": "pw-for-tests"})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_an_officer_lands_on_my_work(alice: User) -> None:
    response = Client().post(reverse("login"), {"username": "alice", "password": "pw-for-tests"})
    assert response["Location"] == reverse("my_work")


def test_wrong_password_says_so(alice: User) -> None:
    response = Client().post(reverse("login"), {"username": "alice", "password": "nope"})
    soup = BeautifulSoup(response.content, "html.parser")
    assert (
        "Please enter a correct username and password"
        in soup.select_one(".error-summary").get_text()
    )


def test_home_defaults_to_latest_complete_month(carol: User, recycling: Measure) -> None:
    response = client_for(carol).get(reverse("home"))
    soup = BeautifulSoup(response.content, "html.parser")
    assert "Oct 2026" in soup.h1.get_text()


def test_home_shows_rag_and_direction_for_the_month(carol: User, recycling: Measure) -> None:
    ValueFactory(measure=recycling, period="2026-10", actual=Decimal("48.0"))
    row = _rows(client_for(carol).get(reverse("home")))["CP10"]
    # 48.0 against 50 with 5% tolerance (2.5): within tolerance, amber.
    assert row[2:5] == ["48.0%", "50.0%", "! Within tolerance"]
    assert row[5] == "▲ Improving"  # 46.0 in September
    assert row[6] == "▲ Improving"  # 45.0 in October 2025


def test_missing_value_past_due_date_is_late(carol: User, recycling: Measure) -> None:
    row = _rows(client_for(carol).get(reverse("home")))["CP10"]
    assert row[4] == "– No data Late"


def test_management_sees_submitted_value_marked_not_yet_approved(
    carol: User, recycling: Measure
) -> None:
    ValueFactory(
        measure=recycling, period="2026-10", actual=Decimal("51"), status=ValueStatus.SUBMITTED
    )
    row = _rows(client_for(carol).get(reverse("home")))["CP10"]
    assert row[2] == "51.0% not yet approved"
    assert row[4] == "✓ On target"


def test_scrutiny_sees_published_values_only(sam: User, recycling: Measure) -> None:
    ValueFactory(
        measure=recycling, period="2026-10", actual=Decimal("51"), status=ValueStatus.APPROVED
    )
    row = _rows(client_for(sam).get(reverse("home"), {"period": "2026-10"}))["CP10"]
    assert row[2] == "–"
    assert "No data" in row[4]


def test_scrutiny_opens_at_the_latest_month_mostly_published(
    sam: User, carol: User, recycling: Measure
) -> None:
    ValueFactory(
        measure=recycling, period="2026-10", actual=Decimal("51"), status=ValueStatus.APPROVED
    )
    scrutiny = BeautifulSoup(client_for(sam).get(reverse("home")).content, "html.parser")
    assert "Sep 2026" in scrutiny.h1.get_text()  # October is approved, not yet published
    staff = BeautifulSoup(client_for(carol).get(reverse("home")).content, "html.parser")
    assert "Oct 2026" in staff.h1.get_text()


def test_drafts_never_reach_the_dashboard(carol: User, recycling: Measure) -> None:
    ValueFactory(
        measure=recycling, period="2026-10", actual=Decimal("10"), status=ValueStatus.DRAFT
    )
    row = _rows(client_for(carol).get(reverse("home")))["CP10"]
    assert row[2] == "–"
    assert row[4] == "– No data Late"


def test_summary_counts_x_of_y(carol: User, recycling: Measure, priority: Priority) -> None:
    ValueFactory(measure=recycling, period="2026-10", actual=Decimal("40"))
    other = MeasureFactory(code="CP11", kind=Measure.Kind.CORPORATE, priority=priority)
    TargetFactory(measure=other, year=2026, value=Decimal("50"))
    ValueFactory(measure=other, period="2026-10", actual=Decimal("60"))
    soup = BeautifulSoup(client_for(carol).get(reverse("home")).content, "html.parser")
    assert soup.select_one(".summary__headline").get_text(strip=True) == "1 of 2 (50%) on target"


def test_chosen_month_is_shown(carol: User, recycling: Measure) -> None:
    row = _rows(client_for(carol).get(reverse("home"), {"period": "2026-09"}))["CP10"]
    assert row[1] == "Sep 2026"
    assert row[2] == "46.0%"


def test_impossible_month_gets_a_clear_message(carol: User, recycling: Measure) -> None:
    response = client_for(carol).get(reverse("home"), {"period": "2026-13"})
    assert response.status_code == 400
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one("#period-error").get_text(strip=True) == "Period 2026-13 does not exist"


def test_home_query_count_does_not_grow_with_measures(
    carol: User, priority: Priority, django_assert_max_num_queries: Any
) -> None:
    def add(n: int) -> None:
        for _ in range(n):
            measure = MeasureFactory(kind=Measure.Kind.CORPORATE, priority=priority)
            TargetFactory(measure=measure, year=2026)
            ValueFactory(measure=measure, period="2026-10")

    client = client_for(carol)
    add(2)
    client.get(reverse("home"))  # warm the session
    cache.clear()  # count the work, not the cache
    with django_assert_max_num_queries(12) as few:  # issue 18: at most 12, whatever the size
        client.get(reverse("home"))
    add(20)
    cache.clear()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("home"))


def test_dashboard_is_cached_until_something_changes(
    carol: User, pat: User, recycling: Measure, django_assert_max_num_queries: Any
) -> None:
    client = client_for(carol)
    client.get(reverse("home"))
    # Session, user, roles (two: services held and measures updated), the filters' two lists,
    # the data version and the data-quality flags: not the figures.
    with django_assert_max_num_queries(8):
        row = _rows(client.get(reverse("home")))["CP10"]
    assert row[2] == "–"
    # Any audited change (here, a value entered and submitted) shows at once.
    services.value_save(
        measure=recycling,
        period=periods.parse_period("2026-10"),
        data=services.ValueInput(actual=Decimal("51")),
        user=pat,
        expected_version=0,
        submit=True,
    )
    assert _rows(client.get(reverse("home")))["CP10"][2].startswith("51.0%")


def test_measure_page_lists_values_with_status(carol: User, recycling: Measure) -> None:
    response = client_for(carol).get(recycling.get_absolute_url())
    soup = BeautifulSoup(response.content, "html.parser")
    assert "Household waste recycled" in soup.h1.get_text()
    periods = [th.get_text(strip=True) for th in soup.select("tbody th[scope=row]")]
    assert periods[:2] == ["2026/27", "2025/26"]  # targets table first
    assert "Sep 2026" in periods and "Oct 2025" in periods


def test_unknown_measure_is_404(carol: User) -> None:
    assert client_for(carol).get("/measures/NOPE/").status_code == 404


def _page(client: Client) -> str:
    html = client.get(reverse("home"), {"period": "2026-09"}).content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_each_viewer_gets_the_page_of_their_own_first_render_from_the_cache(
    carol: User, alice: User, sam: User, pat: User, recycling: Measure, priority: Priority
) -> None:
    # The scorecard's HTML is cached and shared by those who see alike; never another's view
    # (published values only, the risks' slot, a failed audit's link or its fresh flag).
    recycling.values.filter(period="2026-09").update(status=ValueStatus.PUBLISHED)
    other = MeasureFactory(code="CP11", kind=Measure.Kind.CORPORATE, priority=priority)
    ValueFactory(measure=other, period="2026-09", status=ValueStatus.PUBLISHED)
    done_audit(recycling, "2026-10", result="fail", sample=("2026-09", "2026-09"))
    clients = [client_for(user) for user in (carol, alice, sam, pat)]

    def fresh() -> list[str]:
        pages = []
        for client in clients:
            cache.clear()
            pages.append(_page(client))
        cache.clear()
        return pages

    first = fresh()
    assert first[0].count('class="dq-flag" href=') == 1
    assert 'class="dq-flag" href=' not in first[2]  # scrutiny: the flag without its link
    for _ in range(2):
        assert [_page(client) for client in clients] == first
    # A second failed audit (the figures, and so the scorecard's key, unchanged): shown at once.
    done_audit(other, "2026-10", result="fail", sample=("2026-09", "2026-09"))
    cached = [_page(client) for client in clients]
    assert cached == fresh()
    assert cached[0].count('class="dq-flag" href=') == 2


def test_the_scorecard_itself_is_kept_only_once_asked_for_again(
    recycling: Measure, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A page that caches its scorecard's HTML needs the rows' keys after a change, not the
    # scorecard: it is pickled into the cache only when asked for again (an export, the HTML of
    # other flags), and then read from there.
    import reporting.dashboard as dashboard

    worked: list[int] = []
    real = dashboard.scorecard

    def counted(*args: Any, **kwargs: Any) -> Any:
        worked.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(dashboard, "scorecard", counted)
    chosen: dict[str, Any] = {
        "key": "test",
        "what_changed": True,
        "month": periods.parse_period("2026-09"),
        "rag": None,
        "internal": True,
        "today": date(2026, 11, 26),
    }
    measures = Measure.objects.filter(kind=Measure.Kind.CORPORATE)
    cache.clear()
    first = dashboard.CachedScorecard(measures, **chosen)
    assert first.rows == [(recycling.pk, periods.parse_period("2026-09"))]
    assert cache.get(first.cache_key) is None and len(worked) == 1
    again = dashboard.CachedScorecard(measures, **chosen)  # the rows from the cache
    assert again.rows == first.rows and len(worked) == 1
    card = again.card  # asked for: worked out once more, and kept
    assert cache.get(first.cache_key) is not None and len(worked) == 2
    assert [s.actual for s in card.statuses] == [Decimal("46.0")]
    third = dashboard.CachedScorecard(measures, **chosen)
    assert third.card.statuses == card.statuses and len(worked) == 2
