"""/api/v1/: every app's API router gathered in one place."""

from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from reporting.api import ReportRunViewSet, ScorecardView
from targets.api.urls import router as targets_router

router = DefaultRouter()
router.registry.extend(targets_router.registry)
router.register("reports/runs", ReportRunViewSet, basename="report-run")

urlpatterns = [
    path("scorecard/", ScorecardView.as_view(), name="api_scorecard"),
    path("", include("benchmarking.api_urls")),
    path("", include("fsr.api_urls")),
    path("", include("feedback.api_urls")),
    path("", include("oim.api_urls")),
    *router.urls,
]
