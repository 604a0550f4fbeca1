from __future__ import annotations

from rest_framework import serializers

from targets.models import Measure, Priority, Service, Value


class ServiceSerializer(serializers.ModelSerializer[Service]):
    class Meta:
        model = Service
        fields = ["id", "code", "name", "description", "is_support", "is_active"]


class PrioritySerializer(serializers.ModelSerializer[Priority]):
    class Meta:
        model = Priority
        fields = ["id", "number", "name"]


class MeasureSerializer(serializers.ModelSerializer[Measure]):
    service: serializers.SlugRelatedField[Service] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    priority = PrioritySerializer(read_only=True)

    class Meta:
        model = Measure
        fields = [
            "id",
            "code",
            "title",
            "definition",
            "kind",
            "priority",
            "service",
            "unit",
            "decimals",
            "polarity",
            "frequency",
            "aggregation",
            "tolerance_pct",
            "tolerance_abs",
            "due_days",
            "data_source",
            "is_public",
            "is_scrutiny",
            "active_from",
            "active_to",
        ]


class ValueSerializer(serializers.ModelSerializer[Value]):
    measure: serializers.SlugRelatedField[Measure] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )

    class Meta:
        model = Value
        fields = [
            "id",
            "measure",
            "period",
            "actual",
            "numerator",
            "denominator",
            "commentary",
            "corrective_action",
            "dq_flag",
            "forecast",
            "status",
            "version",
            "revision",
            "updated_at",
        ]
