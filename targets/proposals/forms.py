"""Forms of target proposals: they validate and convert; the services decide."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from targets.models import Measure
from targets.proposals import rules
from targets.proposals.rules import ProposalError


class ProposalForm(forms.Form):
    measure = forms.ModelChoiceField(
        queryset=Measure.objects.none(), to_field_name="code", empty_label="Choose a measure"
    )
    value = forms.DecimalField(
        label="Annual target", required=False, max_digits=20, decimal_places=6
    )
    lower = forms.DecimalField(
        label="Lower bound (target range only)", required=False, max_digits=20, decimal_places=6
    )
    upper = forms.DecimalField(
        label="Upper bound (target range only)", required=False, max_digits=20, decimal_places=6
    )
    profile = forms.CharField(
        label="Profile (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One period a line with its target, e.g. 2026/27-Q1 25. Leave empty to use "
        "the annual target for every period (divided between the periods for a cumulative "
        "measure). A profile covers the whole year.",
    )
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Why this target: last year's outturn, trend, resources, comparators.",
    )

    def __init__(self, *args: Any, services: Any, year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.year = year
        field = cast(forms.ModelChoiceField, self.fields["measure"])  # type: ignore[type-arg]
        field.queryset = (
            Measure.objects.active_in(year)
            .filter(service__in=services)
            .select_related("service")
            .order_by("code")
        )
        field.label_from_instance = lambda m: f"{m.code} {m.title}"  # type: ignore[method-assign, assignment]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        measure: Measure | None = data.get("measure")
        if measure is None:
            return data
        is_range = measure.polarity == Measure.Polarity.RANGE
        try:
            rules.check_figures(
                is_range=is_range,
                value=data.get("value"),
                lower=data.get("lower"),
                upper=data.get("upper"),
            )
            data["profile"] = rules.parse_profile(
                data.get("profile") or "",
                year=self.year,
                frequency=measure.frequency,
                is_range=is_range,
            )
        except ProposalError as exc:
            self.add_error(exc.field if exc.field in self.fields else None, str(exc))
        return data


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="Why it is returned",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The head of service sees this and proposes again.",
    )
