"""Customer feedback (framework section 6.6): each service's feedback arrangements and their
rounds, the residents' panel, complaints and compliments from the CRM, the corporate measures
derived from them, and mystery shopping.

Improvement actions are `targets.models.Action` (source "feedback" or "mystery_shopping"): a round
or a visit lists the actions it led to, and an action joins the service improvement plan when it
is given one of the plan's objectives.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from targets import periods
from targets.models import Action, Measure, Service, User

PERCENT = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


def percent_field(verbose_name: str, help_text: str = "") -> models.DecimalField:
    return models.DecimalField(
        verbose_name,
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=PERCENT,
        help_text=help_text,
    )


class Arrangement(models.Model):
    """How a service hears from its customers: a survey, a feedback system, a focus group…"""

    class Kind(models.TextChoices):
        CUSTOMER_SURVEY = "customer_survey", "Customer survey"
        POINT_OF_CONTACT = "point_of_contact", "Feedback system at the point of contact"
        FOCUS_GROUP = "focus_group", "Focus group"
        INTERNAL_SURVEY = "internal_survey", "Internal satisfaction survey"
        OTHER = "other", "Other"

    class Frequency(models.TextChoices):
        CONTINUOUS = "continuous", "Continuous"
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"
        TWICE_YEARLY = "twice_yearly", "Twice a year"
        ANNUAL = "annual", "Once a year"
        OCCASIONAL = "occasional", "Occasionally"

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="arrangements")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="Who is asked, how, and what about.")
    frequency = models.CharField("how often", max_length=20, choices=Frequency.choices)
    owner = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_active = models.BooleanField("in use", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["service__name", "title"]

    def __str__(self) -> str:
        return f"{self.title} ({self.service})"

    def get_absolute_url(self) -> str:
        return reverse("feedback_arrangement", args=[self.pk])


class RoundQuerySet(models.QuerySet["Round"]):
    def ending_between(self, first: object, last: object) -> RoundQuerySet:
        return self.filter(ended__gte=first, ended__lte=last)


class Round(models.Model):
    """One round of an arrangement: when, how many answered, how satisfied, what was found.

    The result is a % satisfied, or a score on the arrangement's own scale (say 4.2 on 1 to 5);
    `satisfaction` holds either as a percentage, so that services can be compared.
    """

    class Result(models.TextChoices):
        PERCENT = "percent", "% satisfied"
        SCORE = "score", "A score on its own scale"

    arrangement = models.ForeignKey(Arrangement, on_delete=models.CASCADE, related_name="rounds")
    started = models.DateField()
    ended = models.DateField()
    respondents = models.PositiveIntegerField(null=True, blank=True)
    result = models.CharField(
        "result given as", max_length=10, choices=Result.choices, default=Result.PERCENT
    )
    percent_satisfied = percent_field("% satisfied")
    score = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    scale_min = models.DecimalField(
        "lowest score", max_digits=8, decimal_places=2, null=True, blank=True
    )
    scale_max = models.DecimalField(
        "highest score", max_digits=8, decimal_places=2, null=True, blank=True
    )
    satisfaction = percent_field(
        "satisfaction (%)", help_text="The result as a percentage (a score normalised)."
    )
    findings = models.TextField("key findings", blank=True)
    actions = models.ManyToManyField(Action, blank=True, related_name="feedback_rounds")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-ended", "pk"]
        indexes = [models.Index(fields=["ended"], name="feedback_round_ended")]

    def __str__(self) -> str:
        return f"{self.arrangement.title}, {self.started:%b %Y} to {self.ended:%b %Y}"

    def get_absolute_url(self) -> str:
        return reverse("feedback_round", args=[self.pk])

    def clean(self) -> None:
        if self.started and self.ended and self.ended < self.started:
            raise ValidationError({"ended": "The round cannot end before it starts."})


class PanelSurvey(models.Model):
    """A survey of the residents' panel (three a year): topics, response rate, headlines."""

    title = models.CharField(max_length=200)
    topics = models.CharField(max_length=300, help_text="Comma separated, e.g. Parks, Litter.")
    sent = models.DateField("sent to the panel")
    closed = models.DateField("closed")
    panel_size = models.PositiveIntegerField("panel members asked")
    responses = models.PositiveIntegerField()
    headlines = models.TextField("headline results", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-sent", "pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.sent:%b %Y})"

    def get_absolute_url(self) -> str:
        return reverse("feedback_panel_survey", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if self.sent and self.closed and self.closed < self.sent:
            errors["closed"] = "The survey cannot close before it was sent."
        size, responses = self.panel_size, self.responses
        if size is not None and responses is not None and responses > size:
            errors["responses"] = "There cannot be more responses than panel members asked."
        if errors:
            raise ValidationError(errors)

    @property
    def response_rate(self) -> Decimal | None:
        if not self.panel_size:
            return None
        return (Decimal(self.responses) * 100 / self.panel_size).quantize(Decimal("0.1"))

    @property
    def topic_list(self) -> list[str]:
        return [t.strip() for t in self.topics.split(",") if t.strip()]

    @property
    def year(self) -> int:
        return periods.financial_year_of(self.sent)


class PanelResult(models.Model):
    """One headline result of a panel survey, linked to the service it asked about."""

    survey = models.ForeignKey(PanelSurvey, on_delete=models.CASCADE, related_name="results")
    service = models.ForeignKey(
        Service,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="panel_results",
        help_text="The service the question was about (none: the council as a whole).",
    )
    question = models.CharField(max_length=300)
    percent_satisfied = percent_field("% satisfied or agreeing")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["survey", "pk"]

    def __str__(self) -> str:
        return self.question


class ComplaintImport(models.Model):
    """One import of the CRM's export: who, when, which file, and what it changed."""

    file_name = models.CharField(max_length=255)
    imported_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    months = models.JSONField(
        default=list, blank=True, help_text="Months (2025-04…) whose figures it changed."
    )

    class Meta:
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.imported_at:%d %b %Y %H:%M})"


