"""Forms of the data-quality pages: they validate and convert, and never orchestrate."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils import timezone

from targets import periods
from targets.models import (
    DIMENSIONS,
    Action,
    AuditResult,
    ControlCheck,
    CorporateRole,
    DataQualityAudit,
    Measure,
    User,
)
from targets.periods import Frequency, Period
from targets.quality.services import ActionInput, AuditInput, ControlInput, ProcedureInput

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")  # what type=date reads


def _text(label: str, help_text: str = "", rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": f"Enter {label[0].lower()}{label[1:]}"},
    )


def internal_users() -> Any:
    """People who can audit or own an action: anyone with a service role or corporate role
    other than scrutiny."""
    return (
        User.objects.filter(is_active=True)
        .filter(Q(service_roles__isnull=False) | Q(corporate_role__in=_staff_roles()))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def _staff_roles() -> list[str]:
    return [CorporateRole.PERFORMANCE, CorporateRole.CMT, CorporateRole.CEB]


class ProcedureForm(forms.Form):
    collection = _text(
        "How the data is collected", "Where the figures come from and who gathers them."
    )
    calculation = _text(
        "How it is calculated", "The formula, what is counted and what is left out."
    )
    source_system = forms.CharField(
        label="Source system",
        max_length=200,
        help_text="e.g. the housing system, the CRM, a spreadsheet.",
        error_messages={"required": "Enter the source system"},
    )
    controls = _text(
        "Controls",
        "The checks that catch mistakes (reconciliations, second checks, sign-off), one a line: "
        "each is a line of the audits' checklist.",
        rows=4,
    )
    last_reviewed = forms.DateField(
        label="Date last reviewed",
        help_text="The next review falls due a year later.",
        widget=DATE,
        error_messages={
            "required": "Enter the date the procedure was last reviewed",
            "invalid": "Enter a real date, e.g. 2026-05-01",
        },
    )

    def clean_last_reviewed(self) -> date:
        reviewed = cast(date, self.cleaned_data["last_reviewed"])
        if reviewed > timezone.localdate():
            raise forms.ValidationError("The review date cannot be in the future")
        return reviewed

    def to_input(self) -> ProcedureInput:
        return ProcedureInput(**self.cleaned_data)


class MonthField(forms.CharField):
    """A month as its period code (2026-05)."""

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        if not text:
            return None
        try:
            period = periods.parse_period(text)
        except periods.PeriodError:
            raise forms.ValidationError(f"{text} is not a month: enter e.g. 2026-05") from None
        if period.frequency != Frequency.MONTHLY:
            raise forms.ValidationError(f"{text} is not a month: enter e.g. 2026-05")
        return period


class AuditAddForm(forms.Form):
    measure = forms.CharField(
        label="Measure code",
        max_length=20,
        help_text="e.g. CP01 or HOU-03.",
        error_messages={"required": "Enter the code of the measure to audit"},
    )
    month = MonthField(
        label="Month",
        help_text="The programme month, e.g. 2026-05.",
        error_messages={"required": "Enter the month, e.g. 2026-05"},
    )
    auditor = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, empty_label="Not yet assigned"
    )
    note = forms.CharField(
        label="Why it is added",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Optional: e.g. a concern raised by the service.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["auditor"]).queryset = internal_users()

    def clean_measure(self) -> Measure:
        code = cast(str, self.cleaned_data["measure"]).strip()
        measure = Measure.objects.filter(code__iexact=code).select_related("service").first()
        if measure is None:
            raise forms.ValidationError(f"There is no measure with the code {code}")
        return measure


def _sample_choices() -> list[tuple[str, str]]:
    return [("", "Not scored yet"), *AuditResult.choices]


class AuditRecordForm(forms.Form):
    auditor = forms.ModelChoiceField(
        queryset=User.objects.none(),
        empty_label="Choose the auditor",
        error_messages={"required": "Choose the auditor"},
    )
    sample_from = forms.CharField(
        label="First period sampled",
        max_length=12,
        error_messages={"required": "Enter the first period sampled, e.g. 2026-01"},
    )
    sample_to = forms.CharField(
        label="Last period sampled",
        max_length=12,
        required=False,
        help_text="Leave blank when a single period was sampled.",
    )
    findings = forms.CharField(
        label="Findings", required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    completed_on = forms.DateField(
        label="Date the audit was done",
        required=False,
        widget=DATE,
        help_text="Needed to record the audit as done.",
        error_messages={"invalid": "Enter a real date, e.g. 2026-05-14"},
    )

    def __init__(self, *args: Any, audit_row: DataQualityAudit, finish: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.audit_row = audit_row
        self.finish = finish
        cast(forms.ModelChoiceField, self.fields["auditor"]).queryset = internal_users()
        frequency = audit_row.measure.get_frequency_display().lower()
        example = periods.latest_complete_period(
            timezone.localdate(), audit_row.measure.period_frequency
        ).code
        self.fields["sample_from"].help_text = f"The measure is {frequency}: e.g. {example}."
        for name, label, help_text in DIMENSIONS:
            self.fields[name] = forms.ChoiceField(
                label=label, choices=_sample_choices(), required=False, help_text=help_text
            )

    def _period(self, name: str) -> Period | None:
        text = cast(str, self.cleaned_data.get(name) or "").strip()
        if not text:
            return None
        measure = self.audit_row.measure
        try:
            period = periods.parse_period(text)
        except periods.PeriodError:
            latest = periods.latest_complete_period(timezone.localdate(), measure.period_frequency)
            raise forms.ValidationError(
                f"{text} is not a period code: enter e.g. {latest.code}"
            ) from None
        if period.frequency != measure.period_frequency:
            raise forms.ValidationError(
                f"{measure.code} is {measure.get_frequency_display().lower()}: {period.code} is not"
            )
        if period.start > timezone.localdate():
            raise forms.ValidationError(f"{period.label} has not started yet")
        return period

    def clean_sample_from(self) -> Period | None:
        return self._period("sample_from")

    def clean_sample_to(self) -> Period | None:
        return self._period("sample_to")

    def clean_completed_on(self) -> date | None:
        done = cast(date | None, self.cleaned_data.get("completed_on"))
        if done and done > timezone.localdate():
            raise forms.ValidationError("The date the audit was done cannot be in the future")
        if self.finish and done is None:
            raise forms.ValidationError("Enter the date the audit was done")
        return done if self.finish else None

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        first, last = data.get("sample_from"), data.get("sample_to")
        if first and last and last < first:
            self.add_error("sample_to", "The last period sampled is before the first")
        if self.finish:
            for name, label, _ in DIMENSIONS:
                if not data.get(name) and name not in self.errors:
                    self.add_error(
                        name, f"Score {label.lower()} before recording the audit as done"
                    )
        return data

    def to_input(self) -> AuditInput:
        data = self.cleaned_data
        first = cast(Period, data["sample_from"])
        return AuditInput(
            auditor=data["auditor"],
            sample_from=first,
            sample_to=data.get("sample_to") or first,
            results={name: data.get(name, "") for name, _, _ in DIMENSIONS},
            findings=data.get("findings", ""),
            completed_on=data.get("completed_on"),
        )


class ActionForm(forms.Form):
    """A new action from the audit: all three parts, or none (an empty row is ignored)."""

    title = forms.CharField(label="What is to be done", max_length=300, required=False)
    owner = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, empty_label="Choose the owner"
    )
    due = forms.DateField(
        label="Due", required=False, widget=DATE, error_messages={"invalid": "Enter a real date"}
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["owner"]).queryset = internal_users()

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        given = [data.get(n) for n in ("title", "owner", "due")]
        if any(given) and not all(given):
            for name, message in (
                ("title", "Say what the action is"),
                ("owner", "Choose who owns the action"),
                ("due", "Enter when the action is due"),
            ):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, message)
        return data

    def to_input(self) -> ActionInput | None:
        data = self.cleaned_data
        if not data.get("title"):
            return None
        return ActionInput(title=data["title"], owner=data["owner"], due=data["due"])


ActionFormSet = forms.formset_factory(ActionForm, extra=3, max_num=10)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why"},
    )


class ActionUpdateForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=Action.Status.choices)
    progress = forms.CharField(
        label="Progress note", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class QuarterForm(forms.Form):
    quarter = forms.CharField(label="Quarter", max_length=12, required=False)

    def clean_quarter(self) -> Period:
        text = cast(str, self.cleaned_data.get("quarter") or "").strip()
        today = timezone.localdate()
        if not text:
            return periods.period_containing(today, Frequency.QUARTERLY)
        try:
            period = periods.parse_period(text)
        except periods.PeriodError:
            raise forms.ValidationError(f"{text} is not a quarter: enter e.g. 2026/27-Q1") from None
        if period.frequency != Frequency.QUARTERLY:
            raise forms.ValidationError(f"{text} is not a quarter: enter e.g. 2026/27-Q1")
        return period


VERDICTS = [
    ("untested", "Not tested"),
    ("working", "Tested: working"),
    ("not_working", "Tested: not working"),
]


class ControlCheckForm(forms.Form):
    """One control of the procedure on the audit's checklist."""

    verdict = forms.ChoiceField(
        label="Result", choices=VERDICTS, widget=forms.RadioSelect, initial="untested"
    )
    evidence = forms.CharField(
        label="Evidence",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What the control was tested on: the records, the sample, who was asked.",
    )
    action_due = forms.DateField(
        label="Action due",
        required=False,
        widget=DATE,
        help_text="For a control not working: when the action to fix it is due.",
        error_messages={"invalid": "Enter a real date, e.g. 2026-06-30"},
    )

    def __init__(self, *args: Any, control: str, position: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.control = control
        self.position = position
        self.held_check: ControlCheck | None = None  # the line as last saved

    def to_input(self) -> ControlInput:
        data = self.cleaned_data
        verdict = data["verdict"]
        return ControlInput(
            position=self.position,
            tested=verdict != "untested",
            result="" if verdict == "untested" else verdict,
            evidence=data.get("evidence", ""),
            action_due=data.get("action_due"),
        )
