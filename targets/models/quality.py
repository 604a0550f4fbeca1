"""Data quality: a procedure per measure, and the rolling audit programme.

A procedure says how a measure's figures are collected and calculated, from which system, with
which controls; its owner is the measure's updater, and it is reviewed every year. An audit
samples a measure's values over a period and scores them on the Audit Commission's six
dimensions; its actions are ordinary improvement actions (``Action``, source data quality).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from targets import periods
from targets.models.measures import Measure
from targets.models.plans import Action
from targets.periods import Period

REVIEW_INTERVAL_MONTHS = 12


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day (29 Feb + 12 months = 28 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = (date(year + (month == 12), month % 12 + 1, 1) - date.resolution).day
    return date(year, month, min(day.day, last))


class DataQualityProcedure(models.Model):
    """How one measure's data is collected, calculated and checked; reviewed every year."""

    measure = models.OneToOneField(Measure, on_delete=models.CASCADE, related_name="dq_procedure")
    collection = models.TextField(
        "how the data is collected", help_text="Where the figures come from and who gathers them."
    )
    calculation = models.TextField(
        "how it is calculated", help_text="The formula, what is counted and what is left out."
    )
    source_system = models.CharField(
        "source system", max_length=200, help_text="e.g. Northgate, Civica APP, a spreadsheet."
    )
    controls = models.TextField(
        help_text="The checks that catch mistakes: reconciliations, second checks, sign-off."
    )
    last_reviewed = models.DateField("date last reviewed")
    next_review_due = models.DateField(
        "next review due", help_text="A year after the last review: set when it is saved."
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["measure__code"]
        verbose_name = "data-quality procedure"

    def __str__(self) -> str:
        return f"Data-quality procedure of {self.measure.code}"

    def get_absolute_url(self) -> str:
        return reverse("dq_procedure", args=[self.measure.code])

    @staticmethod
    def due_after(reviewed: date) -> date:
        return add_months(reviewed, REVIEW_INTERVAL_MONTHS)

    def is_overdue(self, today: date) -> bool:
        return self.next_review_due < today


class AuditResult(models.TextChoices):
    PASS = "pass", "Pass"
    CONCERN = "concern", "Concern"
    FAIL = "fail", "Fail"


DIMENSIONS: tuple[tuple[str, str, str], ...] = (
    ("accuracy", "Accuracy", "The figures are correct and free of errors."),
    ("validity", "Validity", "They follow the measure's definition."),
    ("reliability", "Reliability", "They are collected the same way every time."),
    ("timeliness", "Timeliness", "They are available when needed and on time."),
    ("relevance", "Relevance", "They measure what the measure is meant to."),
    ("completeness", "Completeness", "Nothing that should be counted is missing."),
)
DIMENSION_FIELDS = tuple(name for name, _, _ in DIMENSIONS)


def overall_result(results: list[str]) -> str:
    """The audit's result: a fail on any dimension fails it; else any concern; else a pass."""
    if not results or any(r == "" for r in results):
        return ""
    if AuditResult.FAIL in results:
        return AuditResult.FAIL
    return AuditResult.CONCERN if AuditResult.CONCERN in results else AuditResult.PASS


def _dimension(label: str, help_text: str) -> models.CharField:
    return models.CharField(
        label, max_length=8, choices=AuditResult.choices, blank=True, help_text=help_text
    )


class AuditQuerySet(models.QuerySet["DataQualityAudit"]):
    def in_programme(self) -> AuditQuerySet:
        return self.exclude(status=DataQualityAudit.Status.CANCELLED)

    def open_failures(self) -> AuditQuerySet:
        """Failed audits whose actions are not all done or cancelled (or that have none)."""
        open_action = Q(actions__status__in=[Action.Status.NOT_STARTED, Action.Status.IN_PROGRESS])
        return (
            self.filter(status=DataQualityAudit.Status.DONE, result=AuditResult.FAIL)
            .annotate(
                open_actions=models.Count("actions", filter=open_action, distinct=True),
                all_actions=models.Count("actions", distinct=True),
            )
            .filter(Q(open_actions__gt=0) | Q(all_actions=0))
        )


class DataQualityAudit(models.Model):
    """One audit in the rolling programme: a measure, a month, and what the auditor found."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    class Origin(models.TextChoices):
        RULE = "rule", "Chosen by the rule"
        MANUAL = "manual", "Added by hand"

    PENDING = (Status.PROPOSED, Status.IN_PROGRESS)

    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="dq_audits")
    month = models.CharField(
        max_length=7, db_index=True, help_text="The programme's month, e.g. 2026-05."
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROPOSED)
    origin = models.CharField(max_length=8, choices=Origin.choices, default=Origin.RULE)
    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dq_audits",
    )
    sample_from = models.CharField(
        "first period sampled", max_length=12, blank=True, help_text="Period code, e.g. 2026-01."
    )
    sample_to = models.CharField(
        "last period sampled", max_length=12, blank=True, help_text="Period code, e.g. 2026-03."
    )
    accuracy = _dimension(*DIMENSIONS[0][1:])
    validity = _dimension(*DIMENSIONS[1][1:])
    reliability = _dimension(*DIMENSIONS[2][1:])
    timeliness = _dimension(*DIMENSIONS[3][1:])
    relevance = _dimension(*DIMENSIONS[4][1:])
    completeness = _dimension(*DIMENSIONS[5][1:])
    result = models.CharField(
        max_length=8,
        choices=AuditResult.choices,
        blank=True,
        db_index=True,
        help_text="Fail if any dimension fails; else concern if any is a concern; else pass.",
    )
    findings = models.TextField(blank=True)
    completed_on = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True, help_text="Why it was added, replaced or cancelled.")
    actions = models.ManyToManyField(Action, blank=True, related_name="dq_audits")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "measure__code"]
        verbose_name = "data-quality audit"
        constraints = [
            # A measure is in a month's programme at most once (cancelled ones aside).
            models.UniqueConstraint(
                fields=["measure", "month"],
                condition=~Q(status="cancelled"),
                name="one_audit_per_measure_month",
            ),
        ]

    def __str__(self) -> str:
        return f"Audit of {self.measure.code}, {self.month_label}"

    def get_absolute_url(self) -> str:
        return reverse("dq_audit", args=[self.pk])

    @property
    def month_period(self) -> Period:
        return periods.parse_period(self.month)

    @property
    def month_label(self) -> str:
        return self.month_period.label

    @property
    def dimensions(self) -> list[tuple[str, str]]:
        """(dimension label, result) in the framework's order."""
        return [(label, getattr(self, name)) for name, label, _ in DIMENSIONS]

    @property
    def sample_label(self) -> str:
        if not self.sample_from:
            return ""
        first = periods.parse_period(self.sample_from).label
        if not self.sample_to or self.sample_to == self.sample_from:
            return first
        return f"{first} to {periods.parse_period(self.sample_to).label}"

    def samples(self, period: Period) -> bool:
        """Whether a value of `period` lies within the sampled periods."""
        if not self.sample_from:
            return False
        first = periods.parse_period(self.sample_from)
        last = periods.parse_period(self.sample_to or self.sample_from)
        return first.start <= period.start and period.end <= last.end

    @property
    def open_action_count(self) -> int:
        """Open actions among its (prefetched) actions."""
        return sum(1 for a in self.actions.all() if a.is_open)

    @property
    def is_pending(self) -> bool:
        return self.status in self.PENDING

    @property
    def is_failed(self) -> bool:
        return self.status == self.Status.DONE and self.result == AuditResult.FAIL

    @property
    def done_month(self) -> Period:
        """The month the audit was done in (its programme month when no date was recorded)."""
        if self.completed_on is not None:
            return periods.period_containing(self.completed_on, periods.Frequency.MONTHLY)
        return self.month_period


class ControlResult(models.TextChoices):
    WORKING = "working", "Working"
    NOT_WORKING = "not_working", "Not working"


class ControlCheck(models.Model):
    """One line of an audit's checklist: a control of the measure's own procedure, whether the
    auditor tested it, whether it works, and the evidence. A control found not working raises an
    improvement action (kept in `actions`, and among the audit's actions) unless one it raised
    is still open."""

    audit = models.ForeignKey(
        DataQualityAudit, on_delete=models.CASCADE, related_name="control_checks"
    )
    position = models.PositiveSmallIntegerField(help_text="The control's place in the procedure.")
    control = models.TextField(help_text="The control as the procedure worded it when checked.")
    tested = models.BooleanField(default=False)
    result = models.CharField(max_length=12, choices=ControlResult.choices, blank=True)
    evidence = models.TextField(blank=True, help_text="What the auditor saw: records, samples.")
    actions = models.ManyToManyField(Action, blank=True, related_name="control_checks")

    class Meta:
        ordering = ["audit", "position"]
        verbose_name = "audit control check"
        constraints = [
            models.UniqueConstraint(fields=["audit", "position"], name="one_check_per_control"),
            # An untested control has no result; a tested one has one.
            models.CheckConstraint(
                condition=Q(tested=False, result="") | (Q(tested=True) & ~Q(result="")),
                name="control_result_only_when_tested",
            ),
        ]

    def __str__(self) -> str:
        return f"Control {self.position} of {self.audit}"

    @property
    def is_failing(self) -> bool:
        return self.result == ControlResult.NOT_WORKING

    @property
    def open_action(self) -> Action | None:
        """The open action it raised, if any (from prefetched actions)."""
        return next((a for a in self.actions.all() if a.is_open), None)

    @property
    def latest_action(self) -> Action | None:
        return max(self.actions.all(), key=lambda a: a.pk, default=None)
