"""The permission matrix's part for the improvement model (`/oim/`, `/api/v1/oim/…`) and the
service reviews (`/fsr/`, `/api/v1/reviews/…` and the other review APIs), with their admin.

The rules (README "The improvement model (OIM)…" and "Service reviews"; `oim/permissions.py`;
`fsr/permissions.py`):

- The OIM's factors and registers are internal: staff and management, not councillors nor people
  with no role (who are sent to the ideas board). The ranking, a service's assessment and value
  for money are read by councillors too (scrutiny and all members: published values only). The
  ideas board is everybody's who is signed in. The performance team configures, assesses,
  budgets and runs the board; key processes and accreditations are kept by the service's head
  and the team.
- Reviews, peer reviews, market tests, market intelligence and savings lines are read by CMT,
  CEB, scrutiny, all members and the performance team for every service; officers (and heads)
  read their own service's only; council-wide savings lines only those who read everything. The
  performance team plans reviews, recommends market tests (only for a review unable to deliver)
  and keeps the savings plan; only a CEB member records CEB's decision (no persona here is one:
  everyone is refused); a head of service changes their own service's reviews, peer reviews and
  market intelligence.

Every review object is created twice, for waste and for housing, each with a marker string: the
housing markers must never reach waste's people (and the waste markers never bob), nor any
marker someone with no role.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from fsr.models import (
    MarketIntelligence,
    MarketTest,
    Milestone,
    PeerReview,
    Review,
    ReviewRuleSettings,
    SavingsLine,
)
from oim.models import (
    Accreditation,
    Factor,
    FactorAssessment,
    Idea,
    KeyProcess,
    QuadrantWeight,
    ServiceBudget,
    ServiceCostMetric,
    SpendToSaveBudget,
)
from targets.models import Action, Service
from targets.periods import financial_year_of
from tests.security.matrix import (
    API,
    API_POST_ONLY,
    LOGIN,
    REDIRECT,
    SIGNED_IN,
    TEAM,
    TEAM_PAGE,
    AdminModel,
    Outcome,
    Row,
    Write,
    expect,
)
from tests.security.world import PERSONAS, World

# Markers: one per object and service, searched for in every list and export.
W_REVIEW = "WASTE-REVIEW-PLANNED-3B8"
W_DONE = "WASTE-REVIEW-DONE-6D1"
H_REVIEW = "HOUSING-ONLY-REVIEW-7F3"
W_BIDS = "WASTE-BIDS-2K4"
H_BIDS = "HOUSING-ONLY-BIDS-9Q2"
W_PEER = "WASTE-PEER-ORG-4M7"
H_PEER = "HOUSING-ONLY-PEER-ORG-8N5"
W_NOTE = "WASTE-INTEL-SOURCE-1T6"
H_NOTE = "HOUSING-ONLY-INTEL-SOURCE-5V3"
W_SAVING = "WASTE-SAVING-LINE-2R9"
H_SAVING = "HOUSING-ONLY-SAVING-LINE-7F3"
C_SAVING = "COUNCIL-WIDE-SAVING-LINE-5C2"
WASTE_MARKS = (W_REVIEW, W_BIDS, W_PEER, W_NOTE, W_SAVING)
HOUSING_MARKS = (H_REVIEW, H_BIDS, H_PEER, H_NOTE, H_SAVING)

STAFF = ("alice", "bob", "hannah", "dora", "carol", "pat")  # see the OIM (internal)
WASTE_PEOPLE = ("alice", "hannah", "dora")  # read waste's reviews only
ALL_READERS = ("sam", "member", "carol", "pat")  # read every service's reviews


def hidden(*marks_for: tuple[tuple[str, ...], tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for personas, marks in marks_for:
        for p in personas:
            out[p] = (*out.get(p, ()), *marks)
    return out


def review_hide(*, waste: tuple[str, ...], housing: tuple[str, ...], council: tuple[str, ...] = ()):
    """Housing's markers hidden from waste's people, waste's from bob, all from noroles."""
    return hidden(
        (WASTE_PEOPLE, (*housing, *council)),
        (("bob",), (*waste, *council)),
        (("noroles",), (*waste, *housing, *council)),
    )


def review_show(*marks: str) -> dict[str, tuple[str, ...]]:
    return {p: marks for p in ALL_READERS}


