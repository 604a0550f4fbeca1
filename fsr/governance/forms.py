"""Forms of the risk register and programme pages: they validate and convert, never orchestrate."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from fsr.forms import DateInput, people
from fsr.governance import permissions
from fsr.governance.models import Programme, ProgrammeMilestone, Project, Risk, RiskMatrix
from fsr.models import SavingsLine
from targets.models import Action, Measure, Priority, Service


class RiskForm(forms.ModelForm):
    class Meta:
        model = Risk
        fields = Risk.EDITABLE_FIELDS
        widgets = {
            "review_date": DateInput(),
            "cause": forms.Textarea(attrs={"rows": 3}),
            "effect": forms.Textarea(attrs={"rows": 3}),
            "controls": forms.Textarea(attrs={"rows": 4}),
            "measures": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        matrix = RiskMatrix.current()
        scale = [("", "Choose…")] + [(n, str(n)) for n in matrix.scale]
        for prefix in ("inherent", "residual"):
            for part in ("likelihood", "impact"):
                field = self.fields[f"{prefix}_{part}"]
                field.widget = forms.Select(choices=scale)
                field.help_text = f"1 (lowest) to {matrix.size} (highest)."
        self.fields["residual_likelihood"].help_text += " With the controls in place."
        services = cast(forms.ModelChoiceField, self.fields["service"])
        ids = permissions.risk_addable_service_ids(user)
        queryset = Service.objects.filter(is_active=True)
        if ids is not None:
            keep = set(ids) | ({self.instance.service_id} if self.instance.service_id else set())
            queryset = queryset.filter(pk__in=keep)
            kinds = cast(forms.ChoiceField, self.fields["kind"])
            if self.instance.kind != Risk.Kind.CORPORATE:
                kinds.choices = [(Risk.Kind.SERVICE, Risk.Kind.SERVICE.label)]
        services.queryset = queryset
        cast(forms.ModelChoiceField, self.fields["owner"]).queryset = people()
        cast(forms.ModelChoiceField, self.fields["priority"]).queryset = Priority.objects.all()
        measures = cast(forms.ModelMultipleChoiceField, self.fields["measures"])
        measures.queryset = Measure.objects.order_by("code")
        measures.help_text = "Measures that would show the risk coming (hold Ctrl to choose more)."


class RiskActionForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = [
            "service",
            "title",
            "description",
            "owner",
            "due",
            "status",
            "progress",
            "completed_on",
        ]
        widgets = {
            "due": DateInput(),
            "completed_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "progress": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"service": "The service that carries the action out."}

    def __init__(self, *args: Any, risk: Risk, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["owner"]).queryset = people()
        self.fields["due"].required = True
        if risk.service_id is not None or self.instance.pk is not None:
            # A service risk's actions are its service's; an action keeps its service.
            del self.fields["service"]
        else:
            services = cast(forms.ModelChoiceField, self.fields["service"])
            services.queryset = Service.objects.filter(is_active=True)


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = [
            "title",
            "aims",
            "sponsor",
            "manager",
            "board",
            "priority",
            "start",
            "planned_end",
            "stage",
            "rag_time",
            "rag_cost",
            "rag_scope",
            "status_note",
            "risks",
            "savings",
        ]
        widgets = {
            "start": DateInput(),
            "planned_end": DateInput(),
            "aims": forms.Textarea(attrs={"rows": 3}),
            "board": forms.Textarea(attrs={"rows": 2}),
            "status_note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("sponsor", "manager"):
            cast(forms.ModelChoiceField, self.fields[name]).queryset = people()
        risks = cast(forms.ModelMultipleChoiceField, self.fields["risks"])
        risks.queryset = Risk.objects.open()
        savings = cast(forms.ModelMultipleChoiceField, self.fields["savings"])
        savings.queryset = SavingsLine.objects.select_related("service")
        savings.help_text = "Lines of the savings plan the programme is to deliver."


class ProgressForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = ["stage", "rag_time", "rag_cost", "rag_scope", "status_note"]
        widgets = {"status_note": forms.Textarea(attrs={"rows": 4})}


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = ProgrammeMilestone
        fields = ["title", "project", "due", "done_on"]
        widgets = {"due": DateInput(), "done_on": DateInput()}
        labels = {"title": "Milestone", "done_on": "Done on"}

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        projects = cast(forms.ModelChoiceField, self.fields["project"])
        projects.queryset = Project.objects.filter(programme=programme)
        projects.empty_label = "Whole programme"


MilestoneFormSet = forms.inlineformset_factory(
    Programme, ProgrammeMilestone, form=MilestoneForm, extra=2, can_delete=True
)
