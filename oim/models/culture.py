"""Improvement culture: the ideas board and its spend-to-save budget, the register of key
processes, and external accreditations."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone

from targets import periods
from targets.models import Service, User

DEFAULT_SPEND_TO_SAVE = Decimal("50000.00")
NOT_NEGATIVE = MinValueValidator(Decimal(0), "Enter an amount of £0 or more.")
# An accreditation is flagged this many days before it expires.
EXPIRY_WARNING_DAYS = 90


def money(verbose_name: str, **options: object) -> models.DecimalField:
    return models.DecimalField(
        verbose_name,
        max_digits=12,
        decimal_places=2,
        validators=[NOT_NEGATIVE],
        **options,  # type: ignore[arg-type]
    )


class SpendToSaveBudget(models.Model):
    """The innovation and efficiency board's spend-to-save fund for one financial year."""

    year = models.PositiveSmallIntegerField(unique=True, help_text="e.g. 2026 for 2026/27.")
    amount = money("budget (£)", default=DEFAULT_SPEND_TO_SAVE)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="spend_to_save_not_negative")
        ]

    def __str__(self) -> str:
        return f"Spend to save {self.year_label}: £{self.amount:,.0f}"

    @property
    def year_label(self) -> str:
        return periods.fy_label(self.year)


class IdeaQuerySet(models.QuerySet["Idea"]):
    def committed_in(self, year: int) -> Decimal:
        """Spend-to-save funding awarded from `year`'s budget."""
        total = self.filter(funding_year=year).aggregate(total=Sum("amount_awarded"))["total"]
        return total or Decimal(0)


class Idea(models.Model):
    """An idea put to the innovation and efficiency board."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        UNDER_REVIEW = "under_review", "Under review"
        APPROVED = "approved", "Approved"
        IMPLEMENTED = "implemented", "Implemented"
        REJECTED = "rejected", "Rejected"

    title = models.CharField(max_length=200)
    description = models.TextField(help_text="The idea, what it would change and for whom.")
    submitter = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="ideas_submitted"
    )
    service = models.ForeignKey(
        Service,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ideas",
        help_text="The service it concerns, if one.",
    )
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.NEW)
    board_month = models.CharField(
        "board meeting",
        max_length=7,
        blank=True,
        help_text="The month of the board meeting that last considered it, e.g. 2026-05.",
    )
    board_note = models.TextField("board's note", blank=True)
    amount_requested = money("spend to save requested (£)", default=Decimal(0))
    amount_awarded = money("spend to save awarded (£)", default=Decimal(0))
    funding_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The financial year whose budget the award comes from."
    )
    estimated_saving = money("estimated saving a year (£)", null=True, blank=True)
    realised_saving = money("realised saving a year (£)", null=True, blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = IdeaQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_awarded__gte=0) & Q(amount_requested__gte=0),
                name="idea_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(amount_awarded=0) | Q(funding_year__isnull=False),
                name="idea_award_has_year",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def board_month_label(self) -> str:
        if not self.board_month:
            return ""
        return periods.parse_period(self.board_month).label

    @property
    def funding_year_label(self) -> str:
        return periods.fy_label(self.funding_year) if self.funding_year is not None else ""

    @property
    def can_be_funded(self) -> bool:
        return self.status in {self.Status.APPROVED, self.Status.IMPLEMENTED}


class KeyProcess(models.Model):
    """A key process of a service in the register: who owns it, whether it is documented, and
    when it was and will next be reviewed."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="key_processes")
    name = models.CharField(max_length=200)
    owner = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="key_processes"
    )
    documented = models.BooleanField(default=False)
    last_review = models.DateField(null=True, blank=True)
    next_review = models.DateField(null=True, blank=True)
    link = models.URLField(blank=True, help_text="Where the process map or procedure is kept.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["service__name", "name"]
        verbose_name_plural = "key processes"
        constraints = [
            models.UniqueConstraint(fields=["service", "name"], name="one_key_process_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.service})"

    def clean(self) -> None:
        if self.last_review and self.next_review and self.next_review < self.last_review:
            raise ValidationError({"next_review": "The next review cannot be before the last."})

    def is_overdue(self, today: date) -> bool:
        return self.next_review is not None and self.next_review < today


class Accreditation(models.Model):
    """An external accreditation held or sought, by a service or the whole council."""

    class Scheme(models.TextChoices):
        IIP = "iip", "Investors in People"
        ISO9000 = "iso9000", "ISO 9000 (ISO 9001 quality management)"
        LEXCEL = "lexcel", "Lexcel"
        CSE = "cse", "Customer Service Excellence"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        WORKING_TOWARDS = "working_towards", "Working towards"
        ACCREDITED = "accredited", "Accredited"
        LAPSED = "lapsed", "Lapsed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    service = models.ForeignKey(
        Service,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="accreditations",
        help_text="Blank: the whole council.",
    )
    scheme = models.CharField(max_length=10, choices=Scheme.choices)
    scheme_name = models.CharField(
        "other scheme's name", max_length=150, blank=True, help_text="When the scheme is Other."
    )
    status = models.CharField(max_length=16, choices=Status.choices)
    awarded_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    next_assessment = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["scheme", "service__name"]

    def __str__(self) -> str:
        return f"{self.scheme_label} – {self.service or 'the whole council'}"

    def clean(self) -> None:
        errors = {}
        if self.scheme == self.Scheme.OTHER and not self.scheme_name.strip():
            errors["scheme_name"] = "Name the scheme."
        if self.status == self.Status.ACCREDITED and self.awarded_on is None:
            errors["awarded_on"] = "Give the date it was awarded."
        if self.awarded_on and self.expires_on and self.expires_on <= self.awarded_on:
            errors["expires_on"] = "It must expire after it was awarded."
        if errors:
            raise ValidationError(errors)

    @property
    def scheme_label(self) -> str:
        if self.scheme == self.Scheme.OTHER and self.scheme_name:
            return self.scheme_name
        return self.get_scheme_display()

    def flags(self, today: date) -> list[str]:
        """What needs attention, in words: expired, expiring soon, assessment overdue."""
        found = []
        if self.status == self.Status.ACCREDITED and self.expires_on:
            if self.expires_on < today:
                found.append("Expired")
            elif self.expires_on <= today + timedelta(days=EXPIRY_WARNING_DAYS):
                found.append(f"Expires within {EXPIRY_WARNING_DAYS} days")
        if (
            self.next_assessment
            and self.next_assessment < today
            and self.status
            in {
                self.Status.ACCREDITED,
                self.Status.WORKING_TOWARDS,
            }
        ):
            found.append("Assessment overdue")
        return found
