from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import QueryDict
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from targets import permissions, questions, services
from targets.api.schema import INVALID, QUESTIONED
from targets.api.serializers import (
    MeasureSerializer,
    ReturnSerializer,
    ServiceSerializer,
    SubmitSerializer,
    ValueQuestionSerializer,
    ValueSerializer,
    ValueVersionSerializer,
    ValueWriteSerializer,
    WithdrawSerializer,
)
from targets.filters import MeasureFilter, ServiceFilter, ValueFilter, ValueQuestionFilter
from targets.models import ChangeRecord, Measure, Service, User, Value, ValueQuestion
from targets.services import ConflictError, ValueInput, ValueQuestioned, WorkflowError


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class ServiceViewSet(viewsets.ReadOnlyModelViewSet[Service]):
    queryset = Service.objects.all()
    serializer_class = ServiceSerializer
    filterset_class = ServiceFilter
    lookup_field = "code"


class MeasureViewSet(viewsets.ReadOnlyModelViewSet[Measure]):
    queryset = Measure.objects.select_related("service", "priority")
    serializer_class = MeasureSerializer
    filterset_class = MeasureFilter
    lookup_field = "code"


def _run(call: Any) -> Value:
    """Run a workflow service, turning its refusals into API errors."""
    try:
        return cast(Value, call())
    except ConflictError as exc:
        raise Conflict({"detail": str(exc), "current": ValueSerializer(exc.current).data}) from exc
    except PermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc)) from exc
    except ValueQuestioned:
        raise  # answered by ValueViewSet.handle_exception, with the question
    except WorkflowError as exc:
        raise exceptions.ValidationError({exc.field or "non_field_errors": [str(exc)]}) from exc


def _payload(request: Request) -> dict[str, Any]:
    data = request.data
    if isinstance(data, QueryDict):
        return data.dict()
    if not isinstance(data, dict):
        raise exceptions.ValidationError({"non_field_errors": ["Send a JSON object."]})
    return data


CONFLICT = OpenApiResponse(description="Someone saved a newer version: nothing was changed.")
# A 400 is either DRF's errors by field or a questioned figure (code `value_questioned`).
INVALID_OR_QUESTIONED = OpenApiResponse(
    response={
        "anyOf": [
            {"$ref": f"#/components/schemas/{QUESTIONED}"},
            {"$ref": f"#/components/schemas/{INVALID}"},
        ]
    },
    description="The request is invalid (what is wrong, by field), or the figure is "
    "questioned (`code: value_questioned`, with the reason and the band): send it again with "
    "a commentary explaining it and `questioned_acknowledged: true`.",
)


def questioned_body(exc: ValueQuestioned, measure: Measure) -> dict[str, Any]:
    return {
        "code": ValueQuestioned.code,
        "detail": str(exc),
        "commentary": [str(exc)],
        "question": questions.as_json(exc.question, measure),
    }


class ValueViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet[Value],
):
    """Values the user may see: at least submitted for staff, published only for scrutiny.

    Writes go through the same workflow as the pages: who may enter, approve and publish,
    corrective action when Red, and the version you read (409 Conflict when it is stale).
    """

    filterset_class = ValueFilter
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Value]:
        user = self.request.user
        values = Value.objects.select_related("measure", "entered_by").order_by(
            "measure__code", "period"
        )
        if permissions.sees_internal_values(user):
            # Officers also see the drafts of the measures they enter.
            return values.internal() | values.filter(
                measure__in=permissions.editable_measures(user)
            )
        return values.published()

    def get_serializer_class(self) -> Any:
        if self.action in {"create", "update", "partial_update"}:
            return ValueWriteSerializer
        return ValueSerializer

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, ValueQuestioned):
            measure = getattr(self, "_measure", None)
            assert measure is not None  # set by the write that raised it
            return Response(questioned_body(exc, measure), status=status.HTTP_400_BAD_REQUEST)
        return super().handle_exception(exc)

    @property
    def _user(self) -> User:
        return cast(User, self.request.user)

    def _save(self, data: dict[str, Any], expected_version: int | None) -> Value:
        value_input = ValueInput(
            **{f: data.get(f) for f in ("actual", "numerator", "denominator", "forecast")},
            commentary=data.get("commentary", ""),
            corrective_action=data.get("corrective_action", ""),
            dq_flag=data.get("dq_flag", "final"),
        )
        self._measure = data["measure"]
        return _run(
            lambda: services.value_save(
                measure=data["measure"],
                period=data["period"],
                data=value_input,
                user=self._user,
                expected_version=expected_version,
                submit=data.get("submit", False),
                reason=data.get("reason", ""),
                source=ChangeRecord.Source.API,
                acknowledged=data.get("questioned_acknowledged", False),
            )
        )

    @extend_schema(responses={201: ValueSerializer, 400: INVALID_OR_QUESTIONED, 409: CONFLICT})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = ValueWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        value = self._save(data, data.get("version", 0))
        return Response(ValueSerializer(value).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: ValueSerializer, 400: INVALID_OR_QUESTIONED, 409: CONFLICT})
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        value = self.get_object()
        partial = kwargs.get("partial", False)
        current = {
            "measure": value.measure.code,
            "period": value.period,
            **{
                f: getattr(value, f)
                for f in (
                    "actual",
                    "numerator",
                    "denominator",
                    "forecast",
                    "commentary",
                    "corrective_action",
                    "dq_flag",
                )
            },
        }
        sent = _payload(request)
        fixed = {"measure": value.measure.code, "period": value.period}
        payload = {**current, **sent, **fixed} if partial else {**sent, **fixed}
        serializer = ValueWriteSerializer(data=payload)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if "version" not in data:
            raise exceptions.ValidationError({"version": ["Send the version you read."]})
        return Response(ValueSerializer(self._save(data, data["version"])).data)

    def _transition(self, request: Request, call: Any) -> Response:
        value = self.get_object()
        serializer = ValueVersionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = serializer.validated_data.get("version")
        done = _run(
            lambda: call(
                value, user=self._user, expected_version=version, source=ChangeRecord.Source.API
            )
        )
        return Response(ValueSerializer(done).data)

    @extend_schema(
        request=SubmitSerializer,
        responses={200: ValueSerializer, 400: INVALID_OR_QUESTIONED, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        value = self.get_object()
        serializer = SubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        self._measure = value.measure
        done = _run(
            lambda: services.value_submit(
                value,
                user=self._user,
                expected_version=data.get("version"),
                source=ChangeRecord.Source.API,
                acknowledged=data["questioned_acknowledged"],
            )
        )
        return Response(ValueSerializer(done).data)

    @extend_schema(request=ValueVersionSerializer, responses={200: ValueSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._transition(request, services.value_approve)

    @extend_schema(request=ValueVersionSerializer, responses={200: ValueSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._transition(request, services.value_publish)

    @extend_schema(request=WithdrawSerializer, responses={200: ValueSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Take a published value off the public page and open data, with a reason (the
        performance team): it goes back to approved."""
        value = self.get_object()
        serializer = WithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        done = _run(
            lambda: services.value_withdraw(
                value,
                user=self._user,
                reason=data["reason"],
                expected_version=data.get("version"),
                source=ChangeRecord.Source.API,
            )
        )
        return Response(ValueSerializer(done).data)

    @extend_schema(request=ReturnSerializer, responses={200: ValueSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        value = self.get_object()
        serializer = ReturnSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        done = _run(
            lambda: services.value_return(
                value,
                user=self._user,
                reason=data["reason"],
                expected_version=data.get("version"),
                source=ChangeRecord.Source.API,
            )
        )
        return Response(ValueSerializer(done).data)


class IsPerformanceTeam(BasePermission):
    message = "Questioned values are for the performance team."

    def has_permission(self, request: Request, view: Any) -> bool:
        return permissions.is_performance_team(request.user)


class ValueQuestionViewSet(viewsets.ReadOnlyModelViewSet[ValueQuestion]):
    """Questioned values and the explanations given (the performance team): each figure the
    rule questioned (far outside its history or its benchmark peers, or a numerator larger
    than its denominator), on which value, why, the band, and who explained it how."""

    queryset = ValueQuestion.objects.select_related("value__measure", "raised_by")
    serializer_class = ValueQuestionSerializer
    filterset_class = ValueQuestionFilter
    permission_classes = [IsAuthenticated, IsPerformanceTeam]
