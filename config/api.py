"""/api/v1/: every app's API router gathered in one place."""

from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from reporting.api import ObligationsView, ReportRunViewSet, ScorecardView
from targets.api.approvals import ApprovalQueueView, ApproveSelectedView
from targets.api.urls import router as targets_router

router = DefaultRouter()
router.registry.extend(targets_router.registry)
router.register("reports/runs", ReportRunViewSet, basename="report-run")

urlpatterns = [
    path("scorecard/", ScorecardView.as_view(), name="api_scorecard"),
    path("obligations/", ObligationsView.as_view(), name="api_obligations"),
    path("approvals/", ApprovalQueueView.as_view(), name="api_approvals"),
    path("approvals/approve/", ApproveSelectedView.as_view(), name="api_approve_selected"),
    path("", include("benchmarking.api_urls")),
    path("", include("fsr.api_urls")),
    path("", include("feedback.api_urls")),
    path("", include("oim.api_urls")),
    *router.urls,
]
