"""The notices raised and the digests sent, for the performance team to look into (read only)."""

from __future__ import annotations

from django.contrib import admin

from targets.models import Digest, Notice
from targets.sso.admin import ReadOnlyAdmin


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = (
        "title",
        "kind",
        "recipient",
        "escalation",
        "raised_on",
        "resolved_on",
        "digest",
    )
    list_filter = ("kind", "escalation", "raised_on", "resolved_on")
    search_fields = ("title", "recipient__username", "object_key")
    list_select_related = ("recipient", "digest")
    date_hierarchy = "raised_on"


@admin.register(Digest)
class DigestAdmin(ReadOnlyAdmin, admin.ModelAdmin):  # type: ignore[misc]
    list_display = ("day", "recipient", "status", "attempts", "sent_at", "last_error")
    list_filter = ("status", "day")
    search_fields = ("recipient__username", "recipient__email")
    list_select_related = ("recipient",)
    date_hierarchy = "day"
