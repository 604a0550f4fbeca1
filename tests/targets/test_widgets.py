"""targets/widgets.py: a select written in Python is Django's select, byte for byte."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms

from reporting.filters import ScorecardFilter
from targets.models import Measure, Priority, Service
from targets.widgets import Select

CHOICES: list[Any] = [
    ("", "Any"),
    ("a&b", 'Fish "&" chips <b>'),
    ("Group <1>", [("x", "Ex"), ("y", "Why")]),
    (3, "Three"),
]


def _forms(**field: Any) -> tuple[type[forms.Form], type[forms.Form]]:
    class Theirs(forms.Form):
        pick = forms.ChoiceField(choices=CHOICES, widget=forms.Select, **field)

    class Ours(forms.Form):
        pick = forms.ChoiceField(choices=CHOICES, widget=Select, **field)

    return Theirs, Ours


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (None, {}),
        ({"pick": "y"}, {}),
        ({"pick": "a&b"}, {"required": False, "help_text": "Choose one"}),
        ({"pick": "nope"}, {}),  # an error: aria-invalid and described by the error
        ({}, {"disabled": True, "required": False}),
        ({"pick": "3"}, {"widget": None}),
    ],
)
def test_the_same_html_as_django_writes(data: dict[str, str] | None, field: dict[str, Any]) -> None:
    field = {k: v for k, v in field.items() if k != "widget"}
    theirs, ours = _forms(**field)
    expected, written = str(theirs(data)["pick"]), str(ours(data)["pick"])
    assert written == expected
    assert "<optgroup" in written and "&amp;" in written


@pytest.mark.django_db
def test_the_scorecard_filters_write_what_django_would(waste: Service) -> None:
    Priority.objects.create(number=1, name="Homes & jobs")
    filters = ScorecardFilter(
        {"service": waste.code, "kind": "corporate", "rag": "red"}, queryset=Measure.objects.all()
    )
    assert filters.is_valid()
    for name in ("kind", "service", "priority", "rag"):
        bound = filters.form[name]
        assert isinstance(bound.field.widget, Select)
        django_s = forms.Select(choices=bound.field.widget.choices)
        assert str(bound) == bound.as_widget(widget=django_s)
    assert 'value="waste" selected' in str(filters.form["service"])
