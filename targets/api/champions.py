"""/api/v1/champions/: every service's champions, for council staff (others get none)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from targets import champions, permissions
from targets.models import Service, User


class ChampionSerializer(serializers.ModelSerializer[User]):
    name = serializers.CharField(source="get_full_name", read_only=True)

    class Meta:
        model = User
        fields = ["username", "name", "job_title", "email"]


class ChampionsRowSerializer(serializers.Serializer[Any]):
    service = serializers.CharField(source="service.code")
    service_name = serializers.CharField(source="service.name")
    head = serializers.CharField(source="service.head.username", allow_null=True, default=None)
    dq_champion = ChampionSerializer(allow_null=True, source="champions.dq_champion")
    innovation_champion = ChampionSerializer(
        allow_null=True, source="champions.innovation_champion"
    )
    unison_champion = ChampionSerializer(allow_null=True, source="champions.unison_champion")
    missing = serializers.ListField(child=serializers.CharField())


class ChampionViewSet(viewsets.GenericViewSet[Service]):
    """Each active service's data-quality, innovation and Unison champions (null: none named);
    `missing=<role>` lists the services without one."""

    queryset = Service.objects.none()
    serializer_class = ChampionsRowSerializer
    filterset_class = champions.ChampionFilter

    def get_queryset(self) -> QuerySet[Service]:
        if not permissions.sees_champions(self.request.user):
            return Service.objects.none()
        return champions.services_queryset()

    @extend_schema(responses={200: ChampionsRowSerializer(many=True)})
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(services)
        rows = champions.network(page if page is not None else services)
        data = ChampionsRowSerializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)
