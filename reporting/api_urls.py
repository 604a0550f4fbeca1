"""The reporting API's routers, to mount under /api/v1/."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

from reporting.runs_api import ReportRunViewSet

router = SimpleRouter()
router.register("reports/runs", ReportRunViewSet, basename="report-run")

urlpatterns = router.urls
