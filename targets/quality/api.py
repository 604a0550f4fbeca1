"""API of data quality: procedures and audits, for council staff (others see none); progress on
an audit's actions, for those who may report it (as on the audit's page)."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from targets import permissions
from targets.models import (
    Action,
    ChangeRecord,
    ControlCheck,
    ControlResult,
    DataQualityAudit,
    DataQualityProcedure,
    Measure,
    User,
)
from targets.plans.actions import PlanError
from targets.quality import services
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


class ControlCheckSerializer(serializers.ModelSerializer[ControlCheck]):
    actions: serializers.PrimaryKeyRelatedField[Action] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="The actions it raised (a control not working)."
    )

    class Meta:
        model = ControlCheck
        fields = ["position", "control", "tested", "result", "evidence", "actions"]


class ControlCheckInputSerializer(serializers.Serializer[Any]):
    position = serializers.IntegerField(min_value=1, help_text="The control's place, from 1.")
    tested = serializers.BooleanField()
    result = serializers.ChoiceField(
        choices=ControlResult.choices,
        allow_blank=True,
        default="",
        help_text="working or not_working for a tested control; blank for one not tested.",
    )
    evidence = serializers.CharField(allow_blank=True, default="")
    action_due = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="For a control not working that has no action yet: when the action is due.",
    )


class ChecklistInputSerializer(serializers.Serializer[Any]):
    checks = ControlCheckInputSerializer(many=True)


class ActionProgressSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=Action.Status.choices)
    progress = serializers.CharField(required=False, allow_blank=True, default="")
    completed_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Only for a done action (default: today); a cancelled action has none.",
    )


class AuditSerializer(serializers.ModelSerializer[DataQualityAudit]):
    measure: serializers.SlugRelatedField[Measure] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    service = serializers.CharField(source="measure.service.code", read_only=True)
    auditor: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    actions = AuditActionSerializer(many=True, read_only=True)
    control_checks = ControlCheckSerializer(many=True, read_only=True)

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
            "control_checks",
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
            .prefetch_related(actions, "control_checks__actions")
            .order_by("-month", "measure__code")
        )

    @extend_schema(
        request=ChecklistInputSerializer, responses={200: ControlCheckSerializer(many=True)}
    )
    @action(detail=True, methods=["post"], url_path="controls")
    def controls(
        self, request: Request, pk: str | None = None, format: str | None = None
    ) -> Response:
        """Record the audit's checklist against the measure's own procedure: one line for each
        of its controls (the performance team). A control not working raises an action."""
        audit_row = self.get_object()
        body = ChecklistInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        checks = [
            services.ControlInput(
                position=c["position"],
                tested=c["tested"],
                result=c["result"],
                evidence=c["evidence"],
                action_due=c["action_due"],
            )
            for c in body.validated_data["checks"]
        ]
        try:
            saved = services.audit_controls_save(
                audit_row=audit_row,
                checks=checks,
                user=cast(User, request.user),
                source=ChangeRecord.Source.API,
            )
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except services.ChecklistError as exc:
            raise exceptions.ValidationError(
                {"checks": [f"Control {n}: {why}" for n, why in sorted(exc.problems.items())]}
            ) from exc
        except services.AuditStateError as exc:
            raise exceptions.ValidationError({"checks": [str(exc)]}) from exc
        except PlanError as exc:
            raise exceptions.ValidationError({"checks": [str(exc)]}) from exc
        return Response(ControlCheckSerializer(saved, many=True).data)

    @extend_schema(request=ActionProgressSerializer, responses={200: AuditActionSerializer})
    @action(detail=True, methods=["post"], url_path=r"actions/(?P<action_pk>[0-9]+)")
    def action_progress(
        self,
        request: Request,
        pk: str | None = None,
        action_pk: str | None = None,
        format: str | None = None,
    ) -> Response:
        """Report progress on one of the audit's actions: its owner, the service's head and
        data-quality champion, and the performance team. Done or cancelled closes it."""
        audit_row = self.get_object()
        found = get_object_or_404(audit_row.actions.all(), pk=action_pk)
        body = ActionProgressSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            saved = services.action_update(
                action=found,
                status=body.validated_data["status"],
                progress=body.validated_data["progress"],
                completed_on=body.validated_data["completed_on"],
                user=cast(User, request.user),
                audit_row=audit_row,
                source=ChangeRecord.Source.API,
            )
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except PlanError as exc:
            raise exceptions.ValidationError({exc.field or "status": [str(exc)]}) from exc
        except services.AuditStateError as exc:
            raise exceptions.ValidationError({"status": [str(exc)]}) from exc
        return Response(AuditActionSerializer(saved).data)