def build(world: World) -> dict[str, Any]:
    waste = Service.objects.get(code="waste")
    housing = Service.objects.get(code="housing")
    users = world.users
    today = timezone.localdate()
    year = financial_year_of(today)

    planned = Review.objects.create(
        service=waste,
        title=W_REVIEW,
        scope="Round collections",
        sponsor=users["hannah"],
        project_manager=users["alice"],
        start=today + timedelta(days=5),
        planned_end=today + timedelta(days=200),
    )
    done = Review.objects.create(
        service=waste,
        title=W_DONE,
        scope="Trade waste",
        sponsor=users["hannah"],
        project_manager=users["alice"],
        start=date(year - 1, 4, 1),
        planned_end=date(year - 1, 12, 31),
        ended_on=date(year - 1, 12, 31),
        completed_on=date(year, 4, 30),
        status=Review.Status.COMPLETE,
        baseline_cost=Decimal("1000000"),
        baseline_cost_year=year - 1,
        outcome_cost=Decimal("700000"),
        outcome_cost_year=year,
    )
    h_review = Review.objects.create(
        service=housing,
        title=H_REVIEW,
        scope="Voids",
        sponsor=users["pat"],
        project_manager=users["bob"],
        start=today + timedelta(days=5),
        planned_end=today + timedelta(days=200),
    )
    rules_row = ReviewRuleSettings.objects.create(pk=1, four_year_kinds=["fsr"])
    # Agreed, with a milestone past its due date: unable to deliver, no market test yet.
    unable = Review.objects.create(
        service=waste,
        title="WASTE-REVIEW-UNABLE-5P2",
        scope="Bulky waste",
        sponsor=users["hannah"],
        project_manager=users["alice"],
        start=date(year - 1, 4, 1),
        planned_end=date(year - 1, 12, 31),
        ended_on=date(year - 1, 12, 31),
        status=Review.Status.AGREED,
    )
    Milestone.objects.create(review=unable, title="New rota", due=date(year - 1, 12, 31))
    Milestone.objects.create(
        review=planned, title="Scope agreed", owner=users["alice"], due=today + timedelta(days=30)
    )
    action = Action.objects.create(
        service=waste,
        title="Re-route the Tuesday rounds",
        owner=users["alice"],
        due=today + timedelta(days=60),
        source=Action.Source.REVIEW,
    )
    planned.actions.add(action)
    # No owner yet: the API says so with null (its schema must allow it).
    Milestone.objects.create(review=done, title="Report to CEB", due=date(year - 1, 12, 1))
    MarketTest.objects.create(review=done, recommended_on=today, external_bids=W_BIDS)
    h_test = MarketTest.objects.create(review=h_review, recommended_on=today, external_bids=H_BIDS)
    peer = PeerReview.objects.create(
        service=waste,
        reviewer_organisation=W_PEER,
        scope="Street cleansing",
        started_on=date(year, 5, 1),
    )
    h_peer = PeerReview.objects.create(
        service=housing,
        reviewer_organisation=H_PEER,
        scope="Allocations",
        started_on=date(year, 5, 1),
    )
    recommendation = Action.objects.create(
        service=waste,
        title="Publish the cleansing schedule",
        owner=users["hannah"],
        due=today + timedelta(days=90),
    )
    peer.recommendations.add(recommendation)
    note = MarketIntelligence.objects.create(
        service=waste, source=W_NOTE, sector="private", noted_on=today, summary="Rates per lift"
    )
    h_note = MarketIntelligence.objects.create(
        service=housing, source=H_NOTE, sector="third", noted_on=today, summary="Void repairs"
    )
    line = SavingsLine.objects.create(
        year=year, service=waste, source="other", title=W_SAVING, target=Decimal("12345.67")
    )
    h_line = SavingsLine.objects.create(
        year=year, service=housing, source="other", title=H_SAVING, target=Decimal("23456.78")
    )
    SavingsLine.objects.create(
        year=year, service=None, source="procurement", title=C_SAVING, target=Decimal("3456.78")
    )

    factor = Factor.objects.create(
        quadrant="people", name="Staff engagement", source=Factor.Source.ASSESSED, weight=1
    )
    weight = QuadrantWeight.objects.create(quadrant="customer", weight=Decimal("1"))
    assessment = FactorAssessment.objects.create(
        factor=factor,
        service=waste,
        year=year,
        score=3,
        evidence="Staff survey",
        assessor=users["pat"],
        assessed_on=today,
    )
    budget = ServiceBudget.objects.create(service=waste, year=year, net_budget=Decimal("900000"))
    from benchmarking.models import Metric

    cost = ServiceCostMetric.objects.create(service=waste, metric=Metric.objects.get(code="ENV18"))
    fund = SpendToSaveBudget.objects.create(year=year, amount=Decimal("50000"))
    idea = Idea.objects.create(
        title="Solar compactor bins", description="Fewer emptyings", submitter=users["alice"]
    )
    process = KeyProcess.objects.create(
        service=waste, name="Missed bin reports", owner=users["alice"]
    )
    h_process = KeyProcess.objects.create(service=housing, name="Void inspections")  # no owner
    accreditation = Accreditation.objects.create(service=waste, scheme="cse", status="accredited")
    h_accreditation = Accreditation.objects.create(
        service=housing, scheme="iip", status="accredited"
    )
    return {
        "oimfsr_year": year,
        "oimfsr_today": today.isoformat(),
        "oimfsr_later": (today + timedelta(days=150)).isoformat(),
        "oimfsr_review": planned.pk,
        "oimfsr_done": done.pk,
        "oimfsr_unable": unable.pk,
        "oimfsr_h_review": h_review.pk,
        "oimfsr_action": action.pk,
        "oimfsr_h_market_test": h_test.pk,
        "oimfsr_market_test": done.market_test.pk,
        "oimfsr_peer": peer.pk,
        "oimfsr_h_peer": h_peer.pk,
        "oimfsr_recommendation": recommendation.pk,
        "oimfsr_note": note.pk,
        "oimfsr_h_note": h_note.pk,
        "oimfsr_line": line.pk,
        "oimfsr_h_line": h_line.pk,
        "oimfsr_factor": factor.pk,
        "oimfsr_idea": idea.pk,
        "oimfsr_process": process.pk,
        "oimfsr_h_process": h_process.pk,
        "oimfsr_accreditation": accreditation.pk,
        "oimfsr_h_accreditation": h_accreditation.pk,
        "oimfsr_hannah": users["hannah"].pk,  # type: ignore[union-attr]
        "oimfsr_alice": users["alice"].pk,  # type: ignore[union-attr]
        "admin:oim.factor": factor.pk,
        "admin:oim.quadrantweight": weight.pk,
        "admin:oim.factorassessment": assessment.pk,
        "admin:oim.servicebudget": budget.pk,
        "admin:oim.servicecostmetric": cost.pk,
        "admin:oim.spendtosavebudget": fund.pk,
        "admin:oim.idea": idea.pk,
        "admin:oim.keyprocess": process.pk,
        "admin:oim.accreditation": accreditation.pk,
        "admin:fsr.review": planned.pk,
        "admin:fsr.markettest": h_test.pk,
        "admin:fsr.peerreview": peer.pk,
        "admin:fsr.marketintelligence": note.pk,
        "admin:fsr.savingsline": line.pk,
        "admin:fsr.reviewrulesettings": rules_row.pk,
    }


