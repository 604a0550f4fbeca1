from __future__ import annotations

from typing import Any

from rest_framework import serializers

from targets import periods
from targets.models import DataQuality, Measure, Priority, Service, Value, ValueQuestion
from targets.periods import Period


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
    priority = PrioritySerializer(read_only=True, allow_null=True)

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


class ValueWriteSerializer(serializers.Serializer[Value]):
    """What a client sends to enter or change a value; the workflow service does the rest."""

    measure = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Measure.objects.all(),
        error_messages={"does_not_exist": "Unknown measure {value}"},
    )
    period = serializers.CharField(max_length=12, help_text="Period code, e.g. 2025-04.")
    actual = serializers.DecimalField(
        max_digits=20,
        decimal_places=6,
        required=False,
        allow_null=True,
        error_messages={"invalid": "Value must be a number"},
    )
    numerator = serializers.DecimalField(
        max_digits=20, decimal_places=6, required=False, allow_null=True
    )
    denominator = serializers.DecimalField(
        max_digits=20, decimal_places=6, required=False, allow_null=True
    )
    commentary = serializers.CharField(required=False, allow_blank=True, default="")
    corrective_action = serializers.CharField(required=False, allow_blank=True, default="")
    dq_flag = serializers.ChoiceField(choices=DataQuality.choices, default=DataQuality.FINAL)
    forecast = serializers.DecimalField(
        max_digits=20, decimal_places=6, required=False, allow_null=True
    )
    version = serializers.IntegerField(
        min_value=0,
        required=False,
        help_text="The version you read: required to change an existing value (409 if stale).",
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Required to restate."
    )
    submit = serializers.BooleanField(default=False, help_text="Submit for approval too.")
    questioned_acknowledged = serializers.BooleanField(
        default=False,
        help_text="A figure far outside its history or its benchmark peers, or a numerator "
        "larger than its denominator, is questioned: the answer is a 400 with code "
        "`value_questioned`, the reason and the band. Send it again with "
        "`questioned_acknowledged: true` and a commentary explaining it to save it.",
    )

    def validate_period(self, code: str) -> Period:
        try:
            return periods.parse_period(code)
        except periods.PeriodError as exc:
            raise serializers.ValidationError(str(exc)) from exc


class ReturnSerializer(serializers.Serializer[Value]):
    reason = serializers.CharField()
    version = serializers.IntegerField(required=False)


class WithdrawSerializer(serializers.Serializer[Value]):
    reason = serializers.CharField(help_text="Why the published value is withdrawn.")
    version = serializers.IntegerField(required=False)


class ValueVersionSerializer(serializers.Serializer[Value]):
    version = serializers.IntegerField(required=False)


class SubmitSerializer(ValueVersionSerializer):
    questioned_acknowledged = serializers.BooleanField(
        default=False,
        help_text="Required (true, with the draft's commentary explaining it) to submit a "
        "questioned figure: otherwise a 400 with code `value_questioned`.",
    )


class ValueQuestionSerializer(serializers.ModelSerializer[ValueQuestion]):
    """A questioned figure and the explanation given (read only, the performance team)."""

    measure = serializers.CharField(source="value.measure.code", read_only=True)
    period = serializers.CharField(source="value.period", read_only=True)
    status = serializers.CharField(source="value.status", read_only=True)
    raised_by: serializers.StringRelatedField[Any] = serializers.StringRelatedField(read_only=True)
    is_current = serializers.BooleanField(read_only=True)

    class Meta:
        model = ValueQuestion
        fields = [
            "id",
            "value",
            "measure",
            "period",
            "status",
            "actual",
            "kind",
            "reason",
            "low",
            "high",
            "basis",
            "k",
            "explanation",
            "source",
            "raised_by",
            "raised_at",
            "is_current",
        ]
