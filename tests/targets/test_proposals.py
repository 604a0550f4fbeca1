"""Targets set by heads of service: the head proposes with a rationale, the performance team (CMT
for a corporate measure) approves or returns; approved proposals become the year's targets,
audited, and every proposal is kept."""

from __future__ import annotations

from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import PermissionDenied

from targets.models import (
    ChangeRecord,
    Measure,
    Service,
    Target,
    TargetProfile,
    TargetProposal,
    User,
)
from targets.proposals import rules, services
from targets.proposals.rules import ProposalError
from tests.conftest import client_for
from tests.factories import MeasureFactory, TargetFactory

pytestmark = pytest.mark.django_db
D = Decimal
YEAR = 2026
QUARTERS = {f"2026/27-Q{q}": str(10 * q) for q in range(1, 5)}


@pytest.fixture
def measure(waste: Service) -> Measure:
    return MeasureFactory(code="WST-01", service=waste, frequency=Measure.Frequency.QUARTERLY)


@pytest.fixture
def corporate(waste: Service) -> Measure:
    return MeasureFactory(code="CP-01", service=waste, corporate=True)


def _propose(user: User, measure: Measure, value: str = "55", **extra: object) -> TargetProposal:
    return services.proposal_create(
        user=user,
        measure=measure,
        year=YEAR,
        value=D(value),
        rationale="Last year 52%; the new food waste round adds 3 points.",
        **extra,  # type: ignore[arg-type]
    )


# Pure rules


def test_profile_is_parsed_one_period_a_line() -> None:
    text = "2026/27-Q1 10\n2026/27-Q2: 20\n\n2026/27-Q3, 30\n2026/27-Q4 40"
    found = rules.parse_profile(text, year=YEAR, frequency="quarterly", is_range=False)
    assert found == QUARTERS


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026/27-Q1 10", "A profile covers the whole year: 2026/27-Q2, 2026/27-Q3, 2026/27-Q4"),
        ("2025/26-Q1 10", "2025/26-Q1 is not in 2026/27"),
        ("2026-04 10", "not one of its periods"),
        ("2026/27-Q1 ten", "ten is not a number"),
        ("2026/27-Q1", "write a period and a figure"),
        ("2026/27-Q1 1\n2026/27-Q1 2", "2026/27-Q1 is in the profile twice"),
    ],
)
def test_a_bad_profile_is_refused_with_the_reason(text: str, message: str) -> None:
    with pytest.raises(ProposalError, match=message):
        rules.parse_profile(text, year=YEAR, frequency="quarterly", is_range=False)


def test_figures_follow_the_polarity() -> None:
    rules.check_figures(is_range=False, value=D(1), lower=None, upper=None)
    rules.check_figures(is_range=True, value=None, lower=D(1), upper=D(2))
    with pytest.raises(ProposalError, match="Enter the annual target"):
        rules.check_figures(is_range=False, value=None, lower=None, upper=None)
    with pytest.raises(ProposalError, match="upper bound is below"):
        rules.check_figures(is_range=True, value=None, lower=D(3), upper=D(2))


# Services and permissions


def test_head_proposes_and_the_team_approves_into_the_years_target(
    measure: Measure, hannah: User, pat: User
) -> None:
    TargetFactory(measure=measure, year=YEAR, value=D("50"))
    proposal = _propose(hannah, measure, profile=QUARTERS)
    assert Target.objects.get(measure=measure, year=YEAR).value == D("50")  # not yet
    services.proposal_approve(user=pat, proposal=proposal)
    target = Target.objects.get(measure=measure, year=YEAR)
    assert target.value == D("55")
    assert dict(TargetProfile.objects.filter(target=target).values_list("period", "value")) == {
        k: D(v) for k, v in QUARTERS.items()
    }
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by) == (TargetProposal.Status.APPROVED, pat)
    records = ChangeRecord.objects.filter(measure_code="WST-01")
    kinds = {(r.object_type, r.action, r.user_id) for r in records}
    assert ("targetproposal", "create", hannah.pk) in kinds
    assert ("targetproposal", "approve", pat.pk) in kinds
    assert ("target", "update", pat.pk) in kinds
    assert sum(1 for r in records if r.object_type == "profile") == 4


def test_approving_without_a_profile_removes_the_old_one(
    measure: Measure, hannah: User, pat: User
) -> None:
    target = TargetFactory(measure=measure, year=YEAR, value=D("50"))
    TargetProfile.objects.create(target=target, period="2026/27-Q1", value=D("1"))
    services.proposal_approve(user=pat, proposal=_propose(hannah, measure))
    assert not TargetProfile.objects.filter(target=target).exists()
    assert ChangeRecord.objects.filter(object_type="profile", action="delete").count() == 1