class ComplaintQuerySet(models.QuerySet["Complaint"]):
    def complaints(self) -> ComplaintQuerySet:
        return self.filter(kind=Complaint.Kind.COMPLAINT)

    def compliments(self) -> ComplaintQuerySet:
        return self.filter(kind=Complaint.Kind.COMPLIMENT)


class Complaint(models.Model):
    """A complaint or compliment as the CRM exports it, one row per reference.

    A complaint is kept at the furthest stage it has reached; `due` and `responded` are those of
    that stage (a stage-2 complaint's due date is the stage-2 deadline).
    """

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", "Complaint"
        COMPLIMENT = "compliment", "Compliment"

    class Stage(models.TextChoices):
        STAGE_1 = "1", "Stage 1"
        STAGE_2 = "2", "Stage 2"
        OMBUDSMAN = "ombudsman", "Ombudsman"

    reference = models.CharField(max_length=50, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="complaints")
    received = models.DateField()
    due = models.DateField(null=True, blank=True)
    responded = models.DateField(null=True, blank=True)
    stage = models.CharField(max_length=10, choices=Stage.choices, blank=True)
    outcome = models.CharField(max_length=100, blank=True)
    import_run = models.ForeignKey(
        ComplaintImport,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
        help_text="The import that last created or changed it.",
    )

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["-received", "reference"]
        indexes = [
            models.Index(fields=["kind", "received"], name="complaint_kind_received"),
            models.Index(fields=["kind", "due"], name="complaint_kind_due"),
            models.Index(fields=["service", "kind", "received"], name="complaint_service"),
        ]

    def __str__(self) -> str:
        return self.reference


class DerivedMeasure(models.Model):
    """A measure whose monthly values are computed from the complaints and compliments."""

    class Figure(models.TextChoices):
        COMPLAINTS = "complaints", "Complaints received"
        COMPLIMENTS = "compliments", "Compliments received"
        ON_TIME = "on_time_pct", "% of complaints answered by their due date"
        STAGE_2 = "stage_2", "Complaints escalated to stage 2"
        OMBUDSMAN = "ombudsman", "Complaints escalated to the ombudsman"

    measure = models.OneToOneField(Measure, on_delete=models.CASCADE, related_name="derivation")
    figure = models.CharField(max_length=20, choices=Figure.choices)
    service = models.ForeignKey(
        Service,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Leave empty for the whole council.",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["measure__code"]

    def __str__(self) -> str:
        return f"{self.measure.code}: {self.get_figure_display()} ({self.scope_label})"

    @property
    def scope_label(self) -> str:
        return self.service.name if self.service_id and self.service else "the whole council"

    @property
    def is_percentage(self) -> bool:
        return self.figure == self.Figure.ON_TIME

    def clean(self) -> None:
        measure = self.measure if self.measure_id else None
        if measure is None:
            return
        errors = []
        if measure.frequency != Measure.Frequency.MONTHLY:
            errors.append(f"{measure.code} is {measure.frequency}: figures are derived monthly.")
        if self.is_percentage:
            if measure.unit != Measure.Unit.PERCENT:
                errors.append(f"{measure.code} must be a percentage measure for this figure.")
        else:
            if measure.unit != Measure.Unit.COUNT:
                errors.append(f"{measure.code} must be a count measure for this figure.")
            if measure.aggregation == Measure.Aggregation.RATIO:
                errors.append(f"{measure.code} is a ratio measure: a count cannot be one.")
        if errors:
            raise ValidationError({"measure": errors})


class MysteryShop(models.Model):
    """A mystery shopping visit: a scenario tried on a channel, scored, with findings."""

    class Channel(models.TextChoices):
        FACE_TO_FACE = "face_to_face", "Face to face"
        TELEPHONE = "telephone", "Telephone"
        EMAIL = "email", "E-mail"
        WEBSITE = "website", "Website"
        LETTER = "letter", "Letter"
        SOCIAL = "social", "Social media"

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="mystery_shops")
    visited = models.DateField("date")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    scenario = models.CharField(max_length=300)
    score = percent_field("score (%)")
    findings = models.TextField(blank=True)
    shared_with_staff = models.DateField("findings shared with staff on", null=True, blank=True)
    actions = models.ManyToManyField(Action, blank=True, related_name="mystery_shops")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-visited", "pk"]
        verbose_name = "mystery shopping visit"

    def __str__(self) -> str:
        return f"{self.scenario} ({self.service}, {self.visited:%d %b %Y})"

    def get_absolute_url(self) -> str:
        return reverse("feedback_visit", args=[self.pk])
