"""Forms for entering values and moving them through the workflow."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from targets.evidence import validate_evidence
from targets.models import DataQuality, Measure
from targets.services import ValueInput

QUESTION_ID = "value-question"
NUMBER = {"invalid": "Value must be a number", "max_digits": "Value has too many digits"}


def figure(label: str, *, required: bool = False, help_text: str = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=20,
        decimal_places=6,
        help_text=help_text,
        error_messages={
            **NUMBER,
            "invalid": f"{label} must be a number",
            "max_decimal_places": f"{label} can have at most 6 decimal places",
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class ValueForm(forms.Form):
    """One measure's value for one period."""

    actual = figure("Value")
    numerator = figure("Numerator")
    denominator = figure("Denominator")
    commentary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="What the figure shows and why; required when the value is questioned.",
    )
    corrective_action = forms.CharField(
        label="Corrective action",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Required when the value is Red: what is being done, by whom and by when.",
    )
    dq_flag = forms.ChoiceField(
        label="Data quality", choices=DataQuality.choices, initial=DataQuality.FINAL
    )
    forecast = figure("Forecast year-end outturn", help_text="Optional.")
    evidence = forms.FileField(
        label="Evidence file",
        required=False,
        help_text="Optional. PDF, XLSX, CSV, DOCX, PNG or JPG.",
    )
    reason = forms.CharField(
        label="Reason for restating",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, measure: Measure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.measure = measure
        if measure.aggregation == Measure.Aggregation.RATIO:
            del self.fields["actual"]
            self.fields["numerator"].required = True
            self.fields["denominator"].required = True
        else:
            del self.fields["numerator"]
            del self.fields["denominator"]
            self.fields["actual"].required = True
            self.fields["actual"].error_messages["required"] = "Enter the value"
        # A figure the rule questions says so beside the figures and the commentary (the
        # page's #value-question), read out with them: text, not colour alone.
        for name in ("actual", "numerator", "denominator"):
            if name in self.fields:
                self.fields[name].widget.attrs["aria-describedby"] = QUESTION_ID
        self.fields["commentary"].widget.attrs["aria-describedby"] = (
            f"id_commentary_helptext {QUESTION_ID}"
        )

    def clean_evidence(self) -> Any:
        upload = self.cleaned_data.get("evidence")
        if upload:
            validate_evidence(upload)
        return upload

    def value_input(self) -> ValueInput:
        data = self.cleaned_data
        return ValueInput(
            actual=data.get("actual"),
            numerator=data.get("numerator"),
            denominator=data.get("denominator"),
            commentary=data.get("commentary", "").strip(),
            corrective_action=data.get("corrective_action", "").strip(),
            dq_flag=data.get("dq_flag") or DataQuality.FINAL,
            forecast=data.get("forecast"),
            evidence=data.get("evidence") or None,
        )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="Why is it being returned?",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why the value is being returned"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def decimal_or_none(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "").strip()) if text.strip() else None
    except ArithmeticError:
        return None


class GridRowForm(forms.Form):
    """One measure's row on the service's month grid; a row left blank is skipped."""

    actual = figure("Value")
    numerator = figure("Numerator")
    denominator = figure("Denominator")
    commentary = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    corrective_action = forms.CharField(
        label="Corrective action", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    # Needed only by a row with a figure: a blank row is skipped, whatever it was sent with.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args: Any, measure: Measure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.measure = measure
        is_ratio = measure.aggregation == Measure.Aggregation.RATIO
        for name in ("numerator", "denominator") if not is_ratio else ("actual",):
            del self.fields[name]
        for name, item in self.fields.items():
            # Short labels on screen; the full one for screen readers names the measure.
            item.widget.attrs["aria-label"] = f"{item.label or name.title()}, {measure.code}"
            if name in ("actual", "numerator", "denominator", "commentary"):
                # The row's question, when its figure is questioned, is read out with them.
                item.widget.attrs["aria-describedby"] = f"question-{measure.code}"

    @property
    def has_entry(self) -> bool:
        data = self.cleaned_data
        return any(data.get(f) is not None for f in ("actual", "numerator", "denominator"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.has_entry and data.get("version") is None:
            raise forms.ValidationError(
                f"{self.measure.code}: the page was not sent whole (its version is missing); "
                "reload the grid and enter the figure again."
            )
        return data

    def value_input(self) -> ValueInput:
        data = self.cleaned_data
        return ValueInput(
            actual=data.get("actual"),
            numerator=data.get("numerator"),
            denominator=data.get("denominator"),
            commentary=data.get("commentary", "").strip(),
            corrective_action=data.get("corrective_action", "").strip(),
        )
