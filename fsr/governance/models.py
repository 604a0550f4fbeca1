"""The risk register and the corporate programmes (app label `fsr`; imported by fsr.models).

A risk is corporate (the council's) or a service's; it is scored on the council's one risk
matrix (`RiskMatrix`, 4×4 or 5×5), before and after its controls. A corporate programme is run by
a board (Prince2): its sponsor, stage, time/cost/scope status, projects, milestones, the risks it
carries and the savings lines it should deliver.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from fsr.governance import scoring
from targets.models import Action, Measure, Priority, Service


class RiskMatrix(models.Model):
    """The council's risk matrix: one row (the first one is used)."""

    size = models.PositiveSmallIntegerField(
        choices=[(4, "4 × 4"), (5, "5 × 5")],
        default=5,
        help_text="Likelihood and impact are each scored from 1 to this.",
    )
    medium_from = models.PositiveSmallIntegerField(
        "Medium from score",
        default=5,
        help_text="A score (likelihood × impact) of at least this is Medium.",
    )
    high_from = models.PositiveSmallIntegerField(
        "High from score", default=15, help_text="A score of at least this is High."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "risk matrix"
        verbose_name_plural = "risk matrix"

    def __str__(self) -> str:
        return f"{self.size} × {self.size} risk matrix"

    @property
    def rules(self) -> scoring.Matrix:
        return scoring.Matrix(self.size, self.medium_from, self.high_from)

    def clean(self) -> None:
        problem = self.rules.problem()
        if problem:
            raise ValidationError({"high_from": problem})

    @classmethod
    def current(cls) -> scoring.Matrix:
        found = cls.objects.order_by("pk").first()
        return found.rules if found else scoring.default_matrix(5)


class RiskQuerySet(models.QuerySet["Risk"]):
    def visible_to(self, service_ids: set[int] | None) -> RiskQuerySet:
        """Corporate risks and the risks of these services (None: every risk)."""
        if service_ids is None:
            return self
        return self.filter(Q(kind=Risk.Kind.CORPORATE) | Q(service_id__in=service_ids))

    def open(self) -> RiskQuerySet:
        return self.filter(status=Risk.Status.OPEN)


LIKELIHOOD = [MinValueValidator(1), MaxValueValidator(5)]


class Risk(models.Model):
    """A corporate or service risk: what could happen, why, who owns it, how likely and how bad
    before and after its controls, and when it is next reviewed."""

    class Kind(models.TextChoices):
        CORPORATE = "corporate", "Corporate risk"
        SERVICE = "service", "Service risk"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    EDITABLE_FIELDS = [
        "kind",
        "service",
        "title",
        "cause",
        "effect",
        "owner",
        "inherent_likelihood",
        "inherent_impact",
        "controls",
        "residual_likelihood",
        "residual_impact",
        "review_date",
        "priority",
        "measures",
        "status",
    ]

    reference = models.CharField(
        max_length=20, unique=True, help_text="CR01 for a corporate risk, HOU-R01 for a service's."
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    service = models.ForeignKey(
        Service,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="risks",
        help_text="The service whose risk it is (service risks only).",
    )
    title = models.CharField(max_length=200)
    cause = models.TextField(help_text="What could make it happen.")
    effect = models.TextField(help_text="What would follow if it did.")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_risks"
    )
    inherent_likelihood = models.PositiveSmallIntegerField(validators=LIKELIHOOD)
    inherent_impact = models.PositiveSmallIntegerField(validators=LIKELIHOOD)
    controls = models.TextField(help_text="What is in place to reduce the likelihood or impact.")
    residual_likelihood = models.PositiveSmallIntegerField(validators=LIKELIHOOD)
    residual_impact = models.PositiveSmallIntegerField(validators=LIKELIHOOD)
    review_date = models.DateField("next review", help_text="When the owner next reviews it.")
    priority = models.ForeignKey(
        Priority,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="risks",
        help_text="The corporate priority it threatens.",
    )
    measures = models.ManyToManyField(
        Measure, blank=True, related_name="risks", help_text="Measures that show it coming."
    )
    actions = models.ManyToManyField(
        Action, blank=True, related_name="risks", help_text="Actions that reduce it further."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RiskQuerySet.as_manager()

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="corporate") & Q(service__isnull=True))
                | (Q(kind="service") & Q(service__isnull=False)),
                name="risk_service_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("fsr_risk", args=[self.pk])

    def clean(self) -> None:
        if self.kind == self.Kind.SERVICE and self.service_id is None:
            raise ValidationError({"service": "A service risk needs its service."})
        if self.kind == self.Kind.CORPORATE and self.service_id is not None:
            raise ValidationError({"service": "A corporate risk belongs to no one service."})
        matrix = RiskMatrix.current()
        problems: dict[str, str] = {}
        for prefix in ("inherent", "residual"):
            lk, im = getattr(self, f"{prefix}_likelihood"), getattr(self, f"{prefix}_impact")
            for name, value in (("likelihood", lk), ("impact", im)):
                problem = scoring.rating_problem(matrix, name, value)
                if problem:
                    problems[f"{prefix}_{name}"] = problem
        if not problems:
            worse = scoring.residual_problem(
                (self.inherent_likelihood, self.inherent_impact),
                (self.residual_likelihood, self.residual_impact),
            )
            for name, problem in (worse or {}).items():
                problems[f"residual_{name}"] = problem
        if problems:
            raise ValidationError(problems)

    @property
    def inherent_score(self) -> int:
        return scoring.score(self.inherent_likelihood, self.inherent_impact)

    @property
    def residual_score(self) -> int:
        return scoring.score(self.residual_likelihood, self.residual_impact)

    def band(self, matrix: scoring.Matrix, *, residual: bool = True) -> scoring.Band:
        return matrix.band(self.residual_score if residual else self.inherent_score)

    def is_review_overdue(self, today: date) -> bool:
        return self.status == self.Status.OPEN and scoring.is_review_overdue(
            self.review_date, today
        )


