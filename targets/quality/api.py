"""Read API of data quality: procedures and audits, for council staff (others see none)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from rest_framework import serializers, viewsets

from targets import permissions
from targets.models import Action, DataQualityAudit, DataQualityProcedure, Measure, User
from targets.quality.filters import AuditFilter, ProcedureFilter


class ProcedureSerializer(serializers.ModelSerializer[DataQualityProcedure]):
    measure: serializers.SlugRelatedField[Measure] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    service = serializers.CharField(source="measure.service.code", read_only=True)
    owner = serializers.CharField(
        source="measure.updater.username", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = DataQualityProcedure
        fields = [
            "id",
            "measure",
            "service",
            "owner",
            "collection",
            "calculation",
            "source_system",
            "controls",
            "last_reviewed",
            "next_review_due",
            "updated_at",
        ]


class AuditActionSerializer(serializers.ModelSerializer[Action]):
    owner: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Action
        fields = ["id", "title", "owner", "due", "status", "completed_on"]


class AuditSerializer(serializers.ModelSerializer[DataQualityAudit]):
    measure: serializers.SlugRelatedField[Measure] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    service = serializers.CharField(source="measure.service.code", read_only=True)
    auditor: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    actions = AuditActionSerializer(many=True, read_only=True)

    class Meta:
        model = DataQualityAudit
        fields = [
            "id",
            "measure",
            "service",
            "month",
            "status",
            "origin",
            "auditor",
            "sample_from",
            "sample_to",
            "accuracy",
            "validity",
            "reliability",
            "timeliness",
            "relevance",
            "completeness",
            "result",
            "findings",
            "completed_on",
            "note",
            "actions",
        ]


class ProcedureViewSet(viewsets.ReadOnlyModelViewSet[DataQualityProcedure]):
    """Data-quality procedures, one per measure; `overdue_on=DATE` lists those overdue then."""

    queryset = DataQualityProcedure.objects.all()
    serializer_class = ProcedureSerializer
    filterset_class = ProcedureFilter

    def get_queryset(self) -> QuerySet[DataQualityProcedure]:
        if not permissions.sees_data_quality(self.request.user):
            return DataQualityProcedure.objects.none()
        return DataQualityProcedure.objects.select_related(
            "measure", "measure__service", "measure__updater"
        ).order_by("measure__code")


class AuditViewSet(viewsets.ReadOnlyModelViewSet[DataQualityAudit]):
    """The audit programme: each audit's month, status, six dimension results and actions."""

    queryset = DataQualityAudit.objects.all()
    serializer_class = AuditSerializer
    filterset_class = AuditFilter

    def get_queryset(self) -> QuerySet[DataQualityAudit]:
        if not permissions.sees_data_quality(self.request.user):
            return DataQualityAudit.objects.none()
        actions: Any = Prefetch("actions", queryset=Action.objects.select_related("owner"))
        return (
            DataQualityAudit.objects.select_related("measure", "measure__service", "auditor")
            .prefetch_related(actions)
            .order_by("-month", "measure__code")
        )
