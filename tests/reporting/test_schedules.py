"""Report schedules: the four the framework names, the period each covers, which measures, and
who may download their packs."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.urls import reverse

from reporting.models import Audience, ReportRun, ReportSchedule, RunStatus, Scope
from targets.models import Measure, Priority, Service, User
from targets.periods import PeriodError
from tests.conftest import client_for
from tests.factories import MeasureFactory, PriorityFactory, UserFactory

pytestmark = [pytest.mark.django_db]
TODAY = date(2026, 11, 26)


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to(datetime(2026, 11, 26, 12, tzinfo=UTC), tick=False)


def schedule(code: str) -> ReportSchedule:
    return ReportSchedule.objects.get(code=code)


def test_the_four_schedules_of_the_framework_are_seeded() -> None:
    seeded = {
        s.code: (s.audience, s.frequency, s.scope, s.uses_internal_values)
        for s in ReportSchedule.objects.all()
    }
    assert seeded == {
        "monthly-corporate": (Audience.ALL_MEMBERS, "monthly", Scope.CORPORATE, False),
        "cmt-bimonthly": (Audience.CMT, "bimonthly", Scope.CORPORATE, True),
        "ceb-quarterly": (Audience.CEB, "quarterly", Scope.CORPORATE, True),
        "scrutiny-quarterly": (Audience.SCRUTINY, "quarterly", Scope.SCRUTINY, False),
    }


@pytest.mark.parametrize(
    ("code", "today", "period"),
    [
        ("monthly-corporate", TODAY, "2026-10"),
        ("monthly-corporate", date(2026, 11, 14), "2026-09"),  # October's pack waits 14 days
        ("monthly-corporate", date(2026, 11, 15), "2026-10"),
        ("cmt-bimonthly", TODAY, "2026/27-B3"),
        ("ceb-quarterly", TODAY, "2026/27-Q2"),
        ("scrutiny-quarterly", TODAY, "2026/27-Q2"),
        ("scrutiny-quarterly", date(2026, 4, 20), "2025/26-Q4"),
    ],
)
def test_each_schedule_covers_the_last_complete_period_of_its_frequency(
    code: str, today: date, period: str
) -> None:
    assert schedule(code).due_period(today).code == period


def test_generate_now_offers_the_last_complete_periods_newest_first() -> None:
    offered = [p.code for p in schedule("cmt-bimonthly").recent_periods(TODAY, 3)]
    assert offered == ["2026/27-B3", "2026/27-B2", "2026/27-B1"]


def test_a_period_must_be_complete_and_of_the_schedules_frequency() -> None:
    quarterly = schedule("ceb-quarterly")
    assert quarterly.check_period("2026/27-Q2", TODAY).code == "2026/27-Q2"
    with pytest.raises(PeriodError, match="not a quarterly period"):
        quarterly.check_period("2026/27-B3", TODAY)
    with pytest.raises(PeriodError, match="has not ended yet"):
        quarterly.check_period("2026/27-Q3", TODAY)


@pytest.fixture
def measures(waste: Service, housing: Service, priority: Priority) -> dict[str, Measure]:
    housing_needs = PriorityFactory(number=1, name="Meeting housing needs")
    return {
        "corporate": MeasureFactory(
            code="CP01", kind=Measure.Kind.CORPORATE, priority=housing_needs, service=housing
        ),
        "scrutiny": MeasureFactory(
            code="CP10",
            kind=Measure.Kind.CORPORATE,
            priority=priority,
            service=waste,
            is_scrutiny=True,
        ),
        "service": MeasureFactory(code="WST-01", service=waste, is_scrutiny=True),
        "other": MeasureFactory(code="HOU-01", service=housing),
    }


def test_a_schedule_reports_the_measures_of_its_scope(
    measures: dict[str, Measure], waste: Service, priority: Priority
) -> None:
    def codes(s: ReportSchedule) -> list[str]:
        return sorted(s.measures().values_list("code", flat=True))

    assert codes(schedule("monthly-corporate")) == ["CP01", "CP10"]
    assert codes(schedule("scrutiny-quarterly")) == ["CP10", "WST-01"]
    by_service = ReportSchedule(code="waste", scope=Scope.SERVICE, service=waste)
    assert codes(by_service) == ["CP10", "WST-01"]
    by_priority = ReportSchedule(code="green", scope=Scope.PRIORITY, priority=priority)
    assert codes(by_priority) == ["CP10"]


def test_a_schedule_of_one_service_or_priority_names_it(waste: Service) -> None:
    with pytest.raises(ValidationError, match="service"):
        ReportSchedule(code="x", scope=Scope.SERVICE).clean()
    with pytest.raises(ValidationError, match="priority"):
        ReportSchedule(code="x", scope=Scope.PRIORITY).clean()
    with pytest.raises(ValidationError, match="Only a pack of one service"):
        ReportSchedule(code="x", scope=Scope.CORPORATE, service=waste).clean()


def test_packs_anyone_beyond_management_may_download_show_published_values_only() -> None:
    internal = ReportSchedule(code="x", cmt_may_download=True, ceb_may_download=True)
    assert internal.uses_internal_values
    for flag in ("scrutiny_may_download", "all_members_may_download", "is_public"):
        assert not ReportSchedule(
            code="x", cmt_may_download=True, **{flag: True}
        ).uses_internal_values


def _visible(user: Any) -> set[str]:
    return set(ReportSchedule.objects.visible_to(user).values_list("code", flat=True))


def test_who_may_download_which_schedule(
    pat: User, carol: User, sam: User, alice: User, hannah: User
) -> None:
    everything = {"monthly-corporate", "cmt-bimonthly", "ceb-quarterly", "scrutiny-quarterly"}
    ceb = UserFactory(username="ceb", corporate_role="ceb")
    assert _visible(pat) == everything
    assert _visible(carol) == everything
    assert _visible(ceb) == {"monthly-corporate", "ceb-quarterly", "scrutiny-quarterly"}
    assert _visible(sam) == {"monthly-corporate", "scrutiny-quarterly"}
    assert _visible(alice) == {"monthly-corporate"}  # an officer: all members' packs
    assert _visible(hannah) == {"monthly-corporate"}  # a head of service too
    assert _visible(UserFactory(username="nobody")) == set()  # signed in, no role
    assert _visible(AnonymousUser()) == set()


def test_a_public_schedule_is_visible_to_everyone() -> None:
    ReportSchedule.objects.filter(code="scrutiny-quarterly").update(is_public=True)
    assert _visible(AnonymousUser()) == {"scrutiny-quarterly"}
    assert "scrutiny-quarterly" in _visible(UserFactory(username="nobody"))


def test_the_performance_team_manages_schedules_in_the_admin(pat: User) -> None:
    client = client_for(pat)
    changelist = client.get(reverse("admin:reporting_reportschedule_changelist"))
    assert changelist.status_code == 200
    assert "Quarterly performance report to the scrutiny panel" in changelist.content.decode()
    response = client.post(
        reverse("admin:reporting_reportschedule_add"),
        {
            "code": "waste-monthly",
            "name": "Waste monthly",
            "audience": Audience.ALL_MEMBERS,
            "frequency": "monthly",
            "scope": Scope.SERVICE,
            "days_after_period_end": 14,
            "all_members_may_download": "on",
            "is_active": "on",
        },
    )
    assert response.status_code == 200  # the form again: the service is missing
    assert "Choose the service" in response.content.decode()
    run = ReportRun.objects.create(
        schedule=schedule("ceb-quarterly"), period="2026/27-Q2", status=RunStatus.DONE
    )
    runs = client.get(reverse("admin:reporting_reportrun_changelist"))
    assert runs.status_code == 200
    assert reverse("report_run", args=[run.pk]) in runs.content.decode()
    assert client.get(reverse("admin:reporting_reportrun_add")).status_code == 403


def test_others_cannot_reach_the_schedules_admin(carol: User) -> None:
    response = client_for(carol).get(reverse("admin:reporting_reportschedule_changelist"))
    assert response.status_code in {302, 403}
