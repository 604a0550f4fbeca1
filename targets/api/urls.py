from __future__ import annotations

from rest_framework.routers import DefaultRouter

from targets.api.champions import ChampionViewSet
from targets.api.views import (
    MeasureViewSet,
    ServiceViewSet,
    ValueQuestionViewSet,
    ValueViewSet,
)
from targets.plans.api import ActionViewSet, PlanningMilestoneViewSet, ServicePlanViewSet
from targets.proposals.api import TargetProposalViewSet
from targets.quality.api import AuditViewSet, ProcedureViewSet

router = DefaultRouter()
router.register("services", ServiceViewSet)
router.register("measures", MeasureViewSet)
router.register("values", ValueViewSet, basename="value")
router.register("value-questions", ValueQuestionViewSet, basename="value-question")
router.register("dq-procedures", ProcedureViewSet, basename="dq-procedure")
router.register("dq-audits", AuditViewSet, basename="dq-audit")
router.register("champions", ChampionViewSet, basename="champion")

# Service improvement plans, actions and the planning calendar (read only).
router.register("plans", ServicePlanViewSet, basename="plan")
router.register("actions", ActionViewSet, basename="action")
router.register("milestones", PlanningMilestoneViewSet, basename="milestone")

# Targets proposed by heads of service, and their decision.
router.register("target-proposals", TargetProposalViewSet, basename="target-proposal")
