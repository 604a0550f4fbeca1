"""/api/v1/ reviews, market tests, peer reviews, market intelligence, the savings plan and the
review programme, with the same permissions as the pages. Reviews may also be created, changed
and moved on, and their improvement actions added and changed, through the API, by the same
workflows (the same nine-month limit; the actions' own rules)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from benchmarking.models import Authority
from fsr import permissions, programme, rules, services
from fsr.filters import (
    IntelligenceFilter,
    MarketTestFilter,
    PeerReviewFilter,
    ReviewFilter,
    SavingsLineFilter,
)
from fsr.models import (
    MarketIntelligence,
    MarketTest,
    Milestone,
    PeerReview,
    Review,
    ReviewRuleSettings,
    SavingsLine,
)
from targets.models import Action, ChangeRecord, Service, User
from targets.plans.actions import PlanError


def money(source: str | None = None, **kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=14, decimal_places=2, allow_null=True, source=source, read_only=True, **kwargs
    )


def percent(source: str | None = None, **kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=6, decimal_places=1, allow_null=True, source=source, read_only=True, **kwargs
    )


def username(**kwargs: Any) -> serializers.SlugRelatedField[Any]:
    return serializers.SlugRelatedField(slug_field="username", read_only=True, **kwargs)


class MilestoneSerializer(serializers.ModelSerializer[Milestone]):
    owner = username(allow_null=True)

    class Meta:
        model = Milestone
        fields = ["id", "title", "owner", "due", "done_on"]


class ReviewActionSerializer(serializers.ModelSerializer[Action]):
    owner = username(allow_null=True)

    class Meta:
        model = Action
        fields = ["id", "title", "description", "owner", "due", "status", "completed_on", "source"]


class ReviewActionWriteSerializer(serializers.ModelSerializer[Action]):
    owner: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        allow_null=True,
        required=False,
    )

    class Meta:
        model = Action
        fields = ["title", "description", "owner", "due", "status", "progress", "completed_on"]
        extra_kwargs = {"due": {"required": True, "allow_null": False}}


class BaselineSerializer(serializers.Serializer[Review]):
    cost = money("baseline_cost", help_text="Net budget (£) of the year the review started.")
    cost_year = serializers.IntegerField(source="baseline_cost_year", allow_null=True)
    month = serializers.CharField(
        source="baseline_month", help_text="The month the % on target is of; empty: no data."
    )
    green = serializers.IntegerField(source="baseline_green", allow_null=True)
    rated = serializers.IntegerField(source="baseline_rated", allow_null=True)
    percent_on_target = percent("baseline_percent")
    captured_at = serializers.DateTimeField(source="baseline_captured_at", allow_null=True)


class OutcomeSerializer(serializers.Serializer[Review]):
    cost = money("outcome_cost", help_text="Net budget (£) of the latest year after it ended.")
    cost_year = serializers.IntegerField(source="outcome_cost_year", allow_null=True)
    month = serializers.CharField(source="outcome_month")
    green = serializers.IntegerField(source="outcome_green", allow_null=True)
    rated = serializers.IntegerField(source="outcome_rated", allow_null=True)
    percent_on_target = percent("outcome_percent")
    measured_at = serializers.DateTimeField(source="outcome_measured_at", allow_null=True)


class ComparisonSerializer(serializers.Serializer[rules.Comparison]):
    target_cost = money()
    savings = money(help_text="Baseline cost − outcome cost.")
    savings_pct = percent()
    cost_aim_met = serializers.BooleanField(allow_null=True)
    target_percent = percent(help_text="Baseline % on target raised by the aim, at most 100.")
    change_points = percent(help_text="Change in % on target, in percentage points.")
    change_pct = percent(help_text="Change in % on target as a % of the baseline.")
    performance_aim_met = serializers.BooleanField(allow_null=True)


class ReviewSerializer(serializers.ModelSerializer[Review]):
    service: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    sponsor = username(allow_null=True)
    project_manager = username(allow_null=True)
    latest_planned_end = serializers.DateField(read_only=True)
    baseline = BaselineSerializer(source="*", read_only=True)
    outcome = OutcomeSerializer(source="*", read_only=True)
    comparison = ComparisonSerializer(read_only=True)
    milestones = MilestoneSerializer(many=True, read_only=True)
    actions = ReviewActionSerializer(many=True, read_only=True)
    missed_dates = serializers.BooleanField(
        read_only=True,
        help_text="The agreed improvement plan has missed a date: due for a market-testing "
        "recommendation to CEB unless one is recorded.",
    )
    market_test: serializers.PrimaryKeyRelatedField[MarketTest] = (
        serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    )
    comparators: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True, help_text="ONS codes of the authorities."
    )
    overrunning = serializers.SerializerMethodField(
        help_text="Still open (planned or in progress) after start + nine months."
    )
    overran = serializers.SerializerMethodField(help_text="Ended after start + nine months.")
    unable_to_deliver = serializers.SerializerMethodField(
        help_text="The agreed plan has missed a milestone's or an action's due date: only such "
        "a review may be market tested."
    )
    agreement_missing = serializers.SerializerMethodField(
        help_text="What must be recorded before the improvement plan can be agreed."
    )

    def get_overrunning(self, review: Review) -> bool:
        return review.overrun(timezone.localdate()).overrunning

    def get_overran(self, review: Review) -> bool:
        return review.overrun(timezone.localdate()).overran

    def get_unable_to_deliver(self, review: Review) -> bool:
        return review.delivery(timezone.localdate()).unable_to_deliver

    def get_agreement_missing(self, review: Review) -> list[str]:
        return rules.agreement_missing(
            comparators=len(review.comparators.all()),
            other_comparators=review.other_comparators,
            challenge_evidence=review.challenge_evidence,
            staff_involvement=review.staff_involvement,
            future_specification=review.future_specification,
        )

    class Meta:
        model = Review
        fields = [
            "id",
            "service",
            "kind",
            "title",
            "scope",
            "sponsor",
            "project_manager",
            "start",
            "planned_end",
            "latest_planned_end",
            "ended_on",
            "completed_on",
            "status",
            "aim_performance_pct",
            "aim_cost_pct",
            "findings",
            "baseline",
            "outcome",
            "comparison",
            "milestones",
            "actions",
            "missed_dates",
            "unable_to_deliver",
            "overrunning",
            "overran",
            "market_test",
            "comparators",
            "other_comparators",
            "challenge_evidence",
            "staff_involvement",
            "future_specification",
            "agreement_missing",
        ]


class ReviewWriteSerializer(serializers.ModelSerializer[Review]):
    service: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", queryset=Service.objects.filter(is_active=True)
    )
    sponsor: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.filter(is_active=True)
    )
    project_manager: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.filter(is_active=True)
    )
    comparators: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        queryset=Authority.objects.all(),
        required=False,
        help_text="ONS codes of the high performers compared with.",
    )

    class Meta:
        model = Review
        fields = Review.EDITABLE_FIELDS

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start = attrs.get("start", getattr(self.instance, "start", None))
        planned_end = attrs.get("planned_end", getattr(self.instance, "planned_end", None))
        if start and planned_end and (problem := rules.duration_problem(start, planned_end)):
            raise serializers.ValidationError({"planned_end": [problem]})
        return attrs


class StatusSerializer(serializers.Serializer[Any]):
    to = serializers.ChoiceField(choices=Review.Status.choices)
    on = serializers.DateField(required=False, allow_null=True)


def _refusals(call: Any) -> Any:
    """Run a service, turning its refusals into API errors."""
    try:
        return call()
    except PermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc)) from exc
    except ValidationError as exc:
        raise exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        ) from exc
    except services.TransitionError as exc:
        raise exceptions.ValidationError({"to": [str(exc)]}) from exc
    except PlanError as exc:
        raise exceptions.ValidationError({exc.field or "non_field_errors": [str(exc)]}) from exc
    except services.MarketTestRefused as exc:
        raise exceptions.ValidationError({"non_field_errors": [str(exc)]}) from exc


class ReviewViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet[Review],
):
    """Reviews the user may read (their own service's for officers, all for CMT, CEB, scrutiny
    and the performance team), with milestones, improvement actions, baseline and outcome.

    The performance team creates reviews; they and the service's head change them. A planned end
    more than nine months after the start is refused.
    """

    filterset_class = ReviewFilter

    def get_queryset(self) -> QuerySet[Review]:
        today = timezone.localdate()
        missed = Review.objects.with_missed_dates(today).filter(pk=OuterRef("pk"))
        return (
            Review.objects.for_service_ids(permissions.review_service_ids(self.request.user))
            .select_related("service", "sponsor", "project_manager", "market_test")
            .prefetch_related(
                Prefetch("milestones", queryset=Milestone.objects.select_related("owner")),
                Prefetch("actions", queryset=Action.objects.select_related("owner")),
                "comparators",
            )
            .annotate(missed_dates=Exists(missed))
        )

    def get_serializer_class(self) -> Any:
        if self.action in {"create", "update", "partial_update"}:
            return ReviewWriteSerializer
        return ReviewSerializer

    def _user(self) -> User:
        assert isinstance(self.request.user, User)
        return self.request.user

    def _read(self, review: Review) -> Response:
        return Response(ReviewSerializer(self.get_queryset().get(pk=review.pk)).data)

    @extend_schema(request=ReviewWriteSerializer, responses={201: ReviewSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        writer = ReviewWriteSerializer(data=request.data)
        writer.is_valid(raise_exception=True)
        data = dict(writer.validated_data)
        comparators = data.pop("comparators", None)
        review = Review(**data)
        saved = _refusals(
            lambda: services.review_save(
                review=review,
                comparators=comparators,
                user=self._user(),
                source=ChangeRecord.Source.API,
            )
        )
        response = self._read(saved)
        response.status_code = 201
        return response

    @extend_schema(request=ReviewWriteSerializer, responses={200: ReviewSerializer})
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        review = self.get_object()
        writer = ReviewWriteSerializer(
            review, data=request.data, partial=kwargs.get("partial", False)
        )
        writer.is_valid(raise_exception=True)
        data = dict(writer.validated_data)
        comparators = data.pop("comparators", None)
        for field, value in data.items():
            setattr(review, field, value)
        _refusals(
            lambda: services.review_save(
                review=review,
                comparators=comparators,
                user=self._user(),
                source=ChangeRecord.Source.API,
            )
        )
        return self._read(review)

    @extend_schema(request=StatusSerializer, responses={200: ReviewSerializer})
    @action(detail=True, methods=["post"])
    def status(self, request: Request, pk: str | None = None) -> Response:
        """Move the review on: planned → in_progress → agreed → complete, or abandoned."""
        review = self.get_object()
        body = StatusSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        saved = _refusals(
            lambda: services.review_transition(
                review=review,
                to=body.validated_data["to"],
                on=body.validated_data.get("on"),
                user=self._user(),
                source=ChangeRecord.Source.API,
            )
        )
        return self._read(saved)

    def _save_action(self, review: Review, action: Action, data: dict[str, Any]) -> Action:
        for field, value in data.items():
            setattr(action, field, value)
        return _refusals(  # type: ignore[no-any-return]
            lambda: services.review_action_save(
                review=review, action=action, user=self._user(), source=ChangeRecord.Source.API
            )
        )

    @extend_schema(request=ReviewActionWriteSerializer, responses={201: ReviewActionSerializer})
    @action(detail=True, methods=["post"], url_path="actions")
    def add_action(self, request: Request, pk: str | None = None) -> Response:
        """Add an improvement action to the review's plan."""
        review = self.get_object()
        body = ReviewActionWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        saved = self._save_action(review, Action(), body.validated_data)
        return Response(ReviewActionSerializer(saved).data, status=201)

    @extend_schema(request=ReviewActionWriteSerializer, responses={200: ReviewActionSerializer})
    @action(detail=True, methods=["patch"], url_path=r"actions/(?P<action_pk>[0-9]+)")
    def change_action(
        self, request: Request, pk: str | None = None, action_pk: str | None = None
    ) -> Response:
        """Change one of the review's improvement actions. An action in a signed-off service
        improvement plan keeps its title, owner and due date: only its progress changes."""
        review = self.get_object()
        found = get_object_or_404(review.actions.all(), pk=action_pk)
        body = ReviewActionWriteSerializer(found, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        saved = self._save_action(review, found, body.validated_data)
        return Response(ReviewActionSerializer(saved).data)


class MarketTestSerializer(serializers.ModelSerializer[MarketTest]):
    service = serializers.CharField(source="review.service.code", read_only=True)
    decided_by = username(allow_null=True)

    class Meta:
        model = MarketTest
        fields = [
            "id",
            "review",
            "service",
            "recommended_on",
            "in_house_bid",
            "external_bids",
            "approval",
            "decision_on",
            "minute_reference",
            "decided_by",
            "decision",
            "notes",
        ]


class MarketTestWriteSerializer(serializers.ModelSerializer[MarketTest]):
    """The performance team's recommendation: CEB's decision is never written here."""

    review = serializers.PrimaryKeyRelatedField(queryset=Review.objects.all())

    class Meta:
        model = MarketTest
        fields = ["review", "recommended_on", "in_house_bid", "external_bids", "notes"]


class MarketTestDecisionSerializer(serializers.Serializer[Any]):
    approval = serializers.ChoiceField(choices=MarketTest.Approval.choices)
    decided_on = serializers.DateField()
    minute_reference = serializers.CharField(max_length=100)
    decision = serializers.ChoiceField(
        choices=MarketTest.Decision.choices, required=False, allow_blank=True
    )
    notes = serializers.CharField(required=False, allow_blank=True)


class MarketTestViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[MarketTest]):
    """Market tests of the reviews the user may read. The performance team recommends one,
    only for a review unable to deliver its agreed plan (anything else is refused with the
    reason); a CEB member records the board's decision (`decision/`)."""

    serializer_class = MarketTestSerializer
    filterset_class = MarketTestFilter

    def get_queryset(self) -> QuerySet[MarketTest]:
        queryset = MarketTest.objects.select_related("review__service", "decided_by")
        ids = permissions.review_service_ids(self.request.user)
        return queryset if ids is None else queryset.filter(review__service_id__in=ids)

    def _user(self) -> User:
        assert isinstance(self.request.user, User)
        return self.request.user

    @extend_schema(request=MarketTestWriteSerializer, responses={201: MarketTestSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not permissions.can_prepare_market_test(request.user):
            raise exceptions.PermissionDenied(
                "Only the performance team prepares market-test recommendations."
            )
        body = MarketTestWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        review = body.validated_data["review"]
        if not permissions.can_read_reviews_of(request.user, review.service):
            raise exceptions.ValidationError({"review": ["No such review."]})
        if MarketTest.objects.filter(review=review).exists():
            raise exceptions.ValidationError({"review": ["This review already has a market test."]})
        saved = _refusals(
            lambda: services.market_test_save(
                market_test=MarketTest(**body.validated_data),
                user=self._user(),
                source=ChangeRecord.Source.API,
            )
        )
        return Response(MarketTestSerializer(self.get_queryset().get(pk=saved.pk)).data, 201)

    @extend_schema(request=MarketTestDecisionSerializer, responses={200: MarketTestSerializer})
    @action(detail=True, methods=["post"])
    def decision(self, request: Request, pk: str | None = None) -> Response:
        """Record CEB's decision (a CEB member only): approved or rejected, the date, the
        minute reference; for an approved market test, its outcome."""
        found = self.get_object()
        body = MarketTestDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        _refusals(
            lambda: services.market_test_decide(
                market_test=found,
                user=self._user(),
                approval=data["approval"],
                decided_on=data["decided_on"],
                minute_reference=data["minute_reference"],
                decision=data.get("decision", ""),
                notes=data.get("notes"),
                source=ChangeRecord.Source.API,
            )
        )
        return Response(MarketTestSerializer(self.get_queryset().get(pk=found.pk)).data)


class PeerReviewSerializer(serializers.ModelSerializer[PeerReview]):
    service: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    recommendations = ReviewActionSerializer(many=True, read_only=True)

    class Meta:
        model = PeerReview
        fields = [
            "id",
            "service",
            "review",
            "reviewer_organisation",
            "reviewer_name",
            "scope",
            "started_on",
            "ended_on",
            "findings",
            "recommendations",
        ]


class PeerReviewViewSet(viewsets.ReadOnlyModelViewSet[PeerReview]):
    serializer_class = PeerReviewSerializer
    filterset_class = PeerReviewFilter

    def get_queryset(self) -> QuerySet[PeerReview]:
        return (
            PeerReview.objects.for_service_ids(permissions.review_service_ids(self.request.user))
            .select_related("service")
            .prefetch_related(
                Prefetch("recommendations", queryset=Action.objects.select_related("owner"))
            )
        )


class IntelligenceSerializer(serializers.ModelSerializer[MarketIntelligence]):
    service: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )

    class Meta:
        model = MarketIntelligence
        fields = ["id", "service", "source", "sector", "competitor", "noted_on", "summary"]


class IntelligenceViewSet(viewsets.ReadOnlyModelViewSet[MarketIntelligence]):
    serializer_class = IntelligenceSerializer
    filterset_class = IntelligenceFilter

    def get_queryset(self) -> QuerySet[MarketIntelligence]:
        return MarketIntelligence.objects.for_service_ids(
            permissions.review_service_ids(self.request.user)
        ).select_related("service")


class SavingsLineSerializer(serializers.ModelSerializer[SavingsLine]):
    service: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )

    class Meta:
        model = SavingsLine
        fields = [
            "id",
            "year",
            "service",
            "source",
            "review",
            "idea_reference",
            "title",
            "target",
            "delivered",
        ]