def test_a_returned_proposal_keeps_the_target_and_the_history(
    measure: Measure, hannah: User, pat: User
) -> None:
    first = _propose(hannah, measure, "40")
    with pytest.raises(ProposalError, match="Say why"):
        services.proposal_return(user=pat, proposal=first, reason="  ")
    services.proposal_return(user=pat, proposal=first, reason="Too low: last year was 52%.")
    assert not Target.objects.filter(measure=measure, year=YEAR).exists()
    second = _propose(hannah, measure, "55")
    services.proposal_approve(user=pat, proposal=second)
    statuses = list(
        TargetProposal.objects.filter(measure=measure)
        .order_by("id")
        .values_list("status", flat=True)
    )
    assert statuses == ["returned", "approved"]
    with pytest.raises(ProposalError, match="already approved"):
        services.proposal_return(user=pat, proposal=second, reason="Changed my mind")


def test_one_open_proposal_at_a_time(measure: Measure, hannah: User) -> None:
    _propose(hannah, measure)
    with pytest.raises(ProposalError, match="awaiting a decision"):
        _propose(hannah, measure, "60")


def test_only_the_head_proposes(measure: Measure, alice: User, pat: User, bob: User) -> None:
    for user in (alice, pat, bob):
        with pytest.raises(PermissionDenied):
            _propose(user, measure)


def test_a_service_target_is_the_performance_teams_to_decide(
    measure: Measure, hannah: User, carol: User, alice: User, pat: User
) -> None:
    proposal = _propose(hannah, measure)
    for user in (carol, alice, hannah):
        with pytest.raises(PermissionDenied):
            services.proposal_approve(user=user, proposal=proposal)
    assert TargetProposal.objects.get(pk=proposal.pk).status == "proposed"


def test_a_corporate_target_is_cmts_to_decide(
    corporate: Measure, hannah: User, carol: User, pat: User
) -> None:
    proposal = _propose(hannah, corporate)
    with pytest.raises(PermissionDenied, match="corporate management team"):
        services.proposal_approve(user=pat, proposal=proposal)
    services.proposal_approve(user=carol, proposal=proposal)
    assert Target.objects.get(measure=corporate, year=YEAR).value == D("55")


def test_the_figures_and_the_year_are_checked(measure: Measure, hannah: User) -> None:
    with pytest.raises(ProposalError, match="not reported in 2020/21"):
        services.proposal_create(user=hannah, measure=measure, year=2020, value=D(1), rationale="x")
    with pytest.raises(ProposalError, match="rationale"):
        services.proposal_create(user=hannah, measure=measure, year=YEAR, value=D(1), rationale="")


# Pages


def test_the_journey_through_the_pages(measure: Measure, hannah: User, pat: User) -> None:
    head = client_for(hannah)
    page = head.get("/targets/proposals/new/?year=2026/27")
    assert page.status_code == 200
    refused = head.post(
        "/targets/proposals/new/?year=2026/27",
        {"measure": "WST-01", "value": "", "rationale": "Because"},
    )
    assert refused.status_code == 400
    assert "Enter the annual target." in refused.content.decode()
    response = head.post(
        "/targets/proposals/new/?year=2026/27",
        {
            "measure": "WST-01",
            "value": "55",
            "profile": "\n".join(f"{k} {v}" for k, v in QUARTERS.items()),
            "rationale": "Food waste round",
        },
    )
    proposal = TargetProposal.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/targets/proposals/{proposal.pk}/"
    )
    # The head cannot decide her own proposal: no decision form on the page, 403 on a POST.
    html = BeautifulSoup(head.get(response["Location"]).content, "html.parser")
    assert html.find("form", action=f"/targets/proposals/{proposal.pk}/approve/") is None
    assert head.post(f"/targets/proposals/{proposal.pk}/approve/").status_code == 403
    team = client_for(pat)
    html = BeautifulSoup(team.get(f"/targets/proposals/{proposal.pk}/").content, "html.parser")
    assert html.find("form", action=f"/targets/proposals/{proposal.pk}/approve/") is not None
    assert team.post(f"/targets/proposals/{proposal.pk}/approve/").status_code == 302
    html = BeautifulSoup(team.get(f"/targets/proposals/{proposal.pk}/").content, "html.parser")
    current = html.find(id="current-target")
    assert current is not None and "55.0%" in current.get_text()
    listing = BeautifulSoup(team.get("/targets/proposals/?year=2026/27").content, "html.parser")
    row = listing.find("tbody").find("tr")  # type: ignore[union-attr]
    assert "WST-01" in row.get_text() and "Approved" in row.get_text()  # type: ignore[union-attr]


