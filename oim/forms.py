"""OIM forms: they validate and convert; the services in `oim.services` do the work."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.db import models
from django.utils import timezone

from benchmarking.models import Metric
from oim import scoring
from oim.models import Accreditation, Factor, Idea, KeyProcess
from oim.permissions import register_services
from targets import periods
from targets.models import Service, User
from targets.params import this_year, year_choices
from targets.periods import PeriodError

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# The years the OIM's pages accept, and the few their year choosers offer.
def accepted_years() -> list[tuple[int, str]]:
    return year_choices(back=10, ahead=2)


class FactorForm(forms.ModelForm):
    class Meta:
        model = Factor
        fields = [
            "quadrant",
            "name",
            "description",
            "source",
            "weight",
            "higher_is_better",
            "cut_low",
            "cut_mid",
            "cut_high",
            "is_active",
            "order",
        ]
        help_texts = {
            "cut_low": "Computed factors: a figure reaching this scores 2 (higher is better); "
            "at or below it scores 4 (lower is better).",
            "cut_mid": "Reaching it scores 3 (higher is better); at or below it, 3 or better.",
            "cut_high": "Reaching it scores 4 (higher is better); above it scores 1 (lower is "
            "better). Leave all three blank for a factor assessed by hand.",
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class WeightsForm(forms.Form):
    def __init__(self, *args: Any, weights: dict[scoring.Quadrant, Decimal], **kwargs: Any):
        super().__init__(*args, **kwargs)
        for quadrant in scoring.QUADRANTS:
            self.fields[quadrant.value] = forms.DecimalField(
                label=quadrant.label,
                min_value=Decimal("0.01"),
                max_digits=6,
                decimal_places=2,
                initial=weights[quadrant],
            )


class AssessmentForm(forms.Form):
    score = forms.TypedChoiceField(
        choices=[("", "Not assessed")] + [(s, str(s)) for s in range(4, 0, -1)],
        coerce=int,
        empty_value=None,
        required=False,
        help_text="4 strong, 3 good, 2 fair, 1 weak.",
    )
    evidence = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="What the score rests on.",
    )
    assessed_on = forms.DateField(label="Assessed on", widget=DATE, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("score") is not None:
            if not (data.get("evidence") or "").strip():
                self.add_error("evidence", "Give the evidence for the score.")
            if data.get("assessed_on") is None:
                self.add_error("assessed_on", "Give the date of the assessment.")
            elif data["assessed_on"] > timezone.localdate():
                self.add_error("assessed_on", "The date cannot be in the future.")
        return data


class MetricChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} – {obj.title}"


class BudgetForm(forms.Form):
    net_budget = forms.DecimalField(
        label="Net budget (£)", required=False, max_digits=14, decimal_places=2
    )
    metric = MetricChoiceField(
        label="Benchmark metric of spend",
        queryset=Metric.objects.none(),
        required=False,
        empty_label="None",
    )

    def __init__(self, *args: Any, metrics: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["metric"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = metrics


class IdeaForm(forms.ModelForm):
    class Meta:
        model = Idea
        fields = ["title", "description", "service", "amount_requested", "estimated_saving"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["service"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Service.objects.filter(is_active=True)
        field.empty_label = "The whole council"


def month_code(text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    try:
        period = periods.parse_period(text)
    except PeriodError:
        raise forms.ValidationError("Enter a month such as 2026-05.") from None
    if period.frequency != periods.Frequency.MONTHLY:
        raise forms.ValidationError("Enter a month such as 2026-05.")
    return period.code


class MoveForm(forms.Form):
    status = forms.ChoiceField(choices=Idea.Status.choices)
    board_month = forms.CharField(
        label="Board meeting (month)",
        required=False,
        help_text="e.g. 2026-05",
        max_length=7,
    )
    note = forms.CharField(
        label="Board's note", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def clean_board_month(self) -> str:
        return month_code(self.cleaned_data["board_month"])


class AwardForm(forms.Form):
    amount = forms.DecimalField(
        label="Spend to save awarded (£)",
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=2,
        help_text="£0 withdraws an award.",
    )
    year = forms.TypedChoiceField(label="From the budget of", coerce=int, choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["year"]).choices = year_choices(back=1, ahead=1)
        self.fields["year"].initial = this_year()


class SavingForm(forms.Form):
    realised_saving = forms.DecimalField(
        label="Realised saving a year (£)",
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=2,
        required=False,
    )


class SpendToSaveForm(forms.Form):
    year = forms.TypedChoiceField(label="Financial year", coerce=int, choices=())
    amount = forms.DecimalField(
        label="Spend-to-save budget (£)", min_value=Decimal(0), max_digits=12, decimal_places=2
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["year"]).choices = year_choices(back=1, ahead=1)


def _formfield(field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class KeyProcessForm(forms.ModelForm):
    class Meta:
        model = KeyProcess
        formfield_callback = _formfield
        fields = ["service", "name", "owner", "documented", "last_review", "next_review", "link"]
        widgets = {"last_review": DATE, "next_review": DATE}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        service = self.fields["service"]
        assert isinstance(service, forms.ModelChoiceField)
        service.queryset = register_services(user)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = User.objects.filter(is_active=True).order_by("last_name", "first_name")


class AccreditationForm(forms.ModelForm):
    class Meta:
        model = Accreditation
        fields = [
            "service",
            "scheme",
            "scheme_name",
            "status",
            "awarded_on",
            "expires_on",
            "next_assessment",
            "notes",
        ]
        widgets = {
            "awarded_on": DATE,
            "expires_on": DATE,
            "next_assessment": DATE,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, user: User, whole_council: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        service = self.fields["service"]
        assert isinstance(service, forms.ModelChoiceField)
        service.queryset = register_services(user)
        service.required = not whole_council
        service.empty_label = "The whole council" if whole_council else "Choose a service"
