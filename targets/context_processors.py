from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from targets import permissions


def goldthread(request: HttpRequest) -> dict[str, Any]:
    return {
        "council_name": settings.COUNCIL_NAME,
        "is_performance_team": permissions.is_performance_team(request.user),
    }
