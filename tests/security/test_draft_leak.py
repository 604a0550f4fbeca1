"""No draft leak: random people drive random values through the workflow, and after every step no
public output shows a figure that is not published, and nobody has approved their own value.

A hypothesis state machine calls the workflow services (`targets/services.py`) as random
personas: enter (save a draft, or save and submit), submit, approve, return, publish one value,
publish a whole period, restate a published value. Its own record says which figure of each
measure and period is published now; every figure is unique (101.10, 102.17, …), so a figure
found in a public output that the record does not hold as published is a leak — a draft, a
submitted or approved value, a published figure of a private measure, or a restated figure the
cache still shows. The public outputs: the public page, each public measure's page, the open data
(CSV and JSON), a public report pack's snapshot and its CSV, and what the scrutiny panel reads
through the API.

Bounded for CI: MAX_EXAMPLES runs of at most STEPS steps (about 30 s here).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from reporting.models import ReportSchedule
from reporting.packs import exports, snapshot
from targets import services
from targets.models import (
    CorporateRole,
    Measure,
    Priority,
    Service,
    ServiceRole,
    Target,
    User,
    Value,
    ValueStatus,
)
from targets.periods import parse_period
from targets.services import ValueInput, WorkflowError
from tests.factories import MeasureFactory, UserFactory

# More for a longer hunt: GOLDTHREAD_LEAK_EXAMPLES=100 python -m pytest tests/security/…
MAX_EXAMPLES = int(os.environ.get("GOLDTHREAD_LEAK_EXAMPLES", "12"))
STEPS = 25
TODAY = datetime(2026, 11, 26, 12, tzinfo=UTC)
MONTHS = ("2026-08", "2026-09")
PUBLIC = ("WST-A", "WST-B", "HSG-A")
PRIVATE = ("WST-P",)
PEOPLE = ("alice", "bob", "hannah", "harry", "dora", "pat", "pam", "carol", "sam")
# A figure as the outputs print it (2 decimals, maybe padded with zeros: 101.100000).
FIGURE = re.compile(r"(?<![\d.,])([1-9]\d{2}\.\d{2})0*(?!\d)")

Key = tuple[str, str]  # (measure code, period)


@dataclass
class Council:
    people: dict[str, User]
    measures: dict[str, Measure]


def build_council() -> Council:
    waste = Service.objects.create(code="waste", name="Waste and Recycling")
    housing = Service.objects.create(code="housing", name="Housing")
    priority = Priority.objects.create(number=4, name="A cleaner greener city")
    people = {
        name: UserFactory(username=name)
        for name in ("alice", "bob", "hannah", "harry", "dora", "carol", "sam", "pat", "pam")
    }
    for name, service, role in (
        ("alice", waste, ServiceRole.Role.UPDATER),
        ("bob", housing, ServiceRole.Role.UPDATER),
        ("dora", waste, ServiceRole.Role.DQ_CHAMPION),
    ):
        ServiceRole.objects.create(user=people[name], service=service, role=role)
    waste.head, housing.head = people["hannah"], people["harry"]
    waste.save()
    housing.save()
    for name, role in (
        ("carol", CorporateRole.CMT),
        ("sam", CorporateRole.SCRUTINY),
        ("pat", CorporateRole.PERFORMANCE),
        ("pam", CorporateRole.PERFORMANCE),
    ):
        people[name].corporate_role = role
        people[name].save()
    measures = {}
    for code in (*PUBLIC, *PRIVATE):
        measure = MeasureFactory(
            code=code,
            title=f"Measure {code}",
            kind=Measure.Kind.CORPORATE,
            priority=priority,
            service=housing if code.startswith("HSG") else waste,
            unit=Measure.Unit.SCORE,
            decimals=2,
            is_public=code in PUBLIC,
            is_scrutiny=True,
        )
        Target.objects.create(measure=measure, year=2026, value=Decimal("50"))
        measures[code] = measure
    schedule = ReportSchedule.objects.get(code="scrutiny-quarterly")
    schedule.is_public = True
    schedule.save()
    return Council(people, measures)


class Workflow(RuleBasedStateMachine):
    """One example: a fresh savepoint, an empty cache, and the machine's own record."""

    council: Council  # set by the test before running

    def __init__(self) -> None:
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        cache.clear()
        self.count = 0
        self.status: dict[Key, str] = {}  # as the machine expects it
        self.figure: dict[Key, Decimal] = {}  # the value's current figure
        self.published: dict[Key, Decimal] = {}  # the figure published now
        self.seen: set[Decimal] = set()  # every figure ever entered

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)
        cache.clear()

    # --- helpers ---------------------------------------------------------------------------

    def _new_figure(self) -> Decimal:
        self.count += 1
        figure = Decimal(f"{100 + self.count}.{(self.count * 7) % 90 + 10:02d}")
        self.seen.add(figure)
        return figure

    def _value(self, key: Key) -> Value | None:
        return Value.objects.filter(measure__code=key[0], period=key[1]).first()

    def _user(self, who: str) -> User:
        return self.council.people[who]

    def _attempt(self, call: Any) -> Value | int | None:
        """Run a service; a refusal is fine (the rules say no), anything else is a failure."""
        try:
            result: Value | int = call()
        except (PermissionDenied, WorkflowError):
            return None
        return result

    # --- rules -----------------------------------------------------------------------------

    @rule(
        who=st.sampled_from(PEOPLE),
        code=st.sampled_from((*PUBLIC, *PRIVATE)),
        period=st.sampled_from(MONTHS),
        submit=st.booleans(),
    )
    def enter(self, who: str, code: str, period: str, submit: bool) -> None:
        key = (code, period)
        figure = self._new_figure()
        saved = self._attempt(
            lambda: services.value_save(
                measure=self.council.measures[code],
                period=parse_period(period),
                data=ValueInput(actual=figure),
                user=self._user(who),
                expected_version=None,
                submit=submit,
            )
        )
        if not isinstance(saved, Value):
            return
        before = self.status.get(key)
        assert before != ValueStatus.PUBLISHED, "a published value changed without a reason"
        self.figure[key] = figure
        if before in (None, ValueStatus.DRAFT):
            self.status[key] = ValueStatus.SUBMITTED if submit else ValueStatus.DRAFT
        elif before == ValueStatus.APPROVED:
            # A changed figure needs approving again: nobody approved this one.
            self.status[key] = ValueStatus.SUBMITTED
        assert saved.status == self.status[key], (key, saved.status, self.status[key])

    @rule(
        who=st.sampled_from(PEOPLE),
        code=st.sampled_from((*PUBLIC, *PRIVATE)),
        period=st.sampled_from(MONTHS),
    )
    def restate(self, who: str, code: str, period: str) -> None:
        key = (code, period)
        figure = self._new_figure()
        saved = self._attempt(
            lambda: services.value_save(
                measure=self.council.measures[code],
                period=parse_period(period),
                data=ValueInput(actual=figure),
                user=self._user(who),
                expected_version=None,
                reason="Corrected by the service",
            )
        )
        if not isinstance(saved, Value):
            return
        self.figure[key] = figure
        if self.status.get(key) == ValueStatus.PUBLISHED:
            self.published[key] = figure
        elif self.status.get(key) in (None, ValueStatus.DRAFT):
            self.status[key] = ValueStatus.DRAFT
        elif self.status[key] == ValueStatus.APPROVED:
            self.status[key] = ValueStatus.SUBMITTED
        assert saved.status == self.status[key], (key, saved.status, self.status[key])

    def _transition(self, who: str, data: Any, action: str, reason: str = "") -> None:
        key: Key = data
        value = self._value(key)
        if value is None:
            return
        user = self._user(who)
        own = user.pk in {value.entered_by_id, value.submitted_by_id}
        if action == "approve":
            result = self._attempt(lambda: services.value_approve(value, user=user))
            if own:
                assert result is None, f"{who} approved their own value {key}"
        elif action == "submit":
            result = self._attempt(lambda: services.value_submit(value, user=user))
        elif action == "return":
            result = self._attempt(lambda: services.value_return(value, user=user, reason=reason))
        else:
            result = self._attempt(lambda: services.value_publish(value, user=user))
        if not isinstance(result, Value):
            return
        new = {
            "submit": ValueStatus.SUBMITTED,
            "approve": ValueStatus.APPROVED,
            "return": ValueStatus.DRAFT,
            "publish": ValueStatus.PUBLISHED,
        }[action]
        self.status[key] = new
        if new == ValueStatus.PUBLISHED:
            self.published[key] = self.figure[key]
        assert result.status == new

    @rule(
        who=st.sampled_from(PEOPLE),
        code=st.sampled_from((*PUBLIC, *PRIVATE)),
        period=st.sampled_from(MONTHS),
        action=st.sampled_from(("submit", "approve", "return", "publish")),
    )
    def move(self, who: str, code: str, period: str, action: str) -> None:
        self._transition(who, (code, period), action, reason="Please check the source")

    @precondition(lambda self: any(s == ValueStatus.SUBMITTED for s in self.status.values()))
    @rule(who=st.sampled_from(PEOPLE), data=st.data())
    def approve_submitted(self, who: str, data: st.DataObject) -> None:
        """Approvals are rare by chance: ask for one of a submitted value half the time."""
        waiting = sorted(k for k, s in self.status.items() if s == ValueStatus.SUBMITTED)
        self._transition(who, data.draw(st.sampled_from(waiting)), "approve")

    @precondition(lambda self: any(s == ValueStatus.APPROVED for s in self.status.values()))
    @rule(who=st.sampled_from(PEOPLE), period=st.sampled_from(MONTHS))
    def publish_period(self, who: str, period: str) -> None:
        count = self._attempt(
            lambda: services.period_publish(period=parse_period(period), user=self._user(who))
        )
        if count is None:
            return
        approved = [k for k, s in self.status.items() if k[1] == period and s == "approved"]
        assert count == len(approved)
        for key in approved:
            self.status[key] = ValueStatus.PUBLISHED
            self.published[key] = self.figure[key]

    # --- invariants --------------------------------------------------------------------------

    def _public_now(self) -> set[Decimal]:
        return {f for (code, _), f in self.published.items() if code in PUBLIC}

    def _leaks(self, where: str, text: str, allowed: set[Decimal]) -> None:
        shown = {Decimal(match) for match in FIGURE.findall(text)} & self.seen
        leaked = shown - allowed
        assert not leaked, (
            f"{where} shows {sorted(leaked)}, which are not published now; published: "
            f"{self.published}, statuses: {self.status}"
        )

    @invariant()
    def public_outputs_show_only_published_figures(self) -> None:
        allowed = self._public_now()
        browser = Client()
        for url in (
            "/public/",
            "/public/data.csv",
            "/public/data.json",
            *(f"/public/measures/{code}/" for code in PUBLIC),
        ):
            response = browser.get(url)
            assert response.status_code == 200, url
            self._leaks(url, response.content.decode(), allowed)
        schedule = ReportSchedule.objects.get(code="scrutiny-quarterly")
        data = snapshot.build(
            schedule=schedule,
            period=parse_period("2026/27-Q2"),
            today=TODAY.date(),
            generated_at=TODAY,
        )
        assert data["internal"] is False
        # A public pack reports the scrutiny panel's measures, public or not: published
        # figures only.
        published = set(self.published.values())
        self._leaks("the public pack's snapshot", json.dumps(data), published)
        self._leaks("the public pack's CSV", exports.as_csv(snapshot.restore(data)), published)

    @invariant()
    def the_scrutiny_panel_reads_only_published_figures(self) -> None:
        scrutiny = Client()
        scrutiny.force_login(self._user("sam"))
        response = scrutiny.get("/api/v1/values/?limit=100")
        self._leaks(
            "the values API for scrutiny", response.content.decode(), set(self.published.values())
        )

    @invariant()
    def nobody_approved_their_own_value(self) -> None:
        for value in Value.objects.filter(
            status__in=[ValueStatus.APPROVED, ValueStatus.PUBLISHED], revision=1
        ):
            assert value.approved_by_id not in {value.entered_by_id, value.submitted_by_id}, (
                f"{value.measure.code} {value.period} was approved by whoever entered or "
                "submitted its figure"
            )

    @invariant()
    def the_database_agrees_with_the_record(self) -> None:
        stored = {
            (code, period): (status, actual)
            for code, period, status, actual in Value.objects.values_list(
                "measure__code", "period", "status", "actual"
            )
        }
        expected = {key: (self.status[key], self.figure[key]) for key in self.status}
        assert stored == expected


