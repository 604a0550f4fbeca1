"""Values: one measure's figure for one period, with its commentary and workflow state."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from targets import periods
from targets.models.measures import Measure, figure_field
from targets.models.organisation import User
from targets.periods import Period


class ValueStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    PUBLISHED = "published", "Published"


class DataQuality(models.TextChoices):
    ESTIMATED = "estimated", "Estimated"
    PROVISIONAL = "provisional", "Provisional"
    FINAL = "final", "Final"


INTERNAL_STATUSES = [ValueStatus.SUBMITTED, ValueStatus.APPROVED, ValueStatus.PUBLISHED]


class ValueQuerySet(models.QuerySet["Value"]):
    def internal(self) -> ValueQuerySet:
        """Values internal dashboards show: at least submitted."""
        return self.filter(status__in=INTERNAL_STATUSES)

    def published(self) -> ValueQuerySet:
        return self.filter(status=ValueStatus.PUBLISHED)


class Value(models.Model):
    """One measure's figure for one period, with its commentary and workflow state."""

    # No index of its own: the unique (measure, period) index serves a measure's values, and
    # PostgreSQL's planner, given both, read a large council's dashboard values through the
    # one-column index and filtered ~180,000 rows by period (40 ms against 6).
    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="values", db_index=False
    )
    period = models.CharField(max_length=12, help_text="Period code, e.g. 2025-04.")
    actual = figure_field()
    numerator = figure_field()
    denominator = figure_field()
    commentary = models.TextField(blank=True)
    corrective_action = models.TextField(blank=True)
    dq_flag = models.CharField(
        "data quality", max_length=12, choices=DataQuality.choices, default=DataQuality.FINAL
    )
    forecast = figure_field("forecast year-end outturn")
    evidence = models.FileField(upload_to="evidence/%Y/%m/", blank=True)
    status = models.CharField(
        max_length=10, choices=ValueStatus.choices, default=ValueStatus.DRAFT, db_index=True
    )
    version = models.PositiveIntegerField(
        default=1, help_text="Bumped on every save; a stale version is a conflicting edit."
    )
    revision = models.PositiveIntegerField(
        default=1, help_text="Bumped when a published value is restated."
    )
    return_reason = models.TextField(blank=True)
    entered_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ValueQuerySet.as_manager()

    class Meta:
        ordering = ["measure__code", "period"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "period"], name="one_value_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.measure.code} {self.period}"

    def get_absolute_url(self) -> str:
        return reverse("measure_detail", args=[self.measure.code])

    def clean(self) -> None:
        try:
            period = periods.parse_period(self.period)
        except periods.PeriodError as exc:
            raise ValidationError({"period": str(exc)}) from exc
        if self.measure_id is not None and period.frequency != self.measure.period_frequency:
            message = f"{self.measure.code} is {self.measure.frequency}: {period.code} is not."
            raise ValidationError({"period": message})

    @property
    def period_obj(self) -> Period:
        return periods.parse_period(self.period)

    @property
    def is_at_least_submitted(self) -> bool:
        return self.status in INTERNAL_STATUSES


class ValueQuestion(models.Model):
    """A figure questioned before it was submitted (`targets.anomaly`), with the explanation
    its officer gave: recorded through `targets.questions.record`, listed for the performance
    team and shown to the approver."""

    class Kind(models.TextChoices):
        # The values are those of `targets.anomaly.Kind`.
        RATIO = "ratio", "Numerator larger than denominator"
        HISTORY = "history", "Far outside its history"
        SEASONAL = "seasonal", "Far outside its season"
        PEERS = "peers", "Outside the benchmark peers"

    value = models.ForeignKey(Value, on_delete=models.CASCADE, related_name="questions")
    actual = figure_field("figure questioned")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    reason = models.TextField()
    low = figure_field("band low")
    high = figure_field("band high")
    basis = models.CharField(max_length=100, help_text="What the band comes from.")
    k = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    explanation = models.TextField(help_text="The commentary given with the questioned figure.")
    source = models.CharField(max_length=10, help_text="The route: form, API or import.")
    raised_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["value", "kind", "actual"], name="one_question_per_figure"
            )
        ]

    def __str__(self) -> str:
        return f"{self.value} {self.kind}"

    @property
    def is_current(self) -> bool:
        """Whether it questions the value's figure as it stands."""
        return self.actual == self.value.actual
