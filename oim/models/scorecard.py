"""The OIM scorecard's configuration: factors in four quadrants, quadrant weights, and the scores
the performance team gives by hand."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from oim import scoring
from targets import periods
from targets.models import Service, User

POSITIVE = MinValueValidator(Decimal("0.01"), "A weight must be more than 0.")


class Quadrant(models.TextChoices):
    CUSTOMER = scoring.Quadrant.CUSTOMER.value, scoring.Quadrant.CUSTOMER.label
    PEOPLE = scoring.Quadrant.PEOPLE.value, scoring.Quadrant.PEOPLE.label
    PERFORMANCE = scoring.Quadrant.PERFORMANCE.value, scoring.Quadrant.PERFORMANCE.label
    COST = scoring.Quadrant.COST.value, scoring.Quadrant.COST.label


class FactorQuerySet(models.QuerySet["Factor"]):
    def active(self) -> FactorQuerySet:
        return self.filter(is_active=True)

    def assessed(self) -> FactorQuerySet:
        return self.filter(source=Factor.Source.ASSESSED)


class Factor(models.Model):
    """One scored factor of a quadrant: where its figure comes from, its weight and cut-offs."""

    class Source(models.TextChoices):
        ON_TARGET = "on_target", "% of the service's measures on target"
        IMPROVING = "improving", "% of the service's measures improving on last year"
        BENCHMARK_QUARTILE = (
            "benchmark_quartile",
            "Average benchmark quartile against the nearest neighbours (1 = best)",
        )
        SATISFACTION = "satisfaction", "Customer satisfaction (%)"
        COMPLAINTS_IN_TIME = "complaints_in_time", "Complaints answered in time (%)"
        PROCESSES_DOCUMENTED = "processes_documented", "Key processes documented (%)"
        COST_VS_NEAREST = (
            "cost_vs_nearest",
            "Cost per head as % of the nearest neighbours' median",
        )
        NET_BUDGET = "net_budget", "Net budget (£)"
        ASSESSED = "assessed", "Assessed by hand (score with evidence)"

    quadrant = models.CharField(max_length=12, choices=Quadrant.choices)
    name = models.CharField(max_length=150, unique=True)
    description = models.TextField(blank=True, help_text="What it measures and why.")
    source = models.CharField(max_length=24, choices=Source.choices)
    weight = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        default=Decimal(1),
        validators=[POSITIVE],
        help_text="Relative weight within its quadrant.",
    )
    higher_is_better = models.BooleanField(
        default=True,
        help_text="Untick for figures where lower is better (benchmark quartile, cost, budget).",
    )
    cut_low = models.DecimalField(
        "lowest cut-off", max_digits=16, decimal_places=4, null=True, blank=True
    )
    cut_mid = models.DecimalField(
        "middle cut-off", max_digits=16, decimal_places=4, null=True, blank=True
    )
    cut_high = models.DecimalField(
        "highest cut-off", max_digits=16, decimal_places=4, null=True, blank=True
    )
    is_active = models.BooleanField("active", default=True)
    order = models.PositiveSmallIntegerField(default=0)

    objects = FactorQuerySet.as_manager()

    class Meta:
        ordering = ["quadrant", "order", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="factor_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        cuts = (self.cut_low, self.cut_mid, self.cut_high)
        if self.source == self.Source.ASSESSED:
            if any(c is not None for c in cuts):
                raise ValidationError(
                    {"cut_low": "A factor assessed by hand is scored directly: no cut-offs."}
                )
            return
        names = ("cut_low", "cut_mid", "cut_high")
        missing = {
            n: "Give all three cut-offs." for n, c in zip(names, cuts, strict=True) if c is None
        }
        if missing:
            raise ValidationError(missing)
        try:
            _ = self.cutoffs
        except ValueError:
            raise ValidationError(
                {"cut_mid": "The cut-offs must rise: lowest < middle < highest."}
            ) from None

    @property
    def is_assessed(self) -> bool:
        return self.source == self.Source.ASSESSED

    @property
    def cutoffs(self) -> scoring.Cutoffs:
        if self.cut_low is None or self.cut_mid is None or self.cut_high is None:
            raise ValueError(f"{self.name} has no cut-offs.")
        return scoring.Cutoffs(self.cut_low, self.cut_mid, self.cut_high, self.higher_is_better)

    @property
    def quadrant_enum(self) -> scoring.Quadrant:
        return scoring.Quadrant(self.quadrant)

    def score(self, raw: Decimal | None) -> int | None:
        return scoring.factor_score(raw, self.cutoffs)


class QuadrantWeight(models.Model):
    """A quadrant's weight in the overall score (1 when there is no row: equal weights)."""

    quadrant = models.CharField(max_length=12, choices=Quadrant.choices, unique=True)
    weight = models.DecimalField(
        max_digits=6, decimal_places=2, default=Decimal(1), validators=[POSITIVE]
    )

    class Meta:
        ordering = ["quadrant"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="quadrant_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_quadrant_display()}: {self.weight}"

    @classmethod
    def as_dict(cls) -> dict[scoring.Quadrant, Decimal]:
        found = dict(cls.objects.values_list("quadrant", "weight"))
        return {q: found.get(q.value, Decimal(1)) for q in scoring.QUADRANTS}


class FactorAssessment(models.Model):
    """The performance team's score for a hand-assessed factor, one service, one year."""

    factor = models.ForeignKey(
        Factor,
        on_delete=models.CASCADE,
        related_name="assessments",
        limit_choices_to={"source": Factor.Source.ASSESSED},
    )
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="oim_assessments")
    year = models.PositiveSmallIntegerField(
        help_text="Financial year start, e.g. 2025 for 2025/26."
    )
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(scoring.SCALE_MIN), MaxValueValidator(scoring.SCALE_MAX)],
        help_text="1 (weak) to 4 (strong).",
    )
    evidence = models.TextField(help_text="What the score rests on: documents, visits, findings.")
    assessor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assessed_on = models.DateField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "service__name", "factor__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["factor", "service", "year"], name="one_assessment_per_factor_year"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=scoring.SCALE_MIN, score__lte=scoring.SCALE_MAX),
                name="assessment_score_on_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.factor} – {self.service} {self.year_label}: {self.score}"

    @property
    def year_label(self) -> str:
        return periods.fy_label(self.year)
