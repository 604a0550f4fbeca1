"""The feedback API, to mount under /api/v1/: every path starts with feedback/."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

from feedback import api

router = SimpleRouter()
router.register("feedback/arrangements", api.ArrangementViewSet, basename="feedback-arrangement")
router.register("feedback/rounds", api.RoundViewSet, basename="feedback-round")
router.register("feedback/complaints", api.ComplaintViewSet, basename="feedback-complaint")
router.register("feedback/panel-surveys", api.PanelSurveyViewSet, basename="feedback-panel")
router.register("feedback/mystery-shopping", api.VisitViewSet, basename="feedback-visit")

urlpatterns = router.urls
