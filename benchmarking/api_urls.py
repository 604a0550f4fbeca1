"""The benchmarking API, to mount under /api/v1/: every path starts with benchmarks/."""

from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from benchmarking import api

router = SimpleRouter()
router.register("benchmarks/metrics", api.MetricViewSet, basename="benchmark-metric")
router.register("benchmarks/authorities", api.AuthorityViewSet, basename="benchmark-authority")
router.register("benchmarks/groups", api.GroupViewSet, basename="benchmark-group")
router.register("benchmarks/values", api.BenchmarkValueViewSet, basename="benchmark-value")
router.register("benchmarks/exercises", api.ExerciseViewSet, basename="benchmark-exercise")
router.register(
    "benchmarks/good-practice", api.GoodPracticeViewSet, basename="benchmark-good-practice"
)
router.register("benchmarks/fetches", api.FetchViewSet, basename="benchmark-fetch")

urlpatterns = [
    path("benchmarks/position/", api.PositionView.as_view(), name="api_benchmark_position"),
    path("benchmarks/trend/", api.TrendView.as_view(), name="api_benchmark_trend"),
    *router.urls,
]
