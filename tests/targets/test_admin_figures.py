"""The admin shows figures to their measure's decimals, keeps a value's status in view, and
spells its models' names right."""

from __future__ import annotations

from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.contrib import admin

from benchmarking.models import Authority, BenchmarkValue, Metric
from targets import formatting
from targets.models import Service, User
from tests.conftest import client_for
from tests.factories import MeasureFactory, TargetFactory, TargetProfileFactory, ValueFactory

pytestmark = pytest.mark.django_db
OUR_APPS = ("targets", "benchmarking", "feedback", "oim", "fsr", "reporting")


@pytest.mark.parametrize(
    ("value", "decimals", "shown"),
    [
        ("7041.000000", 0, "7041"),
        ("12.500000", 2, "12.50"),
        ("12.345000", 1, "12.345"),  # never rounded away: it is what is stored
        ("-3.200000", 1, "-3.2"),
        ("0E-6", 1, "0.0"),
        ("-0.000000", 0, "0"),
        ("1E+3", 0, "1000"),
        ("0.000001", 2, "0.000001"),
    ],
)
def test_stored_shows_the_stored_figure_to_at_least_the_decimals(
    value: str, decimals: int, shown: str
) -> None:
    assert formatting.stored(Decimal(value), decimals) == shown


def test_stored_of_no_figure_is_empty() -> None:
    assert formatting.stored(None, 2) == ""


def _cells(html: bytes) -> tuple[list[str], list[list[str]]]:
    table = BeautifulSoup(html, "html.parser").find("table", id="result_list")
    assert table is not None
    heads = [th.get_text(" ", strip=True) for th in table.find("thead").find_all("th")]
    rows = [
        [cell.get_text(" ", strip=True) for cell in tr.find_all(["th", "td"])]
        for tr in table.find("tbody").find_all("tr")
    ]
    return heads, rows


def test_the_value_list_shows_figures_to_the_measures_decimals_and_the_status_early(
    pat: User, waste: Service
) -> None:
    tonnes = MeasureFactory(code="WST-07", title="Tonnes of waste " * 6, decimals=0, service=waste)
    ValueFactory(measure=tonnes, period="2026-04", actual=Decimal("7041"))
    rate = MeasureFactory(code="WST-02", decimals=2, service=waste)
    ValueFactory(measure=rate, period="2026-04", actual=Decimal("12.5"), status="submitted")

    heads, rows = _cells(client_for(pat).get("/admin/targets/value/?o=1").content)

    assert heads[1:5] == ["Measure", "Period", "Status", "Actual"]
    assert heads[-1] == "Title"
    by_code = {row[1]: row for row in rows}
    assert by_code["WST-07"][3:5] == ["Published", "7041"]
    assert by_code["WST-02"][3:5] == ["Submitted", "12.50"]
    assert "000000" not in str(rows)


def test_the_value_form_shows_the_figure_as_stored_and_saving_it_changes_nothing(
    pat: User, waste: Service
) -> None:
    measure = MeasureFactory(code="WST-07", decimals=0, service=waste)
    value = ValueFactory(measure=measure, actual=Decimal("7041"), forecast=Decimal("84000.5"))
    url = f"/admin/targets/value/{value.pk}/change/"

    response = client_for(pat).get(url)

    page = BeautifulSoup(response.content, "html.parser")
    assert page.find("input", attrs={"name": "actual"})["value"] == "7041"
    assert page.find("input", attrs={"name": "forecast"})["value"] == "84000.5"
    form = response.context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k != "evidence"}
    data.update(measure=measure.pk, entered_by="", submitted_by="")
    bound = type(form)(data, instance=value)
    assert bound.is_valid(), bound.errors
    assert "actual" not in bound.changed_data and "forecast" not in bound.changed_data


def test_targets_and_their_profiles_show_the_measures_decimals(pat: User) -> None:
    measure = MeasureFactory(code="HOU-01", decimals=0)
    target = TargetFactory(measure=measure, value=Decimal("250"), lower=None)
    TargetProfileFactory(target=target, period="2025-04", value=Decimal("20"))

    _, rows = _cells(client_for(pat).get("/admin/targets/target/").content)
    change = client_for(pat).get(f"/admin/targets/target/{target.pk}/change/")

    assert rows[0][3:6] == ["250", "–", "–"]
    page = BeautifulSoup(change.content, "html.parser")
    assert page.find("input", attrs={"name": "value"})["value"] == "250"
    assert page.find("input", attrs={"name": "profile-0-value"})["value"] == "20"


def test_benchmark_values_show_their_metrics_decimals(pat: User) -> None:
    metric = Metric.objects.create(code="NI-192", title="Recycling", unit="percent", decimals=1)
    oxford = Authority.objects.create(code="E07000178", name="Oxford", type="NMD")
    found = BenchmarkValue.objects.create(
        metric=metric, authority=oxford, period="2024/25", value=Decimal("38.4")
    )

    _, rows = _cells(client_for(pat).get("/admin/benchmarking/benchmarkvalue/").content)
    change = client_for(pat).get(f"/admin/benchmarking/benchmarkvalue/{found.pk}/change/")

    assert rows[0][-1] == "38.4"
    page = BeautifulSoup(change.content, "html.parser")
    assert page.find("input", attrs={"name": "value"})["value"] == "38.4"


def _naive_plural(name: str) -> bool:
    """A plural Django made by adding "s" where English does otherwise: processs, fetchs."""
    if not name.endswith("s"):
        return False
    singular = name[:-1]
    return singular.endswith(("s", "x", "z", "ch", "sh")) or (
        singular.endswith("y") and singular[-2:-1] not in "aeiou"
    )


def test_every_model_of_ours_has_a_plural_spelled_right() -> None:
    ours = [model for label in OUR_APPS for model in apps.get_app_config(label).get_models()]
    wrong = [
        f"{m._meta.label}: {m._meta.verbose_name_plural}"
        for m in ours
        if _naive_plural(str(m._meta.verbose_name_plural))
    ]
    assert len(ours) > 40
    assert wrong == []


def test_the_admin_index_says_key_processes(pat: User) -> None:
    text = BeautifulSoup(client_for(pat).get("/admin/").content, "html.parser").get_text(" ")
    assert "Key processes" in text
    assert "processs" not in text and "fetchs" not in text


def test_every_list_of_ours_shows_the_status_among_its_first_columns() -> None:
    """Past the fourth column a status is scrolled out of view at 1366 px beside the filters."""
    late = [
        f"{model._meta.label}: {list(model_admin.list_display)}"
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in OUR_APPS
        and "status" in model_admin.list_display
        and list(model_admin.list_display).index("status") > 3
    ]
    assert late == []
