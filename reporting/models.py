"""Report schedules and their runs: the scheduled PDF packs of the CorVu reporting cycle."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from targets import periods, permissions
from targets.models import CorporateRole, Measure, MeasureQuerySet, Priority, Service, User
from targets.periods import Period

if TYPE_CHECKING:
    from targets.permissions import AnyUser


class Audience(models.TextChoices):
    CMT = "cmt", "Corporate management team"
    CEB = "ceb", "Executive board"
    SCRUTINY = "scrutiny", "Performance and improvement scrutiny panel"
    ALL_MEMBERS = "all_members", "All members"


class ReportFrequency(models.TextChoices):
    # The values are those of targets.periods.Frequency, so a field converts with Frequency(x).
    MONTHLY = "monthly", "Monthly"
    BIMONTHLY = "bimonthly", "Bi-monthly"
    QUARTERLY = "quarterly", "Quarterly"


class Scope(models.TextChoices):
    CORPORATE = "corporate", "All corporate measures"
    SCRUTINY = "scrutiny", "Measures reported to scrutiny"
    SERVICE = "service", "One service's measures"
    PRIORITY = "priority", "One priority's measures"


class ReportScheduleQuerySet(models.QuerySet["ReportSchedule"]):
    def visible_to(self, user: AnyUser) -> ReportScheduleQuerySet:
        """Schedules whose packs the user may download."""
        if permissions.is_performance_team(user):
            return self.all()
        allowed = Q(is_public=True)
        if user.is_authenticated:
            role = getattr(user, "corporate_role", "")
            groups: dict[str, Q] = {
                CorporateRole.CMT: Q(cmt_may_download=True),
                CorporateRole.CEB: Q(ceb_may_download=True),
                CorporateRole.SCRUTINY: Q(scrutiny_may_download=True),
            }
            if role in groups:
                allowed |= groups[role]
            # "All members": every signed-in council user with a role, corporate or in a service.
            if role or permissions.service_roles(user):
                allowed |= Q(all_members_may_download=True)
        return self.filter(allowed)


class ReportSchedule(models.Model):
    """A report pack the scheduler produces for a period of its frequency."""

    code = models.SlugField(max_length=40, unique=True, help_text="e.g. scrutiny-quarterly")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    audience = models.CharField(
        max_length=20, choices=Audience.choices, help_text="Who the pack is reported to."
    )
    frequency = models.CharField(max_length=12, choices=ReportFrequency.choices)
    scope = models.CharField(
        "measures", max_length=12, choices=Scope.choices, default=Scope.CORPORATE
    )
    service = models.ForeignKey(
        Service,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="report_schedules",
        help_text="For one service's measures.",
    )
    priority = models.ForeignKey(
        Priority,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="report_schedules",
        help_text="For one priority's measures.",
    )
    days_after_period_end = models.PositiveSmallIntegerField(
        default=14,
        help_text="The scheduler makes the pack this many days after its period ends, once "
        "values are due and approved.",
    )
    cmt_may_download = models.BooleanField("corporate management team", default=False)
    ceb_may_download = models.BooleanField("executive board", default=False)
    scrutiny_may_download = models.BooleanField("scrutiny panel", default=False)
    all_members_may_download = models.BooleanField(
        "all members", default=False, help_text="Every signed-in user with a role."
    )
    is_public = models.BooleanField(
        "public", default=False, help_text="Anyone, signed in or not; linked from /public/."
    )
    is_active = models.BooleanField(
        default=True, help_text="Inactive schedules are not run by the scheduler."
    )

    objects = ReportScheduleQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.scope == Scope.SERVICE and self.service_id is None:
            raise ValidationError({"service": "Choose the service whose measures the pack shows."})
        if self.scope == Scope.PRIORITY and self.priority_id is None:
            raise ValidationError({"priority": "Choose the priority whose measures it shows."})
        if self.scope != Scope.SERVICE and self.service_id is not None:
            raise ValidationError({"service": "Only a pack of one service's measures has one."})
        if self.scope != Scope.PRIORITY and self.priority_id is not None:
            raise ValidationError({"priority": "Only a pack of one priority's measures has one."})

    @property
    def period_frequency(self) -> periods.Frequency:
        return periods.Frequency(self.frequency)

    @property
    def uses_internal_values(self) -> bool:
        """Packs only management may download show values once submitted (marked "not yet
        approved"); any pack scrutiny, all members or the public may download, published only."""
        return not (self.scrutiny_may_download or self.all_members_may_download or self.is_public)

    @property
    def downloaders(self) -> list[str]:
        """Who may download the pack, in words, besides the performance team."""
        flags = [
            (self.cmt_may_download, "Corporate management team"),
            (self.ceb_may_download, "Executive board"),
            (self.scrutiny_may_download, "Scrutiny panel"),
            (self.all_members_may_download, "All members"),
            (self.is_public, "The public"),
        ]
        return [label for flag, label in flags if flag]

    def measures(self) -> MeasureQuerySet:
        """The measures the pack reports (before the filter on active years)."""
        found = Measure.objects.all()
        if self.scope == Scope.CORPORATE:
            return found.corporate()
        if self.scope == Scope.SCRUTINY:
            return found.filter(is_scrutiny=True)
        if self.scope == Scope.SERVICE:
            return found.filter(Q(service_id=self.service_id))
        return found.filter(Q(priority_id=self.priority_id))

    def due_period(self, today: date) -> Period:
        """The period the scheduler makes a pack for on `today`: the last complete period of
        the schedule's frequency that ended at least `days_after_period_end` days ago."""
        return periods.latest_complete_period(
            today - timedelta(days=self.days_after_period_end), self.period_frequency
        )

    def recent_periods(self, today: date, count: int = 8) -> list[Period]:
        """The last `count` complete periods, newest first (the choices of "generate now")."""
        latest = periods.latest_complete_period(today, self.period_frequency)
        return list(reversed(periods.last_n(latest, count)))

    def check_period(self, code: str, today: date) -> Period:
        """The period for a code, if it is a complete period of this schedule's frequency."""
        period = periods.parse_period(code)
        if period.frequency != self.period_frequency:
            raise periods.PeriodError(
                f"{self.name} is {self.get_frequency_display().lower()}: {period.code} is not a "
                f"{self.get_frequency_display().lower()} period."
            )
        if period.end >= today:
            raise periods.PeriodError(f"{period.label} has not ended yet.")
        return period


class RunStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class PackStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    FINAL = "final", "Final"


class ReportRunQuerySet(models.QuerySet["ReportRun"]):
    def visible_to(self, user: AnyUser) -> ReportRunQuerySet:
        """Runs the user may see and download: of schedules they may download, and, for those
        who see published values only, runs made of published values only."""
        runs = self.filter(schedule__in=ReportSchedule.objects.visible_to(user))
        if not permissions.sees_internal_values(user):
            runs = runs.filter(internal=False)
        return runs

    def public(self) -> ReportRunQuerySet:
        """Finished runs of public schedules, for the public pages."""
        return self.filter(schedule__is_public=True, internal=False, status=RunStatus.DONE)

    def outstanding(self) -> ReportRunQuerySet:
        return self.filter(status__in=[RunStatus.REQUESTED, RunStatus.RUNNING])


class ReportRun(models.Model):
    """One version of a schedule's pack for one period: its PDF and a snapshot of its figures."""

    schedule = models.ForeignKey(ReportSchedule, on_delete=models.PROTECT, related_name="runs")
    period = models.CharField(max_length=12, help_text="Period code, e.g. 2026/27-Q2.")
    version = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(
        max_length=10, choices=RunStatus.choices, default=RunStatus.REQUESTED, db_index=True
    )
    internal = models.BooleanField(
        default=False, help_text="Shows values not yet published (management packs)."
    )
    requested_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(
        null=True, blank=True, help_text="A running run past this time lost its worker."
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    pdf = models.FileField(max_length=255, blank=True)
    pdf_bytes = models.PositiveIntegerField(null=True, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    pack_status = models.CharField(max_length=10, choices=PackStatus.choices, blank=True)
    summary_text = models.CharField(
        max_length=100, blank=True, help_text='e.g. "38 of 46 (83%) on target"'
    )
    snapshot = models.JSONField(null=True, blank=True, help_text="The figures the pack printed.")

    objects = ReportRunQuerySet.as_manager()

    class Meta:
        ordering = ["schedule__name", "-period", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "period", "version"], name="one_run_per_schedule_period"
            )
        ]

    def __str__(self) -> str:
        suffix = f" (version {self.version})" if self.version > 1 else ""
        return f"{self.schedule} – {self.period_obj.label}{suffix}"

    def get_absolute_url(self) -> str:
        return reverse("report_run", args=[self.pk])

    def clean(self) -> None:
        try:
            period = periods.parse_period(self.period)
        except periods.PeriodError as exc:
            raise ValidationError({"period": str(exc)}) from exc
        if self.schedule_id is not None and period.frequency != self.schedule.frequency:
            raise ValidationError({"period": f"{self.schedule} is {self.schedule.frequency}."})

    @property
    def period_obj(self) -> Period:
        return periods.parse_period(self.period)

    @property
    def is_done(self) -> bool:
        return self.status == RunStatus.DONE

    @property
    def seconds(self) -> float | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return round((self.finished_at - self.started_at).total_seconds(), 1)

    def file_stem(self) -> str:
        """e.g. scrutiny-quarterly-2026-27-Q2-v1: the name of the pack's files."""
        return f"{self.schedule.code}-{self.period.replace('/', '-')}-v{self.version}"

    def pdf_name(self) -> str:
        return f"reports/{self.schedule.code}/{self.file_stem()}.pdf"

    def pptx_name(self) -> str:
        """The board slides, stored beside the PDF."""
        return f"reports/{self.schedule.code}/{self.file_stem()}.pptx"
