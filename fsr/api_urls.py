"""The reviews API, to mount under /api/v1/."""

from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from fsr import api

router = SimpleRouter()
router.register("reviews", api.ReviewViewSet, basename="review")
router.register("market-tests", api.MarketTestViewSet, basename="market-test")
router.register("peer-reviews", api.PeerReviewViewSet, basename="peer-review")
router.register("market-intelligence", api.IntelligenceViewSet, basename="market-intelligence")
router.register("savings", api.SavingsLineViewSet, basename="savings-line")

urlpatterns = [
    path("review-programme/", api.ProgrammeView.as_view(), name="api_review_programme"),
    *router.urls,
]
