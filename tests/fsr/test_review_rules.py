"""Issue 17, point 1: service reviews keep their rules. The pure rules (unable to deliver, the
nine months against the actual end, the four-year rule's kinds, what agreeing needs), then each
rule through the pages, the API and the admin, by who should and who should not be able to."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import PermissionDenied

from fsr import programme, rules, services
from fsr.models import MarketTest, Review, ReviewRuleSettings
from fsr.services import MarketTestRefused
from targets.models import Action, ChangeRecord, Service, User
from tests.conftest import client_for
from tests.fsr.conftest import milestone, review

TODAY = date(2026, 11, 20)


# --- the pure rules ------------------------------------------------------------------------


def test_an_actual_end_in_the_future_is_refused() -> None:
    problem = rules.actual_end_problem(date(2026, 5, 1), date(2026, 11, 21), TODAY)
    assert problem is not None and "is in the future" in problem
    assert "21 November 2026" in problem and "20 November 2026" in problem


def test_an_actual_end_before_the_start_is_refused() -> None:
    problem = rules.actual_end_problem(date(2026, 5, 1), date(2026, 4, 30), TODAY)
    assert problem == "The actual end (30 April 2026) is before the review started (1 May 2026)."


@pytest.mark.parametrize("ended", [date(2026, 5, 1), TODAY])
def test_an_actual_end_from_the_start_to_today_is_accepted(ended: date) -> None:
    assert rules.actual_end_problem(date(2026, 5, 1), ended, TODAY) is None


def test_an_open_review_is_overrunning_the_day_after_its_nine_months() -> None:
    start = date(2026, 2, 20)  # nine months end on 20 November 2026
    on_the_day = rules.Overrun(start, None, True, TODAY)
    assert on_the_day.limit == TODAY and not on_the_day.flagged
    day_after = rules.Overrun(start, None, True, date(2026, 11, 21))
    assert day_after.overrunning and day_after.days_over == 1
    assert day_after.text.startswith("Overrunning: still open 1 days after")


def test_a_review_that_ended_late_overran_and_one_closed_in_time_did_not() -> None:
    start = date(2025, 5, 31)  # limit 28 February 2026
    late = rules.Overrun(start, date(2026, 3, 10), False, TODAY)
    assert late.overran and not late.overrunning and late.days_over == 10
    in_time = rules.Overrun(start, date(2026, 2, 28), False, TODAY)
    assert not in_time.flagged
    # Abandoned or planned-but-closed without an end: never flagged for the actual end.
    assert not rules.Overrun(start, None, False, TODAY).flagged


@pytest.mark.parametrize(
    ("agreed", "milestones", "actions", "unable"),
    [
        (False, 3, 3, False),  # the plan is not agreed: nothing to fail to deliver
        (True, 0, 0, False),
        (True, 1, 0, True),
        (True, 0, 2, True),
    ],
)
def test_unable_to_deliver_needs_an_agreed_plan_with_a_missed_date(
    agreed: bool, milestones: int, actions: int, unable: bool
) -> None:
    check = rules.Delivery(agreed, milestones, actions)
    assert check.unable_to_deliver is unable
    assert (check.market_test_refusal is None) is unable


def test_the_refusal_says_why() -> None:
    delivering = rules.Delivery(True, 0, 0).market_test_refusal
    assert delivering is not None and "this review is delivering" in delivering
    not_agreed = rules.Delivery(False, 0, 0).market_test_refusal
    assert not_agreed is not None and "plan has not been agreed yet" in not_agreed
    assert rules.Delivery(True, 1, 2).text == (
        "Unable to deliver: 1 milestone and 2 improvement actions past due"
    )


def test_agreeing_names_everything_missing() -> None:
    missing = rules.agreement_missing(
        comparators=0,
        other_comparators=" ",
        challenge_evidence="",
        staff_involvement="Workshops",
        future_specification="",
    )
    assert missing == [
        "the high performers it was compared with (external challenge)",
        "the evidence of the external challenge",
        "the future service specification",
    ]
    assert rules.agreement_problem(missing) == (
        "Record the high performers it was compared with (external challenge), the evidence "
        "of the external challenge and the future service specification before agreeing the "
        "improvement plan."
    )
    assert not rules.agreement_missing(
        comparators=2,
        other_comparators="",
        challenge_evidence="x",
        staff_involvement="y",
        future_specification="z",
    )


def test_the_four_year_rule_counts_only_the_kinds_chosen() -> None:
    ended = [("fsr", date(2021, 1, 1)), ("business_process", date(2025, 1, 1)), ("fsr", None)]
    assert rules.last_counted_end(ended, ["fsr"]) == date(2021, 1, 1)
    assert rules.last_counted_end(ended, ["fsr", "business_process"]) == date(2025, 1, 1)
    assert rules.last_counted_end(ended, ["peer_review"]) is None


# --- through the pages, the API and the admin ------------------------------------------------


@pytest.fixture
def _today(time_machine: Any) -> None:
    time_machine.move_to(datetime(2026, 11, 20, 12, tzinfo=UTC), tick=False)


def soup(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def agreed(service: Service) -> Review:
    return review(
        service,
        status=Review.Status.AGREED,
        start=date(2025, 5, 1),
        planned_end=date(2026, 1, 31),
        ended_on=date(2026, 1, 20),
    )


def late_action(found: Review) -> Action:
    action = Action.objects.create(
        service=found.service, title="New depot rota", due=date(2026, 9, 30), source="review"
    )
    found.actions.add(action)
    return action


BID = {"recommended_on": "2026-11-01", "in_house_bid": "2400000", "external_bids": "Two bids"}


@pytest.mark.django_db
@pytest.mark.usefixtures("_today")
class TestMarketTests:
    def test_a_market_test_on_a_delivering_review_is_refused_on_the_page(
        self, pat: User, waste: Service
    ) -> None:
        found = agreed(waste)
        milestone(found, date(2026, 12, 1))  # not due yet: delivering
        page = client_for(pat).get(f"/fsr/reviews/{found.pk}/market-test/")
        refused = soup(page).select_one("#market-test-refused").get_text(" ", strip=True)
        assert "this review is delivering" in refused and soup(page).select_one("main form") is None
        response = client_for(pat).post(f"/fsr/reviews/{found.pk}/market-test/", BID)
        assert response.status_code == 400 and not MarketTest.objects.exists()

    def test_a_market_test_on_a_review_still_in_progress_is_refused_in_the_api(
        self, pat: User, waste: Service
    ) -> None:
        found = review(waste, status=Review.Status.IN_PROGRESS)
        milestone(found, date(2025, 6, 1))
        response = client_for(pat).post(
            "/api/v1/market-tests/", {**BID, "review": found.pk}, content_type="application/json"
        )
        assert response.status_code == 400
        assert "has not been agreed yet" in response.json()["non_field_errors"][0]
        assert not MarketTest.objects.exists()

    def test_the_admin_refuses_a_market_test_for_a_delivering_review(
        self, pat: User, waste: Service
    ) -> None:
        pat.is_staff = True
        pat.save()
        found = agreed(waste)
        response = client_for(pat).post(
            "/admin/fsr/markettest/add/", {**BID, "review": found.pk, "notes": ""}
        )
        assert response.status_code == 200
        assert "this review is delivering" in response.content.decode()
        assert not MarketTest.objects.exists()

    def test_the_team_recommends_for_a_review_unable_to_deliver_in_the_api(
        self, pat: User, waste: Service
    ) -> None:
        found = agreed(waste)
        late_action(found)
        response = client_for(pat).post(
            "/api/v1/market-tests/",
            {**BID, "review": found.pk, "approval": "approved"},
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
        assert response.json()["approval"] == ""  # CEB's decision is never written here
        entry = ChangeRecord.objects.get(object_type="markettest")
        assert (entry.action, entry.source) == ("create", "api")

    def test_the_performance_team_cannot_decide(self, pat: User, waste: Service) -> None:
        found = agreed(waste)
        late_action(found)
        test = MarketTest.objects.create(review=found, recommended_on=date(2026, 11, 1))
        decision = {
            "approval": "approved",
            "decided_on": "2026-11-10",
            "minute_reference": "CEB 10/11/26 min. 4",
        }
        assert (
            client_for(pat).get(f"/fsr/reviews/{found.pk}/market-test/decision/").status_code == 403
        )
        page = client_for(pat).post(f"/fsr/reviews/{found.pk}/market-test/decision/", decision)
        api = client_for(pat).post(
            f"/api/v1/market-tests/{test.pk}/decision/",
            decision,
            content_type="application/json",
        )
        assert (page.status_code, api.status_code) == (403, 403)
        with pytest.raises(PermissionDenied, match="only a CEB member"):
            services.market_test_decide(
                market_test=test,
                user=pat,
                approval="approved",
                decided_on=date(2026, 11, 10),
                minute_reference="x",
            )
        test.refresh_from_db()
        assert test.approval == ""

    def test_a_ceb_member_records_the_decision(
        self, ceb: User, carol: User, waste: Service
    ) -> None:
        found = agreed(waste)
        late_action(found)
        MarketTest.objects.create(review=found, recommended_on=date(2026, 11, 1))
        page = soup(client_for(ceb).get(f"/fsr/reviews/{found.pk}/"))
        link = page.find("a", string="Record CEB's decision")
        assert link["href"] == f"/fsr/reviews/{found.pk}/market-test/decision/"
        assert (
            soup(client_for(carol).get(f"/fsr/reviews/{found.pk}/")).find(
                "a", string="Record CEB's decision"
            )
            is None
        )

        response = client_for(ceb).post(
            link["href"],
            {
                "approval": "approved",
                "decided_on": "2026-11-10",
                "minute_reference": "CEB 10/11/26 min. 4",
                "decision": "",
                "notes": "",
            },
        )
        assert response.status_code == 302
        test = MarketTest.objects.get()
        assert (test.approval, test.decision_on, test.minute_reference, test.decided_by) == (
            "approved",
            date(2026, 11, 10),
            "CEB 10/11/26 min. 4",
            ceb,
        )
        entry = ChangeRecord.objects.get(object_type="markettest", action="update")
        assert entry.user == ceb and entry.changes["approval"] == [None, "approved"]
        notice = soup(client_for(carol).get(f"/fsr/reviews/{found.pk}/")).select_one(
            "#market-testing"
        )
        assert "CEB approved it on 10 November 2026 (minute CEB 10/11/26 min. 4)" in (
            notice.get_text(" ", strip=True)
        )

    def test_an_outsource_decision_on_a_delivering_review_is_refused(
        self, ceb: User, waste: Service
    ) -> None:
        found = agreed(waste)
        action = late_action(found)
        test = MarketTest.objects.create(review=found, recommended_on=date(2026, 11, 1))
        # The service caught up: the late action is done, so the review is delivering again.
        action.status = Action.Status.DONE
        action.completed_on = date(2026, 11, 5)
        action.save()
        outsource = {
            "approval": "approved",
            "decided_on": "2026-11-10",
            "minute_reference": "CEB 10/11/26 min. 4",
            "decision": "outsource",
        }
        page = client_for(ceb).post(f"/fsr/reviews/{found.pk}/market-test/decision/", outsource)
        assert page.status_code == 400
        assert "this review is delivering" in soup(page).select_one(".error-summary").get_text()
        api = client_for(ceb).post(
            f"/api/v1/market-tests/{test.pk}/decision/", outsource, content_type="application/json"
        )
        assert api.status_code == 400 and "delivering" in api.json()["non_field_errors"][0]
        test.refresh_from_db()
        assert (test.approval, test.decision) == ("", "")
        # Rejecting the recommendation is always open to CEB.
        api = client_for(ceb).post(
            f"/api/v1/market-tests/{test.pk}/decision/",
            {**outsource, "approval": "rejected", "decision": ""},
            content_type="application/json",
        )
        assert api.status_code == 200 and api.json()["approval"] == "rejected"

    def test_an_outcome_needs_an_approved_market_test(self, ceb: User, waste: Service) -> None:
        found = agreed(waste)
        late_action(found)
        test = MarketTest.objects.create(review=found, recommended_on=date(2026, 11, 1))
        with pytest.raises(Exception, match="Only a market test CEB approved"):
            services.market_test_decide(
                market_test=test,
                user=ceb,
                approval="rejected",
                decided_on=date(2026, 11, 10),
                minute_reference="CEB 10/11/26 min. 4",
                decision="outsource",
            )
        with pytest.raises(MarketTestRefused, match="in the future"):
            services.market_test_decide(
                market_test=test,
                user=ceb,
                approval="rejected",
                decided_on=date(2026, 12, 10),
                minute_reference="CEB 10/12/26 min. 4",
            )


@pytest.mark.django_db
@pytest.mark.usefixtures("_today")
class TestNineMonths:
    def test_an_actual_end_in_the_future_is_refused_on_the_page_and_the_api(
        self, pat: User, waste: Service
    ) -> None:
        found = review(waste, status=Review.Status.IN_PROGRESS, start=date(2026, 5, 1),
                       planned_end=date(2027, 1, 31))  # fmt: skip
        milestone(found, date(2026, 6, 1), done_on=date(2026, 6, 1))
        response = client_for(pat).post(
            f"/fsr/reviews/{found.pk}/status/", {"to": "agreed", "on": "2026-12-01"}, follow=True
        )
        assert "is in the future" in response.content.decode()
        api = client_for(pat).post(
            f"/api/v1/reviews/{found.pk}/status/",
            {"to": "agreed", "on": "2026-04-01"},
            content_type="application/json",
        )
        assert api.status_code == 400
        assert "before the review started (1 May 2026)" in api.json()["to"][0]
        found.refresh_from_db()
        assert (found.status, found.ended_on) == (Review.Status.IN_PROGRESS, None)

    def test_an_overrunning_review_is_flagged_on_the_programme_the_review_and_the_api(
        self, carol: User, waste: Service
    ) -> None:
        late = review(waste, title="Waste depot review", status=Review.Status.IN_PROGRESS,
                      start=date(2026, 1, 12), planned_end=date(2026, 10, 9))  # fmt: skip
        in_time = review(waste, title="Trade waste review", status=Review.Status.IN_PROGRESS,
                         start=date(2026, 3, 2), planned_end=date(2026, 11, 30))  # fmt: skip
        client = client_for(carol)
        section = soup(client.get("/fsr/")).find("h2", id="overrun-title")
        assert section.get_text(strip=True) == "Overrunning the nine months (1)"
        listed = section.find_next("ul").get_text(" ", strip=True)
        assert "Waste depot review" in listed and "Trade waste review" not in listed
        assert "39 days after its nine months ended on 12 October 2026" in listed
        flag = soup(client.get(f"/fsr/reviews/{late.pk}/")).select_one("#overrun")
        assert "Overrunning" in flag.get_text(" ", strip=True)
        assert soup(client.get(f"/fsr/reviews/{in_time.pk}/")).select_one("#overrun") is None
        api = client.get(f"/api/v1/reviews/{late.pk}/").json()
        assert (api["overrunning"], api["overran"]) == (True, False)
        assert [f.review for f in programme.overrunning(today=TODAY)] == [late]

    def test_the_packs_helpers_take_today(self, waste: Service) -> None:
        found = agreed(waste)
        late_action(found)
        flagged = programme.unable_to_deliver(today=TODAY)
        assert [(f.review, f.text) for f in flagged] == [
            (found, "Unable to deliver: 1 improvement action past due")
        ]
        assert programme.unable_to_deliver(today=date(2026, 9, 30)) == []


@pytest.mark.django_db
@pytest.mark.usefixtures("_today")
class TestFourYearKinds:
    def test_the_performance_team_changes_which_kinds_count(
        self, pat: User, waste: Service
    ) -> None:
        review(waste, kind=Review.Kind.PEER, status=Review.Status.COMPLETE,
               ended_on=date(2025, 12, 1))  # fmt: skip
        client = client_for(pat)
        row = client.get("/api/v1/review-programme/").json()[0]
        assert (row["rule"], row["four_year_kinds"]) == ("never", ["fsr"])
        assert "counts fundamental service reviews (the framework's default)" in soup(
            client.get("/fsr/")
        ).select_one("#rule-kinds").get_text(" ", strip=True)

        response = client.post("/fsr/rules/", {"four_year_kinds": ["fsr", "peer_review"]})
        assert response.status_code == 302
        assert ReviewRuleSettings.current().kinds == ["fsr", "peer_review"]
        entry = ChangeRecord.objects.get(object_type="reviewrulesettings")
        assert entry.user == pat and entry.action == "create"
        row = client.get("/api/v1/review-programme/").json()[0]
        assert (row["rule"], row["four_year_kinds"]) == ("ok", ["fsr", "peer_review"])
        used = soup(client.get("/fsr/")).select_one("#rule-kinds").get_text(" ", strip=True)
        assert "fundamental service reviews and peer reviews (the council's setting)" in used

    def test_no_kind_at_all_is_refused(self, pat: User) -> None:
        response = client_for(pat).post("/fsr/rules/", {"four_year_kinds": []})
        assert response.status_code == 400 and not ReviewRuleSettings.objects.exists()

    def test_only_the_performance_team_sets_the_rule(self, carol: User, ceb: User) -> None:
        for user in (carol, ceb):
            assert client_for(user).get("/fsr/rules/").status_code == 403
            response = client_for(user).post("/fsr/rules/", {"four_year_kinds": ["peer_review"]})
            assert response.status_code == 403
        assert not ReviewRuleSettings.objects.exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("_today")
def test_agreeing_through_the_api_names_what_is_missing(pat: User, waste: Service) -> None:
    found = review(waste, status=Review.Status.IN_PROGRESS, sponsor=pat, project_manager=pat)
    milestone(found, date(2026, 6, 1), done_on=date(2026, 6, 1))
    api = client_for(pat)
    refused = api.post(f"/api/v1/reviews/{found.pk}/status/", {"to": "agreed"},
                       content_type="application/json")  # fmt: skip
    assert refused.status_code == 400
    assert "the future service specification" in refused.json()["to"][0]
    changed = api.patch(
        f"/api/v1/reviews/{found.pk}/",
        {
            "other_comparators": "APSE top quartile",
            "challenge_evidence": "APSE 2025/26 report",
            "staff_involvement": "Workshops with every round",
            "future_specification": "Weekly collections",
        },
        content_type="application/json",
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["agreement_missing"] == []
    agreed_now = api.post(f"/api/v1/reviews/{found.pk}/status/", {"to": "agreed"},
                          content_type="application/json")  # fmt: skip
    assert agreed_now.status_code == 200 and agreed_now.json()["status"] == "agreed"
