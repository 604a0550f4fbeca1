"""The organisation: people, services and their roles, and the corporate plan's priorities."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q


class CorporateRole(models.TextChoices):
    PERFORMANCE = "performance", "Performance team"
    CMT = "cmt", "Corporate management team"
    CEB = "ceb", "Executive board"
    SCRUTINY = "scrutiny", "Scrutiny panel"
    MEMBER = "member", "Elected member (councillor)"


class User(AbstractUser):
    job_title = models.CharField(max_length=150, blank=True)
    corporate_role = models.CharField(
        max_length=20,
        choices=CorporateRole.choices,
        blank=True,
        help_text="Council-wide role, on top of any roles in services.",
    )

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Service(models.Model):
    code = models.SlugField(max_length=40, unique=True, help_text="Short code, e.g. waste.")
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    head = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="services_headed",
        help_text="Head of service: approves the service's values and owns its plan.",
    )
    is_support = models.BooleanField(
        "support service",
        default=False,
        help_text="Support services run an internal satisfaction survey every year.",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ServiceRole(models.Model):
    class Role(models.TextChoices):
        UPDATER = "updater", "Officer (updater)"
        APPROVER = "approver", "Approver"
        DQ_CHAMPION = "dq_champion", "Data quality champion"
        INNOVATION_CHAMPION = "innovation_champion", "Innovation champion"
        UNISON_CHAMPION = "unison_champion", "Unison champion"

    # The framework's champions: one of each kind per service.
    CHAMPIONS = (Role.DQ_CHAMPION, Role.INNOVATION_CHAMPION, Role.UNISON_CHAMPION)

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="service_roles")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        ordering = ["service__name", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "service", "role"], name="unique_service_role"),
            # The framework names one data quality champion per service.
            models.UniqueConstraint(
                fields=["service"], condition=Q(role="dq_champion"), name="one_champion_per_service"
            ),
            models.UniqueConstraint(
                fields=["service"],
                condition=Q(role="innovation_champion"),
                name="one_innovation_champion_per_service",
            ),
            models.UniqueConstraint(
                fields=["service"],
                condition=Q(role="unison_champion"),
                name="one_unison_champion_per_service",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.service}"


class Priority(models.Model):
    number = models.PositiveSmallIntegerField(unique=True)
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name_plural = "priorities"

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"
