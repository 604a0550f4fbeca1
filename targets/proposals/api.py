"""API of targets set by heads of service: the proposals (internal users read them), a head's
new proposal, and the decision (approve, or return with a reason) by the performance team or,
for a corporate measure, the corporate management team. Every write goes through
`targets.proposals.services`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from targets import permissions
from targets.models import ChangeRecord, Measure, TargetProposal, User
from targets.proposals import rules, services
from targets.proposals.filters import TargetProposalFilter
from targets.proposals.rules import ProposalError


class TargetProposalSerializer(serializers.ModelSerializer[TargetProposal]):
    measure: serializers.SlugRelatedField[Measure] = serializers.SlugRelatedField(
        slug_field="code", queryset=Measure.objects.all()
    )
    service = serializers.CharField(source="measure.service.code", read_only=True)
    year_label = serializers.CharField(read_only=True)
    profile = serializers.DictField(
        child=serializers.DecimalField(max_digits=20, decimal_places=6),
        required=False,
        help_text='Profiled period targets, e.g. {"2026/27-Q1": "25"}: every period of the '
        "year, or none.",
    )
    proposed_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    decided_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    decided_by_body = serializers.CharField(
        read_only=True,
        source="approver_label",
        help_text="Who decides: the performance team, or CMT for a corporate measure.",
    )

    class Meta:
        model = TargetProposal
        fields = [
            "id",
            "measure",
            "service",
            "year",
            "year_label",
            "value",
            "lower",
            "upper",
            "profile",
            "rationale",
            "status",
            "proposed_by",
            "proposed_at",
            "decided_by",
            "decided_at",
            "decided_by_body",
            "return_reason",
        ]
        read_only_fields = [
            "status",
            "proposed_at",
            "decided_at",
            "return_reason",
        ]


class ProposalReturnSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(help_text="Why the proposal is returned.")


def _refused(exc: ProposalError) -> exceptions.ValidationError:
    return exceptions.ValidationError({exc.field or "non_field_errors": [str(exc)]})


class TargetProposalViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[TargetProposal],
):
    """Targets proposed by heads of service, newest first; `year=2026/27`, `service`, `measure`,
    `status` filter them. Internal users read them; scrutiny members and people without a role
    get an empty list."""

    queryset = TargetProposal.objects.all()
    serializer_class = TargetProposalSerializer
    filterset_class = TargetProposalFilter

    def get_queryset(self) -> QuerySet[TargetProposal]:
        if not permissions.sees_target_proposals(self.request.user):
            return TargetProposal.objects.none()
        return TargetProposal.objects.select_related(
            "measure", "measure__service", "proposed_by", "decided_by"
        ).order_by("-proposed_at", "-id")

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        measure: Measure = data["measure"]
        profile: dict[str, Decimal] = data.get("profile") or {}
        try:
            text = "\n".join(f"{code} {figure}" for code, figure in profile.items())
            parsed = rules.parse_profile(
                text,
                year=data["year"],
                frequency=measure.frequency,
                is_range=measure.polarity == Measure.Polarity.RANGE,
            )
            serializer.instance = services.proposal_create(
                user=cast(User, self.request.user),
                measure=measure,
                year=data["year"],
                value=data.get("value"),
                lower=data.get("lower"),
                upper=data.get("upper"),
                profile=parsed,
                rationale=data.get("rationale", ""),
                source=ChangeRecord.Source.API,
            )
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except ProposalError as exc:
            raise _refused(exc) from exc

    @extend_schema(request=None, responses={200: TargetProposalSerializer})
    @action(detail=True, methods=["post"])
    def approve(
        self, request: Request, pk: str | None = None, format: str | None = None
    ) -> Response:
        """Approve: the proposal becomes the year's target (and profile)."""
        proposal = self.get_object()
        try:
            saved = services.proposal_approve(
                user=cast(User, request.user), proposal=proposal, source=ChangeRecord.Source.API
            )
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except ProposalError as exc:
            raise _refused(exc) from exc
        return Response(TargetProposalSerializer(saved).data)

    @extend_schema(request=ProposalReturnSerializer, responses={200: TargetProposalSerializer})
    @action(detail=True, methods=["post"], url_path="return")
    def return_proposal(
        self, request: Request, pk: str | None = None, format: str | None = None
    ) -> Response:
        """Return the proposal to the head of service, with a reason."""
        proposal = self.get_object()
        if not permissions.can_decide_target_proposal(
            request.user, proposal.measure, proposal.proposed_by_id
        ):
            raise exceptions.PermissionDenied(f"Only {proposal.approver_label} decides this.")
        body = ProposalReturnSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            saved = services.proposal_return(
                user=cast(User, request.user),
                proposal=proposal,
                reason=body.validated_data["reason"],
                source=ChangeRecord.Source.API,
            )
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except ProposalError as exc:
            raise _refused(exc) from exc
        return Response(TargetProposalSerializer(saved).data)