def only(*allowed: str, ok: Outcome = REDIRECT, **others: Outcome) -> dict[str, Outcome]:
    """403 for everyone signed in but `others`, `ok` for `allowed`, the signed out to sign in."""
    return expect(403, anonymous=LOGIN, **others) | {p: ok for p in allowed}


MANAGERS = frozenset({"hannah", "pat"})  # the head of waste and the performance team
SIGNED_IN_PEOPLE = frozenset(p for p in PERSONAS if p != "anonymous")
OIM_PAGE = expect(200, anonymous=LOGIN, noroles=403, sam=403)
OIM_API = expect(200, anonymous=403, noroles=403, sam=403)
# The ranking and value for money: councillors too (from published values).
COUNCILLOR_OIM_API = expect(200, anonymous=403, noroles=403)
# A waste review's page: bob and noroles cannot read it at all.
WASTE_REVIEW_PAGE = expect(200, anonymous=LOGIN, noroles=404, bob=404)
# Changing a waste review: its head and the team; readers who may not change it are refused.
WASTE_REVIEW_EDIT = expect(403, anonymous=LOGIN, noroles=404, bob=404, hannah=200, pat=200)
WASTE_REVIEW_API = expect(200, anonymous=403, noroles=404, bob=404)

REVIEW_FORM = {
    "service": "{waste}",
    "kind": "fsr",
    "title": "Bulky waste review",
    "scope": "Bulky waste collections",
    "sponsor": "{oimfsr_hannah}",
    "project_manager": "{oimfsr_alice}",
    "start": "{oimfsr_today}",
    "planned_end": "{oimfsr_later}",
    "aim_performance_pct": "20",
    "aim_cost_pct": "20",
    "findings": "",
}
ACTION_FORM = {
    "title": "Publish the new rounds",
    "description": "",
    "owner": "{oimfsr_alice}",
    "due": "{oimfsr_later}",
    "status": "not_started",
    "progress": "",
    "completed_on": "",
}
PEER_FORM = {
    "service": "{waste}",
    "review": "",
    "reviewer_organisation": "Local Government Association",
    "reviewer_name": "A Reviewer",
    "scope": "Fleet",
    "started_on": "{oimfsr_today}",
    "ended_on": "",
    "findings": "",
}
NOTE_FORM = {
    "service": "{waste}",
    "source": "Trade press",
    "sector": "private",
    "competitor": "",
    "noted_on": "{oimfsr_today}",
    "summary": "Gate fees rising",
}
SAVINGS_FORM = {
    "year": "{oimfsr_year}",
    "service": "{waste}",
    "source": "other",
    "review": "",
    "idea_reference": "",
    "title": "Fewer agency staff",
    "target": "5000",
    "delivered": "",
}
MARKET_TEST_FORM = {
    "recommended_on": "{oimfsr_today}",
    "in_house_bid": "100000",
    "external_bids": "Two bids",
    "notes": "",
}
DECISION_FORM = {
    "approval": "approved",
    "decided_on": "{oimfsr_today}",
    "minute_reference": "CEB minute 12",
    "decision": "",
    "notes": "",
}
FACTOR_FORM = {
    "quadrant": "customer",
    "name": "Mystery shopping score",
    "description": "",
    "source": "assessed",
    "weight": "1",
    "cut_low": "",
    "cut_mid": "",
    "cut_high": "",
    "is_active": "on",
    "order": "3",
}
PROCESS_FORM = {"service": "{waste}", "name": "Assisted collections", "owner": "", "link": ""}
ACCREDITATION_FORM = {"service": "{waste}", "scheme": "iip", "status": "working_towards"}
IDEA_FORM = {
    "title": "Paperless rounds",
    "description": "Tablets in the cabs",
    "service": "",
    "amount_requested": "0",
    "estimated_saving": "",
}


