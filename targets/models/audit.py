"""The audit trail: who changed what, when, from what to what, and why."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from targets.models.measures import Measure
from targets.models.organisation import User


class ChangeRecord(models.Model):
    """One change to a value, target or measure, by any route (form, admin, API, import)."""

    class Action(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Changed"
        DELETE = "delete", "Deleted"
        SUBMIT = "submit", "Submitted"
        APPROVE = "approve", "Approved"
        RETURN = "return", "Returned"
        PUBLISH = "publish", "Published"
        RESTATE = "restate", "Restated"

    class Source(models.TextChoices):
        FORM = "form", "Form"
        ADMIN = "admin", "Administration"
        API = "api", "API"
        IMPORT = "import", "Import"
        SYSTEM = "system", "System"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    source = models.CharField(max_length=10, choices=Source.choices)
    object_type = models.CharField(max_length=20, help_text="value, target, profile or measure")
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    # The code is kept as text so the history outlives a deleted measure.
    measure = models.ForeignKey(
        Measure, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes"
    )
    measure_code = models.CharField(max_length=20, db_index=True)
    period = models.CharField(max_length=12, blank=True, help_text="Period code or year label.")
    changes = models.JSONField(default=dict, blank=True, help_text='{"field": [old, new]}')
    reason = models.TextField(blank=True)
    batch = models.CharField(max_length=40, blank=True, help_text="The import that made it.")

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["measure_code", "-at"], name="change_measure_at")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_type} {self.measure_code} {self.period}"
