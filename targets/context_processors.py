from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from targets import permissions
from targets.upload_views import upload_kinds


def goldthread(request: HttpRequest) -> dict[str, Any]:
    return {
        "council_name": settings.COUNCIL_NAME,
        "is_performance_team": permissions.is_performance_team(request.user),
        # Lazy: only pages that show the navigation ask, and only once.
        "can_upload": lambda: bool(upload_kinds(request.user)),
        "sees_data_quality": lambda: permissions.sees_data_quality(request.user),
        "sees_plans": lambda: permissions.sees_plans(request.user),
        "has_approval_queue": lambda: permissions.shows_approval_queue(request.user),
        "reads_plans": lambda: permissions.reads_signed_off_plans(request.user),
        "sees_internal": lambda: permissions.sees_internal_values(request.user),
    }