class RagStatus(models.TextChoices):
    GREEN = "green", "Green: on track"
    AMBER = "amber", "Amber: at risk"
    RED = "red", "Red: off track"


class Stage(models.TextChoices):
    """Prince2's stages, as a board reports them."""

    STARTING_UP = "starting_up", "Starting up"
    INITIATION = "initiation", "Initiation"
    DELIVERY = "delivery", "Delivery"
    CLOSING = "closing", "Closing"
    CLOSED = "closed", "Closed"


def rag_field(label: str) -> models.CharField:
    return models.CharField(label, max_length=5, choices=RagStatus.choices, default="green")


class Programme(models.Model):
    """A corporate programme run by its board."""

    title = models.CharField(max_length=200)
    aims = models.TextField(help_text="What the programme is to deliver.")
    sponsor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="sponsored_programmes",
        help_text="The senior responsible owner.",
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_programmes",
    )
    board = models.TextField(help_text="Who sits on the programme board, and how often it meets.")
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.STARTING_UP)
    rag_time = rag_field("time")
    rag_cost = rag_field("cost")
    rag_scope = rag_field("scope")
    status_note = models.TextField("board's latest report", blank=True)
    start = models.DateField()
    planned_end = models.DateField()
    priority = models.ForeignKey(
        Priority, null=True, blank=True, on_delete=models.SET_NULL, related_name="programmes"
    )
    risks = models.ManyToManyField(Risk, blank=True, related_name="programmes")
    savings = models.ManyToManyField(
        "fsr.SavingsLine",
        blank=True,
        related_name="programmes",
        help_text="The savings plan's lines the programme is to deliver.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__gte=models.F("start")), name="programme_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("fsr_corporate_programme", args=[self.pk])

    def clean(self) -> None:
        if self.start and self.planned_end and self.planned_end < self.start:
            raise ValidationError({"planned_end": "The planned end is before the start."})

    @property
    def overall(self) -> scoring.Rag:
        return scoring.overall_rag(self.rag_time, self.rag_cost, self.rag_scope)

    @property
    def is_open(self) -> bool:
        return self.stage != Stage.CLOSED


class Project(models.Model):
    """A project of a programme, with its own manager, stage and status."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="projects")
    title = models.CharField(max_length=200)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.STARTING_UP)
    rag_time = rag_field("time")
    rag_cost = rag_field("cost")
    rag_scope = rag_field("scope")
    planned_end = models.DateField()

    class Meta:
        ordering = ["planned_end", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def overall(self) -> scoring.Rag:
        return scoring.overall_rag(self.rag_time, self.rag_cost, self.rag_scope)


class ProgrammeMilestone(models.Model):
    """A milestone of a programme (or of one of its projects)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="milestones")
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(max_length=200)
    due = models.DateField()
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due", "pk"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.project is not None and self.project.programme_id != self.programme_id:
            raise ValidationError({"project": "Choose a project of the same programme."})

    def is_overdue(self, today: date) -> bool:
        return self.done_on is None and self.due < today
