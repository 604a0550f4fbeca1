"""Measures (KPIs) and their targets per financial year."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from targets import formatting, periods, rules
from targets.models.organisation import Priority, Service, User
from targets.periods import Period
from targets.rules import TargetSpec


def figure_field(verbose_name: str | None = None, **options: Any) -> models.DecimalField:
    """A figure of any measure: up to 14 digits before the point and 6 after, optional."""
    return models.DecimalField(
        verbose_name, max_digits=20, decimal_places=6, null=True, blank=True, **options
    )


class MeasureQuerySet(models.QuerySet["Measure"]):
    def active_in(self, year: int) -> MeasureQuerySet:
        return self.filter(active_from__lte=year).filter(
            Q(active_to__isnull=True) | Q(active_to__gte=year)
        )

    def active_during(self, first: int, last: int) -> MeasureQuerySet:
        """Measures active in any financial year from `first` to `last`."""
        return self.filter(active_from__lte=last).filter(
            Q(active_to__isnull=True) | Q(active_to__gte=first)
        )

    def due_in(self, month: Period) -> MeasureQuerySet:
        """Measures with a period ending in this month (quarterly ones only at quarter ends)."""
        due = [f for f in Measure.Frequency if periods.is_due_in(periods.Frequency(f), month)]
        return self.active_in(month.year).filter(frequency__in=due)

    def corporate(self) -> MeasureQuerySet:
        return self.filter(kind=Measure.Kind.CORPORATE)


class Measure(models.Model):
    class Kind(models.TextChoices):
        CORPORATE = "corporate", "Corporate"
        SERVICE = "service", "Service"
        NATIONAL = "national", "National"
        CONTEXTUAL = "contextual", "Contextual"

    class Unit(models.TextChoices):
        PERCENT = "percent", "Percent (%)"
        COUNT = "count", "Count"
        CURRENCY = "currency", "Currency (£)"
        DAYS = "days", "Days"
        RATIO = "ratio", "Ratio"
        SCORE = "score", "Score"

    # The values are those of the rules engine's enums, so a field converts with Polarity(x).
    class Polarity(models.TextChoices):
        UP = "up", "Higher is better"
        DOWN = "down", "Lower is better"
        RANGE = "range", "Target range"
        NONE = "none", "None (data only)"

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"
        ANNUAL = "annual", "Annual"

    class Aggregation(models.TextChoices):
        SNAPSHOT = "snapshot", "Snapshot (latest)"
        SUM = "sum", "Sum (cumulative)"
        MEAN = "mean", "Mean"
        RATIO = "ratio", "Ratio (Σ numerator / Σ denominator)"

    code = models.CharField(max_length=20, unique=True, help_text="e.g. CP01, BV82, NI192, HOU-03")
    title = models.CharField(max_length=300)
    definition = models.TextField(blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SERVICE)
    priority = models.ForeignKey(
        Priority, null=True, blank=True, on_delete=models.PROTECT, related_name="measures"
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="measures")
    unit = models.CharField(max_length=20, choices=Unit.choices, default=Unit.COUNT)
    decimals = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(6)], help_text="Decimal places shown and compared."
    )
    polarity = models.CharField(max_length=10, choices=Polarity.choices, default=Polarity.UP)
    frequency = models.CharField(
        max_length=12, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    aggregation = models.CharField(
        max_length=10, choices=Aggregation.choices, default=Aggregation.SNAPSHOT
    )
    tolerance_pct = models.DecimalField(
        "tolerance (%)",
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text="Amber band as a percentage of the target.",
    )
    tolerance_abs = figure_field(
        "tolerance (absolute)",
        validators=[MinValueValidator(Decimal(0))],
        help_text="Amber band as an amount; used instead of the percentage when given.",
    )
    due_days = models.PositiveSmallIntegerField(
        default=10, help_text="Days after the period ends by which the value is due."
    )
    updater = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="measures_updated"
    )
    approver = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="measures_approved"
    )
    data_source = models.CharField(max_length=300, blank=True)
    is_public = models.BooleanField("public", default=False)
    is_scrutiny = models.BooleanField("reported to scrutiny", default=False)
    active_from = models.PositiveSmallIntegerField(
        help_text="First financial year reported, as its first calendar year (2024 = 2024/25)."
    )
    active_to = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Last financial year reported; blank while current."
    )

    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="corporate") | Q(priority__isnull=False),
                name="corporate_measure_has_priority",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("measure_detail", args=[self.code])

    def clean(self) -> None:
        if self.kind == self.Kind.CORPORATE and self.priority_id is None:
            raise ValidationError({"priority": "A corporate measure needs a priority."})
        if self.active_to is not None and self.active_to < self.active_from:
            raise ValidationError({"active_to": "The last year cannot be before the first year."})

    def rate(self, actual: Decimal | None, target: TargetSpec | None) -> rules.RagResult:
        """RAG of a figure against a target, with this measure's polarity and tolerance."""
        return rules.rag_status(
            actual,
            target,
            polarity=self.rules_polarity,
            decimals=self.decimals,
            tolerance_pct=self.tolerance_pct,
            tolerance_abs=self.tolerance_abs,
        )

    def rate_forecast(self, forecast: Decimal | None, annual: TargetSpec | None) -> rules.RagResult:
        return rules.forecast_rag(
            forecast,
            annual,
            polarity=self.rules_polarity,
            decimals=self.decimals,
            tolerance_pct=self.tolerance_pct,
            tolerance_abs=self.tolerance_abs,
        )

    def travel(
        self, current: Decimal | None, previous: Decimal | None, target: TargetSpec | None
    ) -> rules.Direction | None:
        return rules.direction_of_travel(
            current, previous, polarity=self.rules_polarity, decimals=self.decimals, target=target
        )

    def is_active_in(self, year: int) -> bool:
        return self.active_from <= year and (self.active_to is None or year <= self.active_to)

    @property
    def rules_polarity(self) -> rules.Polarity:
        return rules.member(rules.Polarity, self.polarity)

    @property
    def rules_aggregation(self) -> rules.Aggregation:
        return rules.member(rules.Aggregation, self.aggregation)

    @property
    def period_frequency(self) -> periods.Frequency:
        return rules.member(periods.Frequency, self.frequency)

    @property
    def scale(self) -> Decimal:
        """Multiplier from numerator/denominator to the actual (percentages are × 100)."""
        return Decimal(100) if self.unit == self.Unit.PERCENT else Decimal(1)

    def format(self, figure: Decimal | None) -> str:
        """The figure at the measure's decimals in its unit (−£21.72, 48.0%)."""
        return formatting.figure(figure, unit=self.unit, decimals=self.decimals)


