"""Who the notices go to, looked up once per run: the performance team, heads of service, each
service's officers and data-quality champion. Every app's `notices` module uses these."""

from __future__ import annotations

from collections import defaultdict

from targets.models import CorporateRole, Service, ServiceRole, User


def performance_team() -> list[int]:
    """Active members of the performance team: the managers of council-wide duties."""
    team = User.objects.filter(is_active=True, corporate_role=CorporateRole.PERFORMANCE)
    return list(team.order_by("username").values_list("pk", flat=True))


def heads() -> dict[int, int]:
    """{service id: its head's id} for services with a head."""
    rows = Service.objects.filter(head__isnull=False).values_list("pk", "head_id")
    return {service: head for service, head in rows if head is not None}


def holders(role: str) -> dict[int, list[int]]:
    """{service id: ids of the people with this service role}, ordered by username."""
    found: dict[int, list[int]] = defaultdict(list)
    rows = ServiceRole.objects.filter(role=role).order_by("user__username")
    for service, user in rows.values_list("service_id", "user_id"):
        found[service].append(user)
    return found


def names(ids: set[int]) -> dict[int, str]:
    """{user id: the name people know them by}."""
    return {user.pk: str(user) for user in User.objects.filter(pk__in=ids)}
