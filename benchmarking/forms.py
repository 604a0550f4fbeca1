"""Forms of the benchmarking pages: they validate and convert, and never orchestrate."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db import models
from django.utils import timezone

from benchmarking import periods as benchmark_periods
from benchmarking.models import Exercise, GoodPractice, Metric
from benchmarking.permissions import manageable_services
from targets import periods
from targets.models import Measure
from targets.params import year_choices


class PositionForm(forms.Form):
    """The metric page's choices: period, comparison and area (the choices are the page's)."""

    period = forms.ChoiceField(label="Period", required=False)
    group = forms.ChoiceField(label="Compare with", required=False)
    area = forms.ChoiceField(label="Area", required=False)

    def __init__(
        self,
        *args: Any,
        period_choices: list[str],
        group_choices: list[tuple[str, str]],
        area_choices: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["period"]).choices = [
            (p, benchmark_periods.label(p)) for p in reversed(period_choices)
        ]
        cast(forms.ChoiceField, self.fields["group"]).choices = group_choices
        cast(forms.ChoiceField, self.fields["area"]).choices = area_choices


class UploadForm(forms.Form):
    file = forms.FileField(
        label="File",
        help_text="CSV (UTF-8) or Excel .xlsx with the columns area_code, period, value.",
    )
    metric = forms.CharField(
        label="Metric code", max_length=40, help_text="An existing metric, or a new code."
    )
    title = forms.CharField(
        label="Title", max_length=300, required=False, help_text="Required for a new metric."
    )
    polarity = forms.ChoiceField(
        label="Polarity", choices=[("", "Leave as it is"), *Metric.Polarity.choices], required=False
    )
    decimals = forms.TypedChoiceField(
        label="Decimal places",
        choices=[("", "Leave as it is"), *[(n, str(n)) for n in range(7)]],
        coerce=int,
        empty_value=None,
        required=False,
    )
    unit = forms.ChoiceField(
        label="Unit", choices=[("", "Leave as it is"), *Measure.Unit.choices], required=False
    )
    source = forms.ChoiceField(
        label="Source", choices=[("", "Leave as it is"), *Metric.Source.choices], required=False
    )
    where = forms.CharField(
        label="Only rows where (optional)",
        required=False,
        help_text="COLUMN=VALUE, e.g. measure=Percentage, for a file holding several series.",
    )
    dry_run = forms.BooleanField(
        label="Check only (dry run): report what would change without saving anything",
        required=False,
    )

    def clean_metric(self) -> str:
        return str(self.cleaned_data["metric"]).strip()

    def clean_where(self) -> dict[str, str]:
        text = str(self.cleaned_data.get("where") or "").strip()
        if not text:
            return {}
        column, sep, value = text.partition("=")
        if not sep or not column.strip():
            raise forms.ValidationError("Write it as COLUMN=VALUE, e.g. measure=Percentage.")
        return {column.strip(): value.strip()}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        code = data.get("metric")
        if code and not data.get("title") and not Metric.objects.filter(code=code).exists():
            self.add_error("title", f"{code} is a new metric: give its title.")
        return data


class ExerciseForm(forms.ModelForm):
    year = forms.TypedChoiceField(label="Financial year", coerce=int)

    class Meta:
        model = Exercise
        fields = [
            "service",
            "year",
            "title",
            "sector",
            "partner",
            "scope",
            "metrics",
            "findings",
            "good_practice",
            "results_vary",
            "follow_up",
            "has_potential",
            "status",
            "lginform_uploaded_on",
        ]
        widgets = {
            "metrics": forms.CheckboxSelectMultiple,
            "lginform_uploaded_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        services = cast(forms.ModelChoiceField, self.fields["service"])
        services.queryset = manageable_services(user)
        cast(forms.TypedChoiceField, self.fields["year"]).choices = year_choices(
            back=6, ahead=1, around=self.instance.year if self.instance.pk else None
        )
        if not self.instance.pk:
            self.initial.setdefault("year", periods.financial_year_of(timezone.localdate()))
        metrics = cast(forms.ModelMultipleChoiceField, self.fields["metrics"])
        metrics.queryset = Metric.objects.order_by("code")
        metrics.required = False


def _formfield(field: models.Field, **kwargs: Any) -> forms.Field | None:
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class GoodPracticeForm(forms.ModelForm):
    year = forms.TypedChoiceField(label="Financial year found", coerce=int)

    class Meta:
        model = GoodPractice
        formfield_callback = _formfield
        fields = [
            "service",
            "exercise",
            "topic",
            "title",
            "description",
            "found_at",
            "link",
            "year",
        ]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = manageable_services(user)
        cast(forms.ModelChoiceField, self.fields["service"]).queryset = allowed
        exercise = cast(forms.ModelChoiceField, self.fields["exercise"])
        exercise.queryset = Exercise.objects.filter(service__in=allowed).select_related("service")
        exercise.required = False
        cast(forms.TypedChoiceField, self.fields["year"]).choices = year_choices(back=6, ahead=1)
        if not self.instance.pk:
            self.initial.setdefault("year", periods.financial_year_of(timezone.localdate()))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        exercise, service = data.get("exercise"), data.get("service")
        if exercise and service and exercise.service_id != service.pk:
            self.add_error("exercise", "Choose an exercise of the same service.")
        return data
