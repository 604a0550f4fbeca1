"""The OIM API, to mount under /api/v1/: every path starts with oim/."""

from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from oim import api

router = SimpleRouter()
router.register("oim/factors", api.FactorViewSet, basename="oim-factor")
router.register("oim/assessments", api.AssessmentViewSet, basename="oim-assessment")
router.register("oim/ideas", api.IdeaViewSet, basename="oim-idea")
router.register("oim/key-processes", api.KeyProcessViewSet, basename="oim-key-process")
router.register("oim/accreditations", api.AccreditationViewSet, basename="oim-accreditation")

urlpatterns = [
    path("oim/vfm/", api.VfmView.as_view(), name="oim-vfm"),
    *router.urls,
]
