"""The project's URLs with benchmarking mounted as config/urls.py will mount it."""

from __future__ import annotations

from django.urls import include, path

from config.urls import urlpatterns as project

urlpatterns = [
    path("benchmarking/", include("benchmarking.urls")),
    path("api/v1/", include("benchmarking.api_urls")),
    *project,
]
