"""The list of a person's notices on "My work": `{% load notify %}{% my_notices %}`."""

from __future__ import annotations

from typing import Any

from django import template

from targets.models import User
from targets.notify import kinds as registry
from targets.notify.engine import notices_for

register = template.Library()


@register.inclusion_tag("targets/notify/_notices.html", takes_context=True)
def my_notices(context: template.Context) -> dict[str, Any]:
    user = context["request"].user
    notices = notices_for(user) if isinstance(user, User) else []
    labels = {kind.code: kind.label for kind in registry.all_kinds()}
    return {"notices": [(notice, labels.get(notice.kind, notice.kind)) for notice in notices]}
