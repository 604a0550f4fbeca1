"""The admin site: the performance team administers the register without being superusers."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest


class GoldthreadAdminSite(admin.AdminSite):
    site_header = "Goldthread administration"
    site_title = "Goldthread"
    index_title = "Performance register"

    def has_permission(self, request: HttpRequest) -> bool:
        from targets.permissions import is_performance_team

        user = request.user
        return user.is_active and (user.is_staff or is_performance_team(user))


class GoldthreadAdminConfig(AdminConfig):
    default_site = "config.admin.GoldthreadAdminSite"
