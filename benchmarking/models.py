"""Benchmarking: authorities, comparator groups (versioned), metrics and their published values,
benchmarking exercises and the good practice they find."""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from benchmarking import periods as benchmark_periods
from targets import formatting, periods
from targets.models import Measure, Service, User

GSS_PATTERN = re.compile(r"[EWSNK]\d{8}")
GSS_CODE = RegexValidator(
    f"^{GSS_PATTERN.pattern}$", "Enter a 9-character ONS (GSS) code, e.g. E07000178."
)


class Authority(models.Model):
    """A UK local authority, by its ONS (GSS) code."""

    code = models.CharField("ONS code", max_length=9, unique=True, validators=[GSS_CODE])
    name = models.CharField(max_length=200)
    type = models.CharField(
        max_length=10, db_index=True, help_text="NMD (shire district), UA, MD, LBO, CTY…"
    )
    type_name = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    nation = models.CharField(max_length=50, blank=True)
    population = models.PositiveIntegerField(null=True, blank=True, help_text="Mid-2020.")
    is_current = models.BooleanField("current", default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "authorities"

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class ComparatorGroup(models.Model):
    """A set of authorities to compare with: an authority's nearest neighbours or a named group.

    Membership is kept as versions by financial year, so that a change of membership never
    rewrites an earlier year's comparison.
    """

    class Kind(models.TextChoices):
        NEAREST = "nearest", "Nearest neighbours (CIPFA model)"
        NAMED = "named", "Named group"

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.NAMED)
    authority = models.ForeignKey(
        Authority,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="nearest_groups",
        help_text="For nearest neighbours: the authority whose neighbours these are.",
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority"], condition=Q(kind="nearest"), name="one_nearest_group"
            ),
            models.CheckConstraint(
                condition=~Q(kind="nearest") | Q(authority__isnull=False),
                name="nearest_group_has_authority",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("benchmark_group", args=[self.slug])

    def version_for(self, year: int) -> GroupVersion | None:
        """The membership valid in financial year `year` (versions must be prefetched or not)."""
        valid = [v for v in self.versions.all() if v.valid_from is None or v.valid_from <= year]
        return max(valid, key=lambda v: v.valid_from or 0, default=None)


class GroupVersion(models.Model):
    group = models.ForeignKey(ComparatorGroup, on_delete=models.CASCADE, related_name="versions")
    valid_from = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="First financial year this membership applies to (2021 = 2021/22); "
        "blank: every year before the next version.",
    )
    members = models.ManyToManyField(Authority, related_name="group_versions")
    source = models.CharField(max_length=200, blank=True, help_text="The file it came from.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["group", models.F("valid_from").asc(nulls_first=True)]
        constraints = [
            models.UniqueConstraint(fields=["group", "valid_from"], name="one_version_per_year"),
            models.UniqueConstraint(
                fields=["group"], condition=Q(valid_from__isnull=True), name="one_first_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} {self.valid_from_label}"

    @property
    def valid_from_label(self) -> str:
        if self.valid_from is None:
            return "from the start"
        return f"from {periods.fy_label(self.valid_from)}"


class MetricQuerySet(models.QuerySet["Metric"]):
    def linked(self) -> MetricQuerySet:
        return self.filter(measure__isnull=False)


class Metric(models.Model):
    """A figure published for many authorities, e.g. DEFRA's recycling rate (ex NI192)."""

    class Polarity(models.TextChoices):
        UP = "up", "Higher is better"
        DOWN = "down", "Lower is better"

    class Source(models.TextChoices):
        LG_INFORM = "lg_inform", "LG Inform"
        APSE = "apse", "APSE performance networks"
        CIPFA = "cipfa", "CIPFA"
        IRRV = "irrv", "IRRV"
        AUDIT_COMMISSION = "audit_commission", "Audit Commission"
        GOVERNMENT = "government", "Government statistics (DEFRA, MHCLG…)"
        CLUB = "club", "Own benchmarking club"
        OTHER = "other", "Other"

    code = models.CharField(max_length=40, unique=True, help_text="e.g. ENV18, RO-ENV-HEAD.")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    unit = models.CharField(max_length=20, choices=Measure.Unit.choices, default=Measure.Unit.COUNT)
    decimals = models.PositiveSmallIntegerField(
        default=1,
        validators=[MaxValueValidator(6)],
        help_text="Values are rounded to these places before they are ranked.",
    )
    polarity = models.CharField(max_length=4, choices=Polarity.choices, default=Polarity.UP)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.OTHER)
    source_detail = models.CharField(max_length=300, blank=True, help_text="Publisher, licence.")
    measure = models.ForeignKey(
        Measure,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="benchmark_metrics",
        help_text="Our own measure this compares.",
    )
    add_own_values = models.BooleanField(
        "add our published values",
        default=False,
        help_text="Where the council has no imported value for a period, use the linked "
        "measure's published value for that period.",
    )
    lginform_id = models.PositiveIntegerField(
        "LG Inform metric id",
        null=True,
        blank=True,
        unique=True,
        help_text="The metric type's number in LG Inform Plus (e.g. 46 for household waste "
        "recycled): its values for every English authority are then fetched on a schedule.",
    )

    objects = MetricQuerySet.as_manager()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("benchmark_metric", args=[self.code])

    def clean(self) -> None:
        if self.add_own_values and self.measure_id is None:
            raise ValidationError({"add_own_values": "Link a measure first."})

    @property
    def is_higher_better(self) -> bool:
        return self.polarity == self.Polarity.UP

    @property
    def lginform_url(self) -> str:
        """The metric type's public description on LG Inform Plus."""
        return f"https://id.esd.org.uk/metricType/{self.lginform_id}" if self.lginform_id else ""

    def format(self, figure: Decimal | None) -> str:
        """The figure at the metric's decimals in its unit: a percentile between two figures
        is rounded like any other figure (half up), and −£21.72 has a true minus."""
        return formatting.figure(figure, unit=self.unit, decimals=self.decimals)

    def format_gap(self, gap: Decimal | None) -> str:
        """The size of a gap between two of its figures: percentage points for a percentage."""
        return formatting.difference(gap, unit=self.unit, decimals=self.decimals)


class BenchmarkValue(models.Model):
    """One authority's published figure of a metric for one period."""

    # A national table is 1.5 M rows written by metric (`imports/writing.py`), so the table
    # keeps one index, the unique constraint's, which every read uses (one metric, its periods,
    # some areas). An index by authority alone took a few hundred scattered pages per metric
    # imported; the foreign keys were two checks per row written (PostgreSQL's triggers). The
    # deletes still cascade (Django's), and an import holds its metric and the authorities it
    # reads against deletion until it commits (`writing.hold_parents`).
    metric = models.ForeignKey(
        Metric, on_delete=models.CASCADE, related_name="values", db_index=False, db_constraint=False
    )
    authority = models.ForeignKey(
        Authority,
        on_delete=models.CASCADE,
        related_name="values",
        db_index=False,
        db_constraint=False,
    )
    period = models.CharField(max_length=12, help_text="2023/24, or a quarter 2025/26-Q3.")
    value = models.DecimalField(max_digits=20, decimal_places=6)

    class Meta:
        ordering = ["metric", "period", "authority"]
        constraints = [
            # Also the index of every position query: one metric, one period, some areas.
            models.UniqueConstraint(
                fields=["metric", "period", "authority"], name="one_benchmark_value"
            )
        ]

    def __str__(self) -> str:
        return f"{self.metric_id} {self.period} {self.authority_id}"

    def clean(self) -> None:
        try:
            benchmark_periods.parse(self.period)
        except periods.PeriodError as exc:
            raise ValidationError({"period": str(exc)}) from exc


class Fetch(models.Model):
    """One metric's values fetched from LG Inform Plus: when, what came back and what was written.

    Every metric fetched in one run shares its `batch`, which the audit records of the values
    written carry too. Dry runs are not recorded.
    """

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        DONE = "done", "Fetched"
        FAILED = "failed", "Failed"

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", "Schedule"
        COMMAND = "command", "Command"
        DEMO = "demo", "Demo (recorded answers)"

    batch = models.CharField(max_length=40, db_index=True)
    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="fetches")
    lginform_id = models.PositiveIntegerField("LG Inform metric id")
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    periods = models.JSONField(
        default=list, blank=True, help_text="The periods the answer held, oldest first."
    )
    requests = models.PositiveIntegerField(default=0, help_text="HTTP requests, retries included.")
    rows_read = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField("new values", default=0)
    updated = models.PositiveIntegerField("changed values", default=0)
    unchanged = models.PositiveIntegerField(default=0)
    missing = models.PositiveIntegerField("NA", default=0, help_text="Rows without a value.")
    not_imported = models.PositiveIntegerField(
        default=0, help_text="Rows left out: areas outside the register, calendar years."
    )
    message = models.TextField(blank=True)
    details = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = "LG Inform fetch"
        verbose_name_plural = "LG Inform fetches"

    def __str__(self) -> str:
        return f"{self.metric_id} {self.started_at:%Y-%m-%d %H:%M} {self.status}"

    @property
    def written(self) -> int:
        return self.created + self.updated


class Exercise(models.Model):
    """A service's benchmarking exercise in a financial year (framework section 6.5)."""

    class Sector(models.TextChoices):
        WITHIN = "within", "Within sector"
        OUTSIDE = "outside", "Outside sector"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETE = "complete", "Complete"
        CANCELLED = "cancelled", "Cancelled"

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="exercises")
    year = models.PositiveSmallIntegerField(
        help_text="Financial year as its first calendar year (2025 = 2025/26)."
    )
    title = models.CharField(max_length=200)
    sector = models.CharField(max_length=10, choices=Sector.choices, default=Sector.WITHIN)
    partner = models.CharField(
        "partner or club",
        max_length=200,
        help_text="Who the service compared with: a council, a club (APSE, CIPFA), a company.",
    )
    scope = models.TextField(help_text="What was compared, and how.")
    metrics = models.ManyToManyField(Metric, blank=True, related_name="exercises")
    findings = models.TextField(blank=True)
    good_practice = models.TextField("good practice found", blank=True)
    results_vary = models.BooleanField(
        "the comparators' results vary widely",
        default=False,
        help_text="Then say how the service will follow it up.",
    )
    follow_up = models.TextField(blank=True)
    has_potential = models.BooleanField(
        "has potential",
        default=False,
        help_text="An outside-sector exercise whose comparison shows potential for the service: "
        "the compliance page counts these.",
    )
    actions = models.ManyToManyField(
        "targets.Action",
        blank=True,
        related_name="benchmarking_exercises",
        help_text="Improvement actions raised from the findings.",
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)
    lginform_uploaded_on = models.DateField(
        "date the data was shared on LG Inform",
        null=True,
        blank=True,
        help_text="When the service uploaded its benchmark data to LG Inform (blank: not yet).",
    )
    lead = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "service__name", "title"]

    def __str__(self) -> str:
        return f"{self.title} ({self.service}, {self.year_label})"

    def get_absolute_url(self) -> str:
        return reverse("benchmark_exercise", args=[self.pk])

    def clean(self) -> None:
        if self.results_vary and not self.follow_up.strip():
            raise ValidationError(
                {"follow_up": "Say how the service will follow up results that vary widely."}
            )
        if self.lginform_uploaded_on and self.lginform_uploaded_on > timezone.localdate():
            raise ValidationError(
                {"lginform_uploaded_on": "The upload date cannot be in the future."}
            )
        if self.has_potential and self.sector != self.Sector.OUTSIDE:
            raise ValidationError(
                {"has_potential": "Only an outside-sector exercise is flagged as having potential."}
            )

    @property
    def year_label(self) -> str:
        return periods.fy_label(self.year)


class GoodPracticeQuerySet(models.QuerySet["GoodPractice"]):
    def search(self, text: str) -> GoodPracticeQuerySet:
        return self.filter(
            Q(title__icontains=text)
            | Q(description__icontains=text)
            | Q(topic__icontains=text)
            | Q(found_at__icontains=text)
        )


class GoodPractice(models.Model):
    """An entry of the good practice library: what another organisation does well."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="good_practice")
    exercise = models.ForeignKey(
        Exercise,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="good_practice_entries",
    )
    topic = models.CharField(max_length=100, help_text="e.g. Food waste, Contact centre.")
    title = models.CharField(max_length=200)
    description = models.TextField()
    found_at = models.CharField(
        "found at", max_length=200, help_text="The organisation whose practice it is."
    )
    link = models.URLField(blank=True)
    year = models.PositiveSmallIntegerField(
        help_text="Financial year it was found (2025 = 2025/26)."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = GoodPracticeQuerySet.as_manager()

    class Meta:
        ordering = ["topic", "title"]
        verbose_name_plural = "good practice"

    def __str__(self) -> str:
        return self.title

    @property
    def year_label(self) -> str:
        return periods.fy_label(self.year)
