"""The performance register's models, one module per concern."""

from __future__ import annotations

from targets.models.audit import ChangeRecord
from targets.models.measures import (
    Measure,
    MeasureQuerySet,
    Target,
    TargetProfile,
    figure_field,
)
from targets.models.notifications import Digest, Notice, NotificationPreference
from targets.models.organisation import CorporateRole, Priority, Service, ServiceRole, User
from targets.models.plans import (
    Action,
    ActionQuerySet,
    Objective,
    PlanningMilestone,
    ServicePlan,
)
from targets.models.proposals import TargetProposal, TargetProposalQuerySet
from targets.models.quality import (
    DIMENSIONS,
    AuditResult,
    ControlCheck,
    ControlResult,
    DataQualityAudit,
    DataQualityProcedure,
)
from targets.models.sso import GroupRoleMapping, SsoIdentity
from targets.models.values import (
    INTERNAL_STATUSES,
    DataQuality,
    Value,
    ValueQuerySet,
    ValueQuestion,
    ValueStatus,
)

__all__ = [
    "INTERNAL_STATUSES",
    "Action",
    "ActionQuerySet",
    "ChangeRecord",
    "CorporateRole",
    "DataQuality",
    "Measure",
    "MeasureQuerySet",
    "Objective",
    "PlanningMilestone",
    "Priority",
    "Service",
    "ServicePlan",
    "ServiceRole",
    "Target",
    "TargetProfile",
    "TargetProposal",
    "TargetProposalQuerySet",
    "User",
    "Value",
    "ValueQuerySet",
    "ValueQuestion",
    "ValueStatus",
    "figure_field",
    "DIMENSIONS",
    "DataQualityAudit",
    "DataQualityProcedure",
    "AuditResult",
    "ControlCheck",
    "ControlResult",
    "Digest",
    "Notice",
    "NotificationPreference",
    "GroupRoleMapping",
    "SsoIdentity",
]
