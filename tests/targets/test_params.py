"""One reading of `?year=` and `?period=` (targets.params): good values work everywhere in both
spellings, and a bad value is a 400 saying what is wrong, on every page and API that reads one."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from bs4 import BeautifulSoup
from rest_framework.test import APIClient

from targets import params
from targets.models import Priority, Service, User
from targets.params import BadParameter
from targets.periods import Frequency, parse_period
from tests.conftest import client_for
from tests.factories import MeasureFactory

TODAY = date(2026, 11, 26)


@pytest.fixture(autouse=True)
def _today(time_machine: Any) -> None:
    time_machine.move_to("2026-11-26 12:00Z", tick=False)


# The helper


@pytest.mark.parametrize(("text", "year"), [("2026", 2026), ("2026/27", 2026), (" 1999/00 ", 1999)])
def test_a_year_is_read_in_either_spelling(text: str, year: int) -> None:
    assert params.parse_year(text) == year


@pytest.mark.parametrize("text", ["banana", "26", "2026/28", "0999", "9999", "2026-27", "20266"])
def test_a_bad_year_says_what_is_wrong(text: str) -> None:
    with pytest.raises(BadParameter, match="is not a financial year") as refused:
        params.parse_year(text)
    assert refused.value.name == "year"
    assert refused.value.detail == {"year": [refused.value.message]}


def test_an_empty_year_is_the_default_and_a_year_outside_the_choices_is_refused() -> None:
    choices = params.year_choices(back=1, ahead=1, today=TODAY)
    assert choices == [(2027, "2027/28"), (2026, "2026/27"), (2025, "2025/26")]
    assert params.year_param({}, default=2026) == 2026
    assert params.year_param({"year": "  "}, default=2026) == 2026
    assert params.year_param({"year": "2025/26"}, default=2026, choices=choices) == 2025
    with pytest.raises(BadParameter, match="2024/25 is not one of the years offered here"):
        params.year_param({"year": "2024"}, default=2026, choices=choices)


def test_year_choices_add_the_year_shown_when_it_falls_outside() -> None:
    years = [y for y, _ in params.year_choices(back=0, ahead=0, around=2019, today=TODAY)]
    assert years == [2026, 2019]


def test_a_period_is_read_by_its_code_and_of_the_kind_asked_for() -> None:
    default = parse_period("2026-10")
    assert params.period_param({}, default=default) == default
    assert params.period_param({"period": "2026/27-Q1"}, default=default).code == "2026/27-Q1"
    with pytest.raises(BadParameter, match="2026/27-Q1 is not a month: choose one such as 2025-04"):
        params.period_param({"period": "2026/27-Q1"}, default=default, frequency=Frequency.MONTHLY)
    with pytest.raises(BadParameter) as refused:
        params.period_param({"period": "May"}, default=default)
    assert refused.value.name == "period"


# Every page and API that reads one


@pytest.fixture
def people(waste: Service, alice: User, pat: User, carol: User) -> dict[str, User]:
    MeasureFactory(code="WST-01", service=waste, updater=alice, frequency="monthly")
    Priority.objects.create(number=1, name="Meeting housing needs")
    return {"alice": alice, "pat": pat, "carol": carol}


PAGES = [
    ("carol", "/plans/"),
    ("carol", "/priorities/"),
    ("carol", "/priorities/1/"),
    ("carol", "/people/carol/"),
    ("carol", "/planning/"),
    ("pat", "/people/appraisal-targets.csv"),
    ("carol", "/oim/"),
    ("carol", "/oim/vfm/"),
    ("pat", "/oim/budgets/"),
    ("carol", "/feedback/compliance/"),
    ("carol", "/fsr/savings/"),
    ("carol", "/benchmarking/compliance/"),
]


def _page_text(response: Any) -> str:
    return BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "path"), PAGES)
def test_every_page_answers_a_bad_year_with_a_400_and_a_message(
    people: dict[str, User], who: str, path: str
) -> None:
    client = client_for(people[who])
    assert client.get(path, {"year": "2026"}).status_code == 200
    assert client.get(path, {"year": "2026/27"}).status_code == 200
    response = client.get(path, {"year": "banana"})
    assert response.status_code == 400
    assert "'banana' is not a financial year: use one such as 2026/27 or 2026." in _page_text(
        response
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "path"),
    [("carol", "/quality/audits/"), ("carol", "/api/v1/dq-audits/")],
)
def test_a_filtered_list_refuses_a_bad_year_in_its_filters(
    people: dict[str, User], who: str, path: str
) -> None:
    client = client_for(people[who])
    assert client.get(path, {"year": "2026"}).status_code == 200
    response = client.get(path, {"year": "banana"})
    assert response.status_code == 400
    message = "'banana' is not a financial year: use one such as 2026/27 or 2026."
    if path.startswith("/api/"):
        assert response.json() == {"year": [message]}
    else:
        assert message in _page_text(response)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/oim/assessments/", "/api/v1/oim/vfm/"])
def test_the_api_answers_a_bad_year_with_a_400_naming_it(
    people: dict[str, User], path: str
) -> None:
    client = APIClient()
    client.force_authenticate(people["carol"])
    assert client.get(path, {"year": "2026/27"}).status_code == 200
    response = client.get(path, {"year": "banana"})
    assert response.status_code == 400
    assert response.json() == {
        "year": ["'banana' is not a financial year: use one such as 2026/27 or 2026."]
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/services/waste/enter/?period=2026/27-Q1", "2026/27-Q1 is not a month"),
        ("/services/waste/enter/?period=May", "'May' is not a period code"),
        ("/measures/WST-01/enter/?period=2026/27-Q1", "WST-01 is reported monthly"),
    ],
)
def test_a_bad_period_is_a_400_saying_why(people: dict[str, User], path: str, message: str) -> None:
    response = client_for(people["alice"]).get(path)
    assert response.status_code == 400
    assert message in _page_text(response)
