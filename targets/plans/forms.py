"""Forms for plans, objectives, actions and milestones: they validate and convert; the rules
themselves are `targets.plans.services`' (the forms ask them too, so errors show by the field)."""

from __future__ import annotations

from typing import Any

from django import forms

from targets.models import Action, Measure, Objective, ServicePlan, User
from targets.plans.services import PlanError, check_plan_measures


class DateInput(forms.DateInput):
    input_type = "date"


def _people() -> Any:
    return User.objects.filter(is_active=True).order_by("last_name", "first_name", "username")


class MeasureChoices(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Measure) -> str:  # type: ignore[override]
        return f"{obj.code} {obj.title}"


class PlanForm(forms.Form):
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text="The plan's purpose and main changes this year, in a few sentences.",
    )
    measures = MeasureChoices(
        queryset=Measure.objects.none(),
        required=False,
        label="Service targets",
        help_text=f"At most {ServicePlan.MAX_TARGETS} of the service's measures.",
    )

    def __init__(self, *args: Any, plan: ServicePlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["measures"].queryset = Measure.objects.filter(  # type: ignore[attr-defined]
            service=plan.service
        ).active_in(plan.year)

    def clean_measures(self) -> list[Measure]:
        try:
            return check_plan_measures(self.plan, self.cleaned_data["measures"])
        except PlanError as exc:
            raise forms.ValidationError(str(exc)) from exc


class ObjectiveForm(forms.ModelForm):  # type: ignore[type-arg]
    measures = MeasureChoices(
        queryset=Measure.objects.none(),
        required=False,
        label="Service targets that show progress",
        help_text="Chosen from the plan's service targets.",
    )

    class Meta:
        model = Objective
        fields = ["title", "priority", "description", "order", "measures"]
        labels = {"priority": "Corporate priority", "order": "Position in the plan"}
        help_texts = {"priority": "The corporate priority this objective serves."}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, plan: ServicePlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["measures"].queryset = plan.measures.all()  # type: ignore[attr-defined]
        self.fields["priority"].empty_label = "Choose a priority"  # type: ignore[attr-defined]


class ActionForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Action
        fields = [
            "title",
            "objective",
            "description",
            "owner",
            "due",
            "is_appraisal_target",
            "status",
            "progress",
            "completed_on",
        ]
        labels = {
            "objective": "Objective",
            "due": "Due date",
            "is_appraisal_target": "This is the owner's appraisal target",
            "progress": "Progress note",
            "completed_on": "Completed on",
        }
        help_texts = {
            "objective": "The plan objective the action serves; leave empty to keep it outside "
            "the plan.",
            "completed_on": "Only for a done action; today if left empty.",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "progress": forms.Textarea(attrs={"rows": 3}),
            "due": DateInput(),
            "completed_on": DateInput(),
        }

    def __init__(self, *args: Any, plan: ServicePlan | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        objective = self.fields["objective"]
        objective.queryset = (  # type: ignore[attr-defined]
            plan.objectives.select_related("priority") if plan else Objective.objects.none()
        )
        objective.empty_label = "Not in the plan"  # type: ignore[attr-defined]
        owner = self.fields["owner"]
        owner.queryset = _people()  # type: ignore[attr-defined]
        owner.empty_label = "No owner yet"  # type: ignore[attr-defined]


class ProgressForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Action
        fields = ["status", "progress", "completed_on"]
        labels = {"progress": "Progress note", "completed_on": "Completed on"}
        help_texts = {
            "progress": "What has been done since the last update, and what is next.",
            "completed_on": "Only for a done action; today if left empty.",
        }
        widgets = {"progress": forms.Textarea(attrs={"rows": 4}), "completed_on": DateInput()}


class AttachForm(forms.Form):
    objective = forms.ModelChoiceField(
        queryset=Objective.objects.none(),
        label="Objective",
        empty_label="Choose an objective",
        error_messages={"required": "Choose the objective the action serves."},
    )

    def __init__(self, *args: Any, plan: ServicePlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["objective"].queryset = plan.objectives.all()  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Why is the plan being reopened?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the reason for reopening the plan."},
    )


class MilestoneDoneForm(forms.Form):
    done_on = forms.DateField(
        label="Done on", required=False, widget=DateInput(), help_text="Today if left empty."
    )