@pytest.fixture
def council(time_machine: Any) -> Iterator[Council]:
    time_machine.move_to(TODAY, tick=False)
    yield build_council()


@pytest.mark.django_db
def test_no_public_output_ever_shows_an_unpublished_figure(council: Council) -> None:
    Workflow.council = council
    run_state_machine_as_test(
        Workflow,
        settings=settings(
            max_examples=MAX_EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
            database=None,
        ),
    )


@pytest.mark.django_db
def test_a_corrected_approved_value_needs_approving_again_by_someone_else(
    council: Council,
) -> None:
    """Found by the machine: the performance team's correction of an approved value kept it
    approved, so a figure nobody else had approved could be published."""
    people, measure = council.people, council.measures["WST-A"]
    period = parse_period("2026-09")
    value = services.value_save(
        measure=measure,
        period=period,
        data=ValueInput(actual=Decimal("101.10")),
        user=people["alice"],
        expected_version=None,
        submit=True,
    )
    value = services.value_approve(value, user=people["pat"])

    value = services.value_save(
        measure=measure,
        period=period,
        data=ValueInput(actual=Decimal("109.90")),
        user=people["pat"],
        expected_version=value.version,
    )

    assert (value.status, value.approved_by, value.submitted_by) == (
        ValueStatus.SUBMITTED,
        None,
        people["pat"],
    )
    with pytest.raises(PermissionDenied, match="you entered or submitted"):
        services.value_approve(value, user=people["pat"])
    assert services.value_approve(value, user=people["pam"]).status == ValueStatus.APPROVED
