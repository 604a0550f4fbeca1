"""Forms of the review pages: they validate (the models' rules, the nine-month limit among
them) and convert, and never orchestrate."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from benchmarking.models import Authority, ComparatorGroup
from fsr import permissions
from fsr.models import MarketIntelligence, MarketTest, Milestone, PeerReview, Review, SavingsLine
from targets import periods
from targets.models import Action, Service, User
from targets.params import year_choices


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def editable_services(user: Any) -> QuerySet[Service]:
    services = Service.objects.filter(is_active=True)
    ids = permissions.review_editable_service_ids(user)
    return services if ids is None else services.filter(pk__in=ids)


def people() -> QuerySet[User]:
    return User.objects.filter(is_active=True).order_by("last_name", "first_name", "username")


def _people_field(form: forms.BaseForm, name: str, *, required: bool = True) -> None:
    field = cast(forms.ModelChoiceField, form.fields[name])
    field.queryset = people()
    field.required = required


class ReviewForm(forms.ModelForm):
    class Meta:
        model = Review
        fields = Review.EDITABLE_FIELDS
        widgets = {
            "start": DateInput(),
            "planned_end": DateInput(),
            "comparators": forms.CheckboxSelectMultiple,
            "other_comparators": forms.Textarea(attrs={"rows": 3}),
            "challenge_evidence": forms.Textarea(attrs={"rows": 4}),
            "staff_involvement": forms.Textarea(attrs={"rows": 4}),
            "future_specification": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "planned_end": "At most nine months after the start: a review starting on "
            "31 May may end by 28 February (29 in a leap year).",
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        services = cast(forms.ModelChoiceField, self.fields["service"])
        if permissions.can_manage_review_programme(user):
            services.queryset = Service.objects.filter(is_active=True)
        else:
            # A head of service changes their own service's review, never which service it is.
            services.queryset = Service.objects.filter(pk=self.instance.service_id)
            services.disabled = True
        _people_field(self, "sponsor")
        _people_field(self, "project_manager")
        comparators = cast(forms.ModelMultipleChoiceField, self.fields["comparators"])
        comparators.queryset = comparator_choices(self.instance)
        comparators.required = False


def comparator_choices(review: Review) -> QuerySet[Authority]:
    """The authorities a review may name as high performers: the council's nearest
    neighbours and the members of named groups, and the ones already chosen (never the whole
    register of four hundred); others go in the free-text list."""
    chosen = list(review.comparators.values_list("pk", flat=True)) if review.pk else []
    ours = Q(group_versions__group__kind=ComparatorGroup.Kind.NAMED) | Q(
        group_versions__group__authority__code=settings.COUNCIL_AREA_CODE
    )
    return Authority.objects.filter(ours | Q(pk__in=chosen)).distinct().order_by("name")


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "owner", "due", "done_on"]
        widgets = {"due": DateInput(), "done_on": DateInput()}
        labels = {"title": "Milestone", "done_on": "Done on"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _people_field(self, "owner")


MilestoneFormSet = forms.inlineformset_factory(
    Review, Milestone, form=MilestoneForm, extra=2, can_delete=True
)


class ActionForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = ["title", "description", "owner", "due", "status", "progress", "completed_on"]
        widgets = {
            "due": DateInput(),
            "completed_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "progress": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _people_field(self, "owner")
        self.fields["due"].required = True


class StatusForm(forms.Form):
    to = forms.ChoiceField(label="New status")
    on = forms.DateField(
        label="Date",
        required=False,
        widget=DateInput(),
        help_text="The day the review ended (plan agreed) or was completed; empty: today.",
    )

    def __init__(self, *args: Any, review: Review, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["to"]).choices = review.next_statuses


class MarketTestForm(forms.ModelForm):
    """The performance team's recommendation to CEB, with the bids."""

    class Meta:
        model = MarketTest
        fields = ["recommended_on", "in_house_bid", "external_bids", "notes"]
        widgets = {"recommended_on": DateInput()}


class MarketTestDecisionForm(forms.Form):
    """CEB's decision, recorded by a member of the executive board."""

    approval = forms.ChoiceField(
        label="CEB's decision on the recommendation",
        choices=MarketTest.Approval.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether CEB approved or rejected the market test."},
    )
    decided_on = forms.DateField(
        label="Decided on",
        widget=DateInput(),
        error_messages={"required": "Give the date CEB decided."},
    )
    minute_reference = forms.CharField(
        label="CEB minute reference",
        max_length=100,
        help_text="e.g. CEB 14/11/26 min. 7",
        error_messages={"required": "Give the reference of CEB's minute."},
    )
    decision = forms.ChoiceField(
        label="Outcome of the market test",
        required=False,
        choices=[("", "Not decided yet"), *MarketTest.Decision.choices],
        help_text="Once the bids are in, for an approved market test only.",
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ReviewRulesForm(forms.Form):
    four_year_kinds = forms.MultipleChoiceField(
        label="Kinds of review that count for the four-year rule",
        choices=Review.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="A service is within the rule when a review of one of these kinds ended "
        "in the last four years. The framework counts fundamental service reviews.",
    )


class PeerReviewForm(forms.ModelForm):
    class Meta:
        model = PeerReview
        fields = [
            "service",
            "review",
            "reviewer_organisation",
            "reviewer_name",
            "scope",
            "started_on",
            "ended_on",
            "findings",
        ]
        widgets = {"started_on": DateInput(), "ended_on": DateInput()}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = editable_services(user)
        cast(forms.ModelChoiceField, self.fields["service"]).queryset = allowed
        review = cast(forms.ModelChoiceField, self.fields["review"])
        review.queryset = Review.objects.filter(service__in=allowed).select_related("service")
        review.required = False


class IntelligenceForm(forms.ModelForm):
    class Meta:
        model = MarketIntelligence
        fields = ["service", "source", "sector", "competitor", "noted_on", "summary"]
        widgets = {"noted_on": DateInput()}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["service"]).queryset = editable_services(user)
        if not self.instance.pk:
            self.initial.setdefault("noted_on", timezone.localdate())


class SavingsLineForm(forms.ModelForm):
    year = forms.TypedChoiceField(label="Financial year", coerce=int)

    class Meta:
        model = SavingsLine
        fields = [
            "year",
            "service",
            "source",
            "review",
            "idea_reference",
            "title",
            "target",
            "delivered",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["year"]).choices = year_choices(
            back=6, ahead=1, around=self.instance.year if self.instance.pk else None
        )
        if not self.instance.pk:
            self.initial.setdefault("year", periods.financial_year_of(timezone.localdate()))
        services = cast(forms.ModelChoiceField, self.fields["service"])
        services.queryset = Service.objects.filter(is_active=True)
        services.required = False
        services.empty_label = "Council-wide (no one service)"
        review = cast(forms.ModelChoiceField, self.fields["review"])
        review.queryset = Review.objects.select_related("service")
        review.required = False