def _weights() -> dict[str, str]:
    return {q: "1.5" for q in ("customer", "people", "performance", "cost")}


def _assess() -> dict[str, str]:
    factor = Factor.objects.get(name="Staff engagement")
    return {
        f"f{factor.pk}-score": "2",
        f"f{factor.pk}-evidence": "Team survey",
        f"f{factor.pk}-assessed_on": timezone.localdate().isoformat(),
    }


def _budgets() -> dict[str, str]:
    data: dict[str, str] = {}
    for service in Service.objects.filter(is_active=True):
        data[f"{service.code}-net_budget"] = "123456" if service.code == "waste" else ""
        data[f"{service.code}-metric"] = ""
    return data


def _milestones() -> dict[str, str]:
    review = Review.objects.get(title=W_REVIEW)
    milestone = review.milestones.get()
    return {
        "milestones-TOTAL_FORMS": "1",
        "milestones-INITIAL_FORMS": "1",
        "milestones-MIN_NUM_FORMS": "0",
        "milestones-MAX_NUM_FORMS": "1000",
        "milestones-0-id": str(milestone.pk),
        "milestones-0-title": "Scope agreed by CMT",
        "milestones-0-owner": str(review.sponsor_id),
        "milestones-0-due": milestone.due.isoformat(),
        "milestones-0-done_on": "",
    }


def _status() -> dict[str, str]:
    return {"to": "in_progress", "on": ""}


def waste_write(data: Any, **kw: Any) -> Write:
    """A change to a waste review object: its head and the team."""
    return Write(data, WASTE_REVIEW_EDIT | {"hannah": REDIRECT, "pat": REDIRECT}, MANAGERS, **kw)


def api_read(prefix: str, detail: str, hide: dict[str, tuple[str, ...]], show: Any) -> list[Row]:
    refused = Write({"title": "x"}, API_POST_ONLY, frozenset(), json=True)
    return [
        Row(
            f"api/v1/^{prefix}/$",
            f"/api/v1/{prefix}/",
            API,
            hide=hide,
            show=show,
            writes=(refused,),
        ),
        Row(
            f"api/v1/^{prefix}/(?P<pk>[^/.]+)/$",
            f"/api/v1/{prefix}/{{{detail}}}/",
            WASTE_REVIEW_API,
            writes=(Write({}, expect(405, anonymous=403), frozenset(), method="delete"),),
        ),
    ]


REVIEW_HIDE = review_hide(waste=(W_REVIEW,), housing=(H_REVIEW,))