def test_returning_needs_a_reason_on_the_page(measure: Measure, hannah: User, pat: User) -> None:
    proposal = _propose(hannah, measure)
    team = client_for(pat)
    response = team.post(f"/targets/proposals/{proposal.pk}/return/", {"reason": ""})
    assert response.status_code == 400
    assert TargetProposal.objects.get().status == "proposed"
    team.post(f"/targets/proposals/{proposal.pk}/return/", {"reason": "Too low"})
    assert TargetProposal.objects.get().return_reason == "Too low"


def test_scrutiny_and_outsiders_do_not_see_proposals(
    measure: Measure, hannah: User, sam: User
) -> None:
    proposal = _propose(hannah, measure)
    assert client_for(sam).get("/targets/proposals/").status_code == 403
    assert client_for(sam).get(f"/targets/proposals/{proposal.pk}/").status_code == 403
    assert client_for(sam).get("/api/v1/target-proposals/").json()["results"] == []


def test_a_bad_year_is_a_clear_400(hannah: User) -> None:
    response = client_for(hannah).get("/targets/proposals/?year=twenty")
    assert response.status_code == 400


# API


def test_the_api_proposes_approves_and_returns(
    measure: Measure, corporate: Measure, hannah: User, pat: User, carol: User
) -> None:
    head = client_for(hannah)
    body = {
        "measure": "WST-01",
        "year": YEAR,
        "value": "55",
        "profile": QUARTERS,
        "rationale": "Food waste round",
    }
    created = head.post("/api/v1/target-proposals/", body, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "proposed" and created.json()["proposed_by"] == "hannah"
    bad = head.post(
        "/api/v1/target-proposals/",
        {**body, "measure": "CP-01", "profile": {"2026/27-Q1": "1"}},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "profile" in bad.json()
    pk = created.json()["id"]
    assert client_for(carol).post(f"/api/v1/target-proposals/{pk}/approve/").status_code == 403
    approved = client_for(pat).post(f"/api/v1/target-proposals/{pk}/approve/")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert Target.objects.get(measure=measure, year=YEAR).value == D("55")
    assert ChangeRecord.objects.filter(object_type="target", source="api").exists()

    corp = head.post(
        "/api/v1/target-proposals/",
        {"measure": "CP-01", "year": YEAR, "value": "90", "rationale": "Stretch"},
        content_type="application/json",
    ).json()
    empty = client_for(carol).post(
        f"/api/v1/target-proposals/{corp['id']}/return/", {}, content_type="application/json"
    )
    assert empty.status_code == 400 and "reason" in empty.json()
    returned = client_for(carol).post(
        f"/api/v1/target-proposals/{corp['id']}/return/",
        {"reason": "Not ambitious enough"},
        content_type="application/json",
    )
    assert (
        returned.status_code == 200 and returned.json()["return_reason"] == "Not ambitious enough"
    )
    listed = client_for(pat).get("/api/v1/target-proposals/?year=2026/27&status=returned").json()
    assert [p["measure"] for p in listed["results"]] == ["CP-01"]


def test_the_list_takes_the_same_queries_however_many_proposals(
    waste: Service, hannah: User, pat: User
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    team = client_for(pat)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert team.get("/targets/proposals/?year=2026/27").status_code == 200
        return len(queries)

    count()  # the first request of a session reads what later ones have cached
    _propose(hannah, MeasureFactory(service=waste))
    few = count()
    for _ in range(4):
        _propose(hannah, MeasureFactory(service=waste))
    assert count() == few


def test_a_proposal_that_no_longer_suits_its_measure_is_not_approved(
    measure: Measure, hannah: User, pat: User
) -> None:
    proposal = _propose(hannah, measure, profile=QUARTERS)
    Measure.objects.filter(pk=measure.pk).update(frequency=Measure.Frequency.MONTHLY)
    proposal.refresh_from_db()
    with pytest.raises(ProposalError, match="not one of its periods"):
        services.proposal_approve(user=pat, proposal=proposal)
    assert not Target.objects.filter(measure=measure, year=YEAR).exists()