class Target(models.Model):
    """A measure's target for one financial year (versioned by year)."""

    # Indexed by the unique (measure, year) index alone (see Value.measure).
    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="targets", db_index=False
    )
    year = models.PositiveSmallIntegerField(
        help_text="Financial year as its first calendar year (2025 = 2025/26)."
    )
    value = figure_field()
    lower = figure_field()
    upper = figure_field()
    note = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["measure__code", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "year"], name="one_target_per_measure_year")
        ]

    def __str__(self) -> str:
        return f"{self.measure.code} {self.year_label}"

    @property
    def year_label(self) -> str:
        return periods.fy_label(self.year)

    def clean(self) -> None:
        if self.measure_id is None:
            return
        if self.measure.polarity == Measure.Polarity.RANGE:
            if self.lower is None or self.upper is None:
                raise ValidationError("A target range needs both a lower and an upper bound.")
            if self.lower > self.upper:
                raise ValidationError({"upper": "The upper bound is below the lower bound."})
        elif self.value is None:
            raise ValidationError({"value": "Enter the annual target."})

    @property
    def spec(self) -> TargetSpec:
        return TargetSpec(value=self.value, lower=self.lower, upper=self.upper)


class TargetProfile(models.Model):
    """One period's profiled target within a year's target."""

    # Indexed by the unique (target, period) index alone (see Value.measure).
    target = models.ForeignKey(
        Target, on_delete=models.CASCADE, related_name="profile", db_index=False
    )
    period = models.CharField(max_length=12, help_text="Period code, e.g. 2025-04 or 2025/26-Q1.")
    value = figure_field()
    lower = figure_field()
    upper = figure_field()

    class Meta:
        ordering = ["target", "period"]
        constraints = [
            models.UniqueConstraint(fields=["target", "period"], name="one_profile_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.target} {self.period}"

    def clean(self) -> None:
        try:
            period = periods.parse_period(self.period)
        except periods.PeriodError as exc:
            raise ValidationError({"period": str(exc)}) from exc
        if self.target_id is None:
            return
        if period.year != self.target.year:
            raise ValidationError(
                {"period": f"{period.label} is not in {periods.fy_label(self.target.year)}."}
            )
        if period.frequency != self.target.measure.period_frequency:
            raise ValidationError(
                {"period": f"{self.target.measure.code} is {self.target.measure.frequency}."}
            )

    @property
    def spec(self) -> TargetSpec:
        return TargetSpec(value=self.value, lower=self.lower, upper=self.upper)