ROWS: list[Row] = [
    # --- Service reviews: the programme and the reviews --------------------------------------
    Row("fsr/", "/fsr/", SIGNED_IN, hide=REVIEW_HIDE, show=review_show(W_REVIEW, H_REVIEW)),
    Row(
        "fsr/reviews/",
        "/fsr/reviews/",
        SIGNED_IN,
        hide=review_hide(waste=(W_REVIEW, W_DONE), housing=(H_REVIEW,)),
        show={**review_show(W_REVIEW, W_DONE, H_REVIEW), "alice": (W_REVIEW,), "bob": (H_REVIEW,)},
    ),
    Row(
        "fsr/reviews/new/",
        "/fsr/reviews/new/",
        TEAM_PAGE,
        writes=(Write(REVIEW_FORM, only("pat"), TEAM),),
    ),
    Row(
        "fsr/reviews/<int:pk>/",
        "/fsr/reviews/{oimfsr_review}/",
        WASTE_REVIEW_PAGE,
        show={"alice": (W_REVIEW,), "sam": (W_REVIEW,)},
    ),
    Row(
        "fsr/reviews/<int:pk>/edit/",
        "/fsr/reviews/{oimfsr_review}/edit/",
        WASTE_REVIEW_EDIT,
        writes=(
            waste_write(REVIEW_FORM),
            # The head of waste cannot change housing's review.
            Write(
                {**REVIEW_FORM, "service": "{housing}"},
                expect(
                    403, anonymous=LOGIN, noroles=404, alice=404, hannah=404, dora=404, pat=REDIRECT
                ),
                TEAM,
                url="/fsr/reviews/{oimfsr_h_review}/edit/",
            ),
        ),
    ),
    Row(
        "fsr/reviews/<int:pk>/plan/",
        "/fsr/reviews/{oimfsr_review}/plan/",
        WASTE_REVIEW_EDIT,
        writes=(waste_write(_milestones),),
    ),
    Row(
        "fsr/reviews/<int:pk>/actions/new/",
        "/fsr/reviews/{oimfsr_review}/actions/new/",
        WASTE_REVIEW_EDIT,
        writes=(waste_write(ACTION_FORM),),
    ),
    Row(
        "fsr/reviews/<int:pk>/actions/<int:action_pk>/",
        "/fsr/reviews/{oimfsr_review}/actions/{oimfsr_action}/",
        WASTE_REVIEW_EDIT,
        writes=(waste_write(ACTION_FORM),),
    ),
    Row(
        "fsr/reviews/<int:pk>/status/",
        "/fsr/reviews/{oimfsr_review}/status/",
        expect(405, anonymous=LOGIN),
        writes=(waste_write(_status),),
    ),
    Row(
        "fsr/reviews/<int:pk>/outcome/",
        "/fsr/reviews/{oimfsr_done}/outcome/",
        expect(405, anonymous=LOGIN),
        writes=(waste_write({}),),
    ),
    Row(
        "fsr/reviews/<int:pk>/savings/",
        "/fsr/reviews/{oimfsr_done}/savings/",
        expect(405, anonymous=LOGIN),
        writes=(Write({}, expect(403, anonymous=LOGIN, noroles=404, bob=404, pat=REDIRECT), TEAM),),
    ),
    Row(
        "fsr/reviews/<int:pk>/market-test/",
        "/fsr/reviews/{oimfsr_unable}/market-test/",
        expect(403, anonymous=LOGIN, noroles=404, bob=404, pat=200),
        writes=(
            Write(
                MARKET_TEST_FORM,
                expect(403, anonymous=LOGIN, noroles=404, bob=404, pat=REDIRECT),
                TEAM,
            ),
            # A planned review is not unable to deliver: refused, for the team too.
            Write(
                MARKET_TEST_FORM,
                expect(403, anonymous=LOGIN, noroles=404, bob=404, pat=400),
                frozenset(),
                url="/fsr/reviews/{oimfsr_review}/market-test/",
            ),
        ),
    ),
    # CEB's decision: a CEB member's only (none of the personas; tests/fsr cover the CEB).
    Row(
        "fsr/reviews/<int:pk>/market-test/decision/",
        "/fsr/reviews/{oimfsr_done}/market-test/decision/",
        expect(403, anonymous=LOGIN, noroles=404, bob=404),
        writes=(
            Write(DECISION_FORM, expect(403, anonymous=LOGIN, noroles=404, bob=404), frozenset()),
        ),
    ),
    Row(
        "fsr/rules/",
        "/fsr/rules/",
        TEAM_PAGE,
        writes=(
            Write(
                {"four_year_kinds": ["fsr", "peer_review"]},
                expect(403, anonymous=LOGIN, pat=REDIRECT),
                TEAM,
            ),
        ),
    ),
    # Peer reviews.
    Row(
        "fsr/peer-reviews/",
        "/fsr/peer-reviews/",
        SIGNED_IN,
        hide=review_hide(waste=(W_PEER,), housing=(H_PEER,)),
        show={**review_show(W_PEER, H_PEER), "dora": (W_PEER,), "bob": (H_PEER,)},
    ),
    Row(
        "fsr/peer-reviews/new/",
        "/fsr/peer-reviews/new/",
        only("hannah", "pat", ok=200),
        writes=(Write(PEER_FORM, only("hannah", "pat"), MANAGERS),),
    ),
    Row(
        "fsr/peer-reviews/<int:pk>/",
        "/fsr/peer-reviews/{oimfsr_peer}/",
        WASTE_REVIEW_PAGE,
        show={"dora": (W_PEER,), "carol": (W_PEER,)},
    ),
    Row(
        "fsr/peer-reviews/<int:pk>/edit/",
        "/fsr/peer-reviews/{oimfsr_peer}/edit/",
        WASTE_REVIEW_EDIT,
        writes=(
            waste_write(PEER_FORM),
            Write(
                {**PEER_FORM, "service": "{housing}"},
                expect(
                    403, anonymous=LOGIN, noroles=404, alice=404, hannah=404, dora=404, pat=REDIRECT
                ),
                TEAM,
                url="/fsr/peer-reviews/{oimfsr_h_peer}/edit/",
            ),
            # The head of waste cannot hand waste's peer review to housing: not a choice.
            Write(
                {**PEER_FORM, "service": "{housing}"},
                WASTE_REVIEW_EDIT | {"hannah": 400, "pat": REDIRECT},
                TEAM,
            ),
        ),
    ),
    Row(
        "fsr/peer-reviews/<int:pk>/recommendations/new/",
        "/fsr/peer-reviews/{oimfsr_peer}/recommendations/new/",
        WASTE_REVIEW_EDIT,
        writes=(waste_write(ACTION_FORM),),
    ),
    Row(
        "fsr/peer-reviews/<int:pk>/recommendations/<int:action_pk>/",
        "/fsr/peer-reviews/{oimfsr_peer}/recommendations/{oimfsr_recommendation}/",
        WASTE_REVIEW_EDIT,
        writes=(waste_write(ACTION_FORM),),
    ),
    # Market intelligence.
    Row(
        "fsr/intelligence/",
        "/fsr/intelligence/",
        SIGNED_IN,
        hide=review_hide(waste=(W_NOTE,), housing=(H_NOTE,)),
        show={**review_show(W_NOTE, H_NOTE), "hannah": (W_NOTE,), "bob": (H_NOTE,)},
    ),
    Row(
        "fsr/intelligence/new/",
        "/fsr/intelligence/new/",
        only("hannah", "pat", ok=200),
        writes=(Write(NOTE_FORM, only("hannah", "pat"), MANAGERS),),
    ),
    Row(
        "fsr/intelligence/<int:pk>/edit/",
        "/fsr/intelligence/{oimfsr_note}/edit/",
        only("hannah", "pat", ok=200),
        writes=(
            Write(NOTE_FORM, only("hannah", "pat"), MANAGERS),
            Write(
                {**NOTE_FORM, "service": "{housing}"},
                only("pat"),
                TEAM,
                url="/fsr/intelligence/{oimfsr_h_note}/edit/",
            ),
            Write({**NOTE_FORM, "service": "{housing}"}, only("pat", hannah=400), TEAM),
        ),
    ),
    # The savings plan.
    Row(
        "fsr/savings/",
        "/fsr/savings/",
        SIGNED_IN,
        hide=review_hide(waste=(W_SAVING,), housing=(H_SAVING,), council=(C_SAVING,)),
        show={**review_show(W_SAVING, H_SAVING, C_SAVING), "alice": (W_SAVING,)},
    ),
    Row(
        "fsr/savings/new/",
        "/fsr/savings/new/",
        TEAM_PAGE,
        writes=(Write(SAVINGS_FORM, only("pat"), TEAM),),
    ),
    Row(
        "fsr/savings/<int:pk>/edit/",
        "/fsr/savings/{oimfsr_line}/edit/",
        TEAM_PAGE,
        writes=(Write(SAVINGS_FORM, only("pat"), TEAM),),
    ),
    # --- The reviews API ---------------------------------------------------------------------
    Row(
        "api/v1/review-programme/",
        "/api/v1/review-programme/",
        API,
        # One row per service the reader may see, its current reviews by id.
        hide=review_hide(waste=('"service":"waste"',), housing=('"service":"housing"',)),
        show={
            **review_show('"service":"waste"', '"service":"housing"'),
            "alice": ('"service":"waste"',),
            "bob": ('"service":"housing"',),
        },
        writes=(Write({}, API_POST_ONLY, frozenset(), json=True),),
    ),
    Row(
        "api/v1/^reviews/$",
        "/api/v1/reviews/",
        API,
        hide=review_hide(waste=(W_REVIEW, W_DONE, W_BIDS), housing=(H_REVIEW, H_BIDS)),
        show={**review_show(W_REVIEW, H_REVIEW), "dora": (W_REVIEW,), "bob": (H_REVIEW,)},
        writes=(
            Write(
                {
                    **REVIEW_FORM,
                    "service": "waste",
                    "sponsor": "hannah",
                    "project_manager": "alice",
                },
                expect(403) | {"pat": 201},
                TEAM,
                json=True,
            ),
        ),
    ),
    Row(
        "api/v1/^reviews/(?P<pk>[^/.]+)/$",
        "/api/v1/reviews/{oimfsr_review}/",
        WASTE_REVIEW_API,
        show={"alice": (W_REVIEW,)},
        writes=(
            Write(
                {"title": "Round collections review"},
                expect(403, noroles=404, bob=404, hannah=200, pat=200),
                MANAGERS,
                method="patch",
                json=True,
            ),
            Write(
                {"title": "Void review"},
                expect(403, noroles=404, alice=404, hannah=404, dora=404, pat=200),
                TEAM,
                method="patch",
                json=True,
                url="/api/v1/reviews/{oimfsr_h_review}/",
            ),
            # Only the performance team moves a review to another service.
            Write(
                {"service": "housing"},
                expect(403, noroles=404, bob=404, pat=200),
                TEAM,
                method="patch",
                json=True,
            ),
            Write({}, expect(405, anonymous=403), frozenset(), method="delete"),
        ),
    ),
    Row(
        "api/v1/^reviews/(?P<pk>[^/.]+)/status/$",
        "/api/v1/reviews/{oimfsr_review}/status/",
        expect(405, anonymous=403),
        writes=(
            Write(
                {"to": "in_progress"},
                expect(403, noroles=404, bob=404, hannah=200, pat=200),
                MANAGERS,
                json=True,
            ),
        ),
    ),
    # A review's improvement actions: its head and the team add and change them.
    Row(
        "api/v1/^reviews/(?P<pk>[^/.]+)/actions/$",
        "/api/v1/reviews/{oimfsr_review}/actions/",
        expect(405, anonymous=403),
        writes=(
            Write(
                {"title": "Benchmark the depot", "due": "2027-03-31"},
                expect(403, noroles=404, bob=404, hannah=201, pat=201),
                MANAGERS,
                json=True,
            ),
        ),
    ),
    Row(
        "api/v1/^reviews/(?P<pk>[^/.]+)/actions/(?P<action_pk>[0-9]+)/$",
        "/api/v1/reviews/{oimfsr_review}/actions/{oimfsr_action}/",
        expect(405, anonymous=403),
        writes=(
            Write(
                {"progress": "Depot visited"},
                expect(403, noroles=404, bob=404, hannah=200, pat=200),
                MANAGERS,
                method="patch",
                json=True,
            ),
        ),
    ),
    Row(
        "api/v1/^market-tests/$",
        "/api/v1/market-tests/",
        API,
        hide=review_hide(waste=(W_BIDS,), housing=(H_BIDS,)),
        show={**review_show(W_BIDS, H_BIDS), "alice": (W_BIDS,), "bob": (H_BIDS,)},
        writes=(
            Write(
                {
                    "review": "{oimfsr_unable}",
                    "recommended_on": "{oimfsr_today}",
                    "external_bids": "Two bids",
                },
                expect(403, pat=201),
                TEAM,
                json=True,
            ),
            # The planned review is delivering nothing yet: refused with the reason.
            Write(
                {"review": "{oimfsr_review}", "recommended_on": "{oimfsr_today}"},
                expect(403, pat=400),
                frozenset(),
                json=True,
            ),
        ),
    ),
    Row(
        "api/v1/^market-tests/(?P<pk>[^/.]+)/$",
        "/api/v1/market-tests/{oimfsr_market_test}/",
        WASTE_REVIEW_API,
        writes=(Write({}, expect(405, anonymous=403), frozenset(), method="delete"),),
    ),
    Row(
        "api/v1/^market-tests/(?P<pk>[^/.]+)/decision/$",
        "/api/v1/market-tests/{oimfsr_market_test}/decision/",
        API_POST_ONLY,
        writes=(
            Write(
                {
                    "approval": "approved",
                    "decided_on": "{oimfsr_today}",
                    "minute_reference": "CEB minute 12",
                },
                expect(403, noroles=404, bob=404),
                frozenset(),
                json=True,
            ),
        ),
    ),
    *api_read(
        "peer-reviews",
        "oimfsr_peer",
        review_hide(waste=(W_PEER,), housing=(H_PEER,)),
        {**review_show(W_PEER, H_PEER), "alice": (W_PEER,)},
    ),
    *api_read(
        "market-intelligence",
        "oimfsr_note",
        review_hide(waste=(W_NOTE,), housing=(H_NOTE,)),
        {**review_show(W_NOTE, H_NOTE), "alice": (W_NOTE,), "bob": (H_NOTE,)},
    ),
    *api_read(
        "savings",
        "oimfsr_line",
        review_hide(waste=(W_SAVING,), housing=(H_SAVING,), council=(C_SAVING,)),
        {**review_show(W_SAVING, H_SAVING, C_SAVING), "alice": (W_SAVING,)},
    ),
    # --- The improvement model ---------------------------------------------------------------
    # People with no role are sent to the ideas board; councillors read the ranking, a service's
    # assessment and value for money (from published values).
    Row("oim/", "/oim/", expect(200, anonymous=LOGIN, noroles=REDIRECT)),
    Row(
        "oim/services/<slug:code>/<int:year>/",
        "/oim/services/waste/{oimfsr_year}/",
        expect(200, anonymous=LOGIN, noroles=403),
    ),
    Row(
        "oim/services/<slug:code>/<int:year>/assess/",
        "/oim/services/waste/{oimfsr_year}/assess/",
        TEAM_PAGE,
        writes=(Write(_assess, only("pat"), TEAM),),
    ),
    Row(
        "oim/factors/",
        "/oim/factors/",
        OIM_PAGE,
        writes=(Write(_weights, only("pat"), TEAM),),
    ),
    Row(
        "oim/factors/new/",
        "/oim/factors/new/",
        TEAM_PAGE,
        writes=(Write(FACTOR_FORM, only("pat"), TEAM),),
    ),
    Row(
        "oim/factors/<int:pk>/edit/",
        "/oim/factors/{oimfsr_factor}/edit/",
        TEAM_PAGE,
        writes=(Write(FACTOR_FORM, only("pat"), TEAM),),
    ),
    Row(
        "oim/budgets/",
        "/oim/budgets/",
        TEAM_PAGE,
        writes=(Write(_budgets, only("pat"), TEAM),),
    ),
    Row("oim/vfm/", "/oim/vfm/", expect(200, anonymous=LOGIN, noroles=403)),
    # The ideas board: everyone signed in reads it and submits ideas; the team runs it.
    Row("oim/ideas/", "/oim/ideas/", SIGNED_IN),
    Row(
        "oim/ideas/new/",
        "/oim/ideas/new/",
        SIGNED_IN,
        writes=(Write(IDEA_FORM, expect(REDIRECT, anonymous=LOGIN), SIGNED_IN_PEOPLE),),
    ),
    Row(
        "oim/ideas/budget/",
        "/oim/ideas/budget/",
        TEAM_PAGE,
        writes=(Write({"year": "{oimfsr_year}", "amount": "60000"}, only("pat"), TEAM),),
    ),
    Row(
        "oim/ideas/<int:pk>/",
        "/oim/ideas/{oimfsr_idea}/",
        SIGNED_IN,
        writes=(
            Write(
                {"action": "move", "status": "under_review", "board_month": "", "note": ""},
                only("pat"),
                TEAM,
            ),
        ),
    ),
    # Registers: read by staff; a service's by its head and the team.
    Row("oim/processes/", "/oim/processes/", OIM_PAGE),
    Row(
        "oim/processes/new/",
        "/oim/processes/new/",
        only("hannah", "pat", ok=200),
        writes=(Write(PROCESS_FORM, only("hannah", "pat"), MANAGERS),),
    ),
    Row(
        "oim/processes/<int:pk>/edit/",
        "/oim/processes/{oimfsr_process}/edit/",
        only("hannah", "pat", ok=200),
        writes=(
            Write(PROCESS_FORM, only("hannah", "pat"), MANAGERS),
            Write(
                {**PROCESS_FORM, "service": "{housing}"},
                only("pat"),
                TEAM,
                url="/oim/processes/{oimfsr_h_process}/edit/",
            ),
        ),
    ),
    Row("oim/accreditations/", "/oim/accreditations/", OIM_PAGE),
    Row(
        "oim/accreditations/new/",
        "/oim/accreditations/new/",
        only("hannah", "pat", ok=200),
        writes=(Write(ACCREDITATION_FORM, only("hannah", "pat"), MANAGERS),),
    ),
    Row(
        "oim/accreditations/<int:pk>/edit/",
        "/oim/accreditations/{oimfsr_accreditation}/edit/",
        only("hannah", "pat", ok=200),
        writes=(
            Write(ACCREDITATION_FORM, only("hannah", "pat"), MANAGERS),
            Write(
                {**ACCREDITATION_FORM, "service": "{housing}"},
                only("pat"),
                TEAM,
                url="/oim/accreditations/{oimfsr_h_accreditation}/edit/",
            ),
        ),
    ),
    # --- The OIM API -------------------------------------------------------------------------
    Row(
        "api/v1/oim/vfm/",
        "/api/v1/oim/vfm/",
        COUNCILLOR_OIM_API,
        writes=(Write({}, expect(405, anonymous=403, noroles=403), frozenset(), json=True),),
    ),
    Row("api/v1/^oim/factors/$", "/api/v1/oim/factors/", OIM_API),
    Row("api/v1/^oim/factors/(?P<pk>[^/.]+)/$", "/api/v1/oim/factors/{oimfsr_factor}/", OIM_API),
    Row("api/v1/^oim/assessments/$", "/api/v1/oim/assessments/", COUNCILLOR_OIM_API),
    Row(
        "api/v1/^oim/assessments/(?P<code>[-a-zA-Z0-9_]+)/$",
        "/api/v1/oim/assessments/waste/",
        COUNCILLOR_OIM_API,
    ),
    Row(
        "api/v1/^oim/ideas/$",
        "/api/v1/oim/ideas/",
        API,
        writes=(
            Write(
                {"title": "Reuse shop", "description": "Sell what is left at the tip"},
                expect(201, anonymous=403),
                SIGNED_IN_PEOPLE,
                json=True,
            ),
        ),
    ),
    Row(
        "api/v1/^oim/ideas/(?P<pk>[^/.]+)/$",
        "/api/v1/oim/ideas/{oimfsr_idea}/",
        API,
        writes=(
            Write(
                {"title": "x"}, expect(405, anonymous=403), frozenset(), method="patch", json=True
            ),
        ),
    ),
    Row("api/v1/^oim/key-processes/$", "/api/v1/oim/key-processes/", OIM_API),
    Row(
        "api/v1/^oim/key-processes/(?P<pk>[^/.]+)/$",
        "/api/v1/oim/key-processes/{oimfsr_process}/",
        OIM_API,
    ),
    Row("api/v1/^oim/accreditations/$", "/api/v1/oim/accreditations/", OIM_API),
    Row(
        "api/v1/^oim/accreditations/(?P<pk>[^/.]+)/$",
        "/api/v1/oim/accreditations/{oimfsr_accreditation}/",
        OIM_API,
    ),
]

ADMIN_MODELS: dict[str, AdminModel] = {
    "oim.factor": AdminModel(),
    "oim.quadrantweight": AdminModel(),
    "oim.factorassessment": AdminModel(),
    "oim.servicebudget": AdminModel(),
    "oim.servicecostmetric": AdminModel(),
    "oim.spendtosavebudget": AdminModel(),
    "oim.idea": AdminModel(),
    "oim.keyprocess": AdminModel(),
    "oim.accreditation": AdminModel(),
    "fsr.review": AdminModel(),
    "fsr.markettest": AdminModel(),
    "fsr.peerreview": AdminModel(),
    "fsr.marketintelligence": AdminModel(),
    "fsr.savingsline": AdminModel(),
    # One row, the council's: added once, then only changed.
    "fsr.reviewrulesettings": AdminModel(add=False),
}
