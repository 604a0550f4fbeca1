"""The reviews API, to mount under /api/v1/."""

from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from fsr import api
from fsr.governance import api as governance_api

router = SimpleRouter()
router.register("reviews", api.ReviewViewSet, basename="review")
router.register("market-tests", api.MarketTestViewSet, basename="market-test")
router.register("peer-reviews", api.PeerReviewViewSet, basename="peer-review")
router.register("market-intelligence", api.IntelligenceViewSet, basename="market-intelligence")
router.register("savings", api.SavingsLineViewSet, basename="savings-line")
router.register("risks", governance_api.RiskViewSet, basename="risk")
router.register(
    "corporate-programmes", governance_api.ProgrammeViewSet, basename="corporate-programme"
)

urlpatterns = [
    path("review-programme/", api.ProgrammeView.as_view(), name="api_review_programme"),
    path("risk-matrix/", governance_api.MatrixView.as_view(), name="api_risk_matrix"),
    *router.urls,
]
