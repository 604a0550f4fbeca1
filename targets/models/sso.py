"""Single sign-on: who signed in through the council's identity provider, and how the
council's groups map to Goldthread's roles.

The roles a mapping row can grant are read from the choices at run time (`CorporateRole`,
`ServiceRole.Role` and head of service), so a new role needs no change here.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from targets.models.organisation import CorporateRole, Service, ServiceRole, User

HEAD = "head"


def service_role_choices() -> list[tuple[str, str]]:
    return [*ServiceRole.Role.choices, (HEAD, "Head of service")]


class GroupRoleMapping(models.Model):
    """One group of the identity provider and one role it gives its members."""

    group = models.CharField(
        max_length=200,
        help_text="The group as the provider sends it in the groups claim: an Entra ID group's "
        "object ID, a Keycloak group path (/Performance team), a Google domain… Compared "
        "without regard to case.",
    )
    label = models.CharField(
        max_length=200,
        blank=True,
        help_text="The group's name, for people reading this list (Entra ID sends IDs).",
    )
    corporate_role = models.CharField(
        max_length=20, blank=True, help_text="A council-wide role; or choose a service role."
    )
    service = models.ForeignKey(
        Service,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="group_mappings",
    )
    service_role = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["label", "group"]
        verbose_name = "group to role mapping"
        constraints = [
            models.CheckConstraint(
                condition=(~Q(corporate_role="") & Q(service__isnull=True) & Q(service_role=""))
                | (Q(corporate_role="") & Q(service__isnull=False) & ~Q(service_role="")),
                name="mapping_grants_one_kind_of_role",
            ),
            models.UniqueConstraint(
                fields=["group", "corporate_role"],
                condition=Q(service__isnull=True),
                name="one_corporate_mapping_per_group_role",
            ),
            models.UniqueConstraint(
                fields=["group", "service", "service_role"],
                condition=Q(service__isnull=False),
                name="one_service_mapping_per_group_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label or self.group} → {self.role_text}"

    @property
    def role_text(self) -> str:
        if self.corporate_role:
            return dict(CorporateRole.choices).get(self.corporate_role, self.corporate_role)
        role = dict(service_role_choices()).get(self.service_role, self.service_role)
        return f"{role}, {self.service}" if self.service_id else role

    def clean(self) -> None:
        errors: dict[str, str] = {}
        self.group = self.group.strip()
        if self.corporate_role and self.corporate_role not in CorporateRole.values:
            errors["corporate_role"] = f"{self.corporate_role!r} is not a corporate role."
        if self.service_role and self.service_role not in dict(service_role_choices()):
            errors["service_role"] = f"{self.service_role!r} is not a service role."
        if self.corporate_role and (self.service_id or self.service_role):
            errors["corporate_role"] = (
                "Choose either a corporate role or a service and its role, not both."
            )
        elif not self.corporate_role and not (self.service_id and self.service_role):
            if self.service_id or self.service_role:
                field = "service_role" if self.service_id else "service"
                errors[field] = "A service role needs both the service and the role."
            else:
                errors["corporate_role"] = (
                    "Choose the role the group gives: a corporate role, or a service and its role."
                )
        if errors:
            raise ValidationError(errors)


class SsoIdentity(models.Model):
    """The provider's account behind a Goldthread user: issuer and subject, never an e-mail."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="sso_identity")
    issuer = models.CharField(max_length=200)
    subject = models.CharField(max_length=255)
    groups = models.JSONField(
        default=list, blank=True, help_text="The groups the provider sent at the last sign-in."
    )
    first_sign_in = models.DateTimeField(auto_now_add=True)
    last_sign_in = models.DateTimeField()

    class Meta:
        ordering = ["user__username"]
        verbose_name = "single sign-on identity"
        verbose_name_plural = "single sign-on identities"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="one_user_per_identity")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.subject})"