class SavingsLineViewSet(viewsets.ReadOnlyModelViewSet[SavingsLine]):
    """Savings lines; `delivered` is null until it is known (never 0 for unknown)."""

    serializer_class = SavingsLineSerializer
    filterset_class = SavingsLineFilter

    def get_queryset(self) -> QuerySet[SavingsLine]:
        return SavingsLine.objects.for_service_ids(
            permissions.review_service_ids(self.request.user)
        ).select_related("service")


class ProgrammeRowSerializer(serializers.Serializer[programme.ProgrammeRow]):
    service = serializers.CharField(source="service.code")
    service_name = serializers.CharField(source="service.name")
    last_review = serializers.IntegerField(source="last_review.pk", allow_null=True)
    last_ended = serializers.DateField(source="check.last_ended", allow_null=True)
    years_since = serializers.DecimalField(
        max_digits=6, decimal_places=1, allow_null=True, read_only=True
    )
    deadline = serializers.DateField(
        source="check.deadline",
        allow_null=True,
        help_text="Four years after the last review ended; null: never reviewed.",
    )
    rule = serializers.ChoiceField(
        source="check.status", choices=[(s.value, s.value) for s in rules.RuleStatus]
    )
    flagged = serializers.BooleanField(
        source="check.flagged", help_text="Not reviewed in the last four years (or never)."
    )
    current = serializers.SerializerMethodField(help_text="Planned or in-progress reviews.")
    overrunning = serializers.SerializerMethodField(
        help_text="Open reviews past start + nine months."
    )
    four_year_kinds = serializers.SerializerMethodField(
        help_text="The kinds of review the four-year rule counted (the council's setting)."
    )

    def get_current(self, row: programme.ProgrammeRow) -> list[int]:
        return [r.pk for r in row.current]

    def get_overrunning(self, row: programme.ProgrammeRow) -> list[int]:
        return [r.pk for r in row.overrunning]

    def get_four_year_kinds(self, row: programme.ProgrammeRow) -> list[str]:
        return list(self.context.get("kinds", []))


class ProgrammeView(APIView):
    """The review programme: every active service the user may read, when its last review
    ended, and the four-year rule."""

    @extend_schema(responses=ProgrammeRowSerializer(many=True))
    def get(self, request: Request) -> Response:
        kinds = ReviewRuleSettings.current().kinds
        rows = programme.programme(
            today=timezone.localdate(),
            service_ids=permissions.review_service_ids(request.user),
            kinds=kinds,
        )
        data = ProgrammeRowSerializer(
            rows,  # type: ignore[arg-type]
            many=True,
            context={"kinds": kinds},
        ).data
        return Response(data)
