from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import viewsets

from targets import permissions
from targets.api.serializers import MeasureSerializer, ServiceSerializer, ValueSerializer
from targets.filters import MeasureFilter, ServiceFilter, ValueFilter
from targets.models import Measure, Service, Value


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


class ValueViewSet(viewsets.ReadOnlyModelViewSet[Value]):
    """Values the user may see: at least submitted for staff, published only for scrutiny."""

    serializer_class = ValueSerializer
    filterset_class = ValueFilter

    def get_queryset(self) -> QuerySet[Value]:
        user = self.request.user
        values = Value.objects.select_related("measure").order_by("measure__code", "period")
        if permissions.sees_internal_values(user):
            # Officers also see the drafts of the measures they enter.
            return values.internal() | values.filter(
                measure__in=permissions.editable_measures(user)
            )
        return values.published()
