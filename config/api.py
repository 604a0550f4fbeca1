"""/api/v1/: every app's API router gathered in one place."""

from __future__ import annotations

from rest_framework.routers import DefaultRouter

from targets.api.urls import router as targets_router

router = DefaultRouter()
router.registry.extend(targets_router.registry)

urlpatterns = router.urls
