"""Notifications: what each person is told about their deadlines, the daily digest that carries
it, and each person's choices.

A ``Notice`` is raised once per person, kind, object and occasion (the unique key), by the daily
engine in ``targets/notify/``; kinds come from every app's ``notices`` module. A ``Digest`` is one
e-mail to one person for one day: its state is stored before it is sent, so a retried task never
sends it twice and an SMTP failure leaves it pending for the next attempt.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from targets.models.organisation import User


class Digest(models.Model):
    """The one e-mail a person is sent on a day, listing their new notices."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        SUPERSEDED = "superseded", "Carried into a later digest"
        EMPTY = "empty", "Nothing left to say: not sent"

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="digests")
    day = models.DateField(help_text="The day the digest is for: at most one a person a day.")
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    claimed_until = models.DateTimeField(
        null=True, blank=True, help_text="A digest being sent past this time lost its sender."
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    carried_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried_from"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "recipient__username"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "day"], name="one_digest_per_person_day")
        ]

    def __str__(self) -> str:
        return f"Digest for {self.recipient} on {self.day:%d %b %Y}"


class NoticeQuerySet(models.QuerySet["Notice"]):
    def current(self) -> NoticeQuerySet:
        """Notices whose deadline or event still stands (not resolved)."""
        return self.filter(resolved_on__isnull=True)

    def for_user(self, user: User) -> NoticeQuerySet:
        return self.filter(recipient=user)

    def in_list_order(self) -> NoticeQuerySet:
        """Escalations first, then by due date (undated last), then by title."""
        return self.order_by("-escalation", models.F("due").asc(nulls_last=True), "title", "pk")


class Notice(models.Model):
    """One deadline or event, told to one person once: due soon, late, escalated, published…"""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=40, help_text="A kind of the notification registry.")
    object_key = models.CharField(
        max_length=100, help_text="What it is about, e.g. measure:12:2026-10 or action:7."
    )
    occasion = models.CharField(
        max_length=40, blank=True, help_text="Which time it is raised, e.g. the due date."
    )
    escalation = models.BooleanField(
        default=False, help_text="Told to the person's manager, not to the person who owns it."
    )
    title = models.CharField(max_length=300)
    detail = models.CharField(max_length=300, blank=True)
    url = models.CharField(max_length=300, help_text="Where to act on it (a path on the site).")
    due = models.DateField(null=True, blank=True)
    raised_on = models.DateField(db_index=True)
    resolved_on = models.DateField(
        null=True, blank=True, help_text="When it stopped standing: done, submitted, withdrawn."
    )
    muted = models.BooleanField(
        default=False, help_text="The person had this kind switched off: never e-mailed."
    )
    digest = models.ForeignKey(
        Digest, null=True, blank=True, on_delete=models.SET_NULL, related_name="notices"
    )

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "object_key", "occasion"], name="one_notice_per_key"
            )
        ]
        indexes = [
            models.Index(
                fields=["recipient"], condition=Q(resolved_on__isnull=True), name="notice_open"
            ),
            models.Index(fields=["kind", "object_key"], name="notice_kind_object"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.kind}) for {self.recipient}"

    def get_absolute_url(self) -> str:
        return self.url


class NotificationPreference(models.Model):
    """A person's choice for one kind: in the daily digest (the default), or not e-mailed."""

    class Delivery(models.TextChoices):
        DIGEST = "digest", "In the daily digest"
        OFF = "off", "Not e-mailed"

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=40)
    delivery = models.CharField(max_length=8, choices=Delivery.choices, default=Delivery.DIGEST)

    class Meta:
        ordering = ["user__username", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} {self.get_delivery_display().lower()}"
