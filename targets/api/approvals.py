"""/api/v1/approvals/: the approval queue with its facts, and approving a selection at once."""

from __future__ import annotations

from typing import Any, cast

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from targets import approvals, permissions, services
from targets.api.serializers import ValueSerializer
from targets.approvals import QueueRow
from targets.filters import APPROVAL_RAG_CHOICES, ApprovalFilter
from targets.models import ChangeRecord, User, Value


class FigureSerializer(serializers.Serializer[Any]):
    period = serializers.CharField(help_text="Period code, e.g. 2026-09.")
    actual = serializers.DecimalField(
        max_digits=20, decimal_places=6, allow_null=True, help_text="None: no value seen."
    )


class QueueRowSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text="The value's id.")
    version = serializers.IntegerField(help_text="Send it back to approve (409 if stale).")
    measure = serializers.CharField()
    title = serializers.CharField()
    service = serializers.CharField(help_text="Service code.")
    period = serializers.CharField()
    actual = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True)
    actual_text = serializers.CharField(help_text="At the measure's decimals, in its unit.")
    target = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True)
    target_lower = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True)
    target_upper = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True)
    rag = serializers.ChoiceField(choices=["green", "amber", "red", "grey"])
    dot_short = serializers.CharField(allow_null=True, help_text="Against the previous period.")
    dot_long = serializers.CharField(allow_null=True, help_text="Against a year earlier.")
    earlier = FigureSerializer(many=True, help_text="The three periods before, oldest first.")
    last_year = FigureSerializer(help_text="The same period a year before.")
    commentary = serializers.CharField(allow_blank=True)
    corrective_action = serializers.CharField(allow_blank=True)
    dq_flag = serializers.CharField()
    has_evidence = serializers.BooleanField()
    submitted_by = serializers.CharField(allow_null=True, help_text="Username.")
    submitted_at = serializers.DateTimeField(allow_null=True)
    questions = serializers.ListField(
        child=serializers.CharField(),
        help_text="Why the figure was questioned before it was submitted (its commentary "
        "explains it); empty when it was not.",
    )


class QueueSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField()
    results = QueueRowSerializer(many=True)


def _part(spec: Any, name: str) -> Any:
    return getattr(spec, name) if spec is not None else None


def queue_row(row: QueueRow) -> dict[str, Any]:
    value, measure, status_ = row.value, row.value.measure, row.status
    who = value.submitted_by or value.entered_by
    return {
        "id": value.pk,
        "version": value.version,
        "measure": measure.code,
        "title": measure.title,
        "service": measure.service.code,
        "period": status_.period.code,
        "actual": value.actual,
        "actual_text": measure.format(value.actual),
        "target": _part(status_.target, "value"),
        "target_lower": _part(status_.target, "lower"),
        "target_upper": _part(status_.target, "upper"),
        "rag": row.rag.rag.value,
        "dot_short": status_.dot_short.value if status_.dot_short else None,
        "dot_long": status_.dot_long.value if status_.dot_long else None,
        "earlier": [{"period": p.code, "actual": a} for p, a in row.earlier],
        "last_year": {"period": row.last_year[0].code, "actual": row.last_year[1]},
        "commentary": value.commentary,
        "corrective_action": value.corrective_action,
        "dq_flag": value.dq_flag,
        "has_evidence": bool(value.evidence),
        "submitted_by": who.username if who else None,
        "submitted_at": value.submitted_at,
        "questions": [q.reason for q in row.questions],
    }


def _approver(request: Request) -> User:
    user = cast(User, request.user)
    if not permissions.approves_values(user):
        raise exceptions.PermissionDenied(
            "The approval queue is for heads of service, approvers and the performance team."
        )
    return user


class ApprovalQueueView(APIView):
    """The submitted values you may approve (never your own), each with the facts the page
    shows: target, RAG, direction of travel, the three periods before and the same period last
    year (as staff see them), commentary, corrective action, data-quality flag and evidence."""

    @extend_schema(
        parameters=[
            OpenApiParameter("service", str, description="Service code, e.g. waste."),
            OpenApiParameter("period", str, description="Period code, e.g. 2026-10."),
            OpenApiParameter("rag", str, enum=[k for k, _ in APPROVAL_RAG_CHOICES]),
        ],
        responses=QueueSerializer,
    )
    def get(self, request: Request) -> Response:
        user = _approver(request)
        filters = ApprovalFilter(request.query_params, queryset=Value.objects.none())
        if not filters.is_valid():
            raise exceptions.ValidationError(filters.errors)
        rows = approvals.queue(user, today=timezone.localdate(), filters=filters.form.cleaned_data)
        body = {"count": len(rows), "results": [queue_row(r) for r in rows]}
        return Response(QueueSerializer(body).data)


class SelectedSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    version = serializers.IntegerField(
        min_value=0, max_value=2**31 - 1, help_text="The version you read."
    )


class ApproveSelectedSerializer(serializers.Serializer[Any]):
    values = serializers.ListField(child=SelectedSerializer(), allow_empty=False, max_length=500)


class ApprovedSerializer(serializers.Serializer[Any]):
    approved = ValueSerializer(many=True)


class ApproveSelectedView(APIView):
    """Approve a selection of values at once, all or nothing: if any is refused (not yours to
    approve, your own entry, no longer submitted, changed since you read it) none is approved,
    and the 400 names each refused value and why."""

    @extend_schema(
        request=ApproveSelectedSerializer,
        responses={
            200: ApprovedSerializer,
            400: OpenApiResponse(description="Some values were refused: none was approved."),
        },
    )
    def post(self, request: Request) -> Response:
        user = _approver(request)
        serializer = ApproveSelectedSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        selected = [(v["id"], v["version"]) for v in serializer.validated_data["values"]]
        try:
            done = services.values_approve(
                selected=selected, user=user, source=ChangeRecord.Source.API
            )
        except services.ValuesRefused as exc:
            raise exceptions.ValidationError(
                {"detail": str(exc), "refused": exc.errors}, code="refused"
            ) from exc
        except services.WorkflowError as exc:
            raise exceptions.ValidationError({"values": [str(exc)]}) from exc
        body = {"approved": ValueSerializer(done, many=True).data}
        return Response(body, status=status.HTTP_200_OK)
