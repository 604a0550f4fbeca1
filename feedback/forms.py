"""Forms of the feedback pages: they validate and convert, and never orchestrate."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from feedback import rules
from feedback.models import Arrangement, MysteryShop, PanelResult, PanelSurvey, Round
from feedback.permissions import manageable_services
from feedback.services import plan_objectives
from targets.models import Action, Service, User


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _people() -> Any:
    return User.objects.filter(is_active=True).order_by("first_name", "last_name")


class ArrangementForm(forms.ModelForm):
    class Meta:
        model = Arrangement
        fields = ["service", "kind", "title", "description", "frequency", "owner", "is_active"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["service"]).queryset = manageable_services(user)
        owner = cast(forms.ModelChoiceField, self.fields["owner"])
        owner.queryset = _people()
        owner.empty_label = "No owner yet"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        service: Service | None = data.get("service")
        if (
            service is not None
            and data.get("kind") == Arrangement.Kind.INTERNAL_SURVEY
            and not service.is_support
        ):
            self.add_error(
                "kind",
                f"{service.name} is not a support service: its staff's customers are residents, "
                "so choose another kind.",
            )
        return data


class RoundForm(forms.ModelForm):
    class Meta:
        model = Round
        fields = [
            "started",
            "ended",
            "respondents",
            "result",
            "percent_satisfied",
            "score",
            "scale_min",
            "scale_max",
            "findings",
        ]
        widgets = {"started": DateInput(), "ended": DateInput(), "result": forms.RadioSelect}
        help_texts = {
            "percent_satisfied": "For a result given as % satisfied.",
            "score": "For a score on its own scale, e.g. 4.2 (on 1 to 5): it is shown as a "
            "percentage too, the lowest score being 0% and the highest 100%.",
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("result") == Round.Result.PERCENT:
            if data.get("percent_satisfied") is None:
                self.add_error("percent_satisfied", "Enter the % satisfied.")
        elif data.get("result") == Round.Result.SCORE:
            score, low, high = data.get("score"), data.get("scale_min"), data.get("scale_max")
            for name, value in (("score", score), ("scale_min", low), ("scale_max", high)):
                if value is None and name not in self.errors:
                    self.add_error(name, "Enter the score and the lowest and highest scores.")
            if score is not None and low is not None and high is not None:
                try:
                    rules.normalise(score, low, high)
                except ValueError as exc:
                    self.add_error("score", str(exc))
        return data


class ObjectiveChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        signed_off = ", signed off" if obj.plan.is_signed_off else ""
        return f"{obj.title} ({obj.plan}{signed_off})"


class ActionForm(forms.ModelForm):
    """An improvement action; it joins the service improvement plan when given an objective of
    the service's plan for this year."""

    class Meta:
        model = Action
        fields = ["title", "description", "owner", "due", "status", "progress", "objective"]
        widgets = {"due": DateInput()}
        labels = {"objective": "Service improvement plan"}
        field_classes = {"objective": ObjectiveChoiceField}

    def __init__(self, *args: Any, user: Any, service: Service, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        owner = cast(forms.ModelChoiceField, self.fields["owner"])
        owner.queryset = _people()
        owner.empty_label = "No owner yet"
        objective = cast(forms.ModelChoiceField, self.fields["objective"])
        objective.queryset = plan_objectives(service, also=self.instance.objective_id)
        objective.empty_label = "Not in the plan"
        objective.help_text = (
            "Choose an objective to add the action to the service's improvement plan. Once a "
            "plan is signed off, only the head of service or the performance team can add to it."
        )
        for name in ("due", "owner"):
            self.fields[name].required = True


class PanelSurveyForm(forms.ModelForm):
    class Meta:
        model = PanelSurvey
        fields = ["title", "topics", "sent", "closed", "panel_size", "responses", "headlines"]
        widgets = {"sent": DateInput(), "closed": DateInput()}


class PanelResultForm(forms.ModelForm):
    class Meta:
        model = PanelResult
        fields = ["question", "service", "percent_satisfied", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        service = cast(forms.ModelChoiceField, self.fields["service"])
        service.queryset = Service.objects.filter(is_active=True)
        service.empty_label = "The council as a whole"


class VisitForm(forms.ModelForm):
    class Meta:
        model = MysteryShop
        fields = [
            "service",
            "visited",
            "channel",
            "scenario",
            "score",
            "findings",
            "shared_with_staff",
        ]
        widgets = {"visited": DateInput(), "shared_with_staff": DateInput()}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["service"]).queryset = manageable_services(user)
        self.fields["score"].required = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        visited, shared = data.get("visited"), data.get("shared_with_staff")
        if visited and shared and shared < visited:
            self.add_error("shared_with_staff", "Findings cannot be shared before the visit.")
        return data


class ComplaintUploadForm(forms.Form):
    file = forms.FileField(
        label="File",
        help_text="The CRM's export, CSV (UTF-8) or Excel .xlsx; row 1 names the columns.",
    )
    dry_run = forms.BooleanField(
        label="Check only (dry run): report what would change without saving anything",
        required=False,
    )
