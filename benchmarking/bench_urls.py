"""The URLs `benchmarking.bench` measures: the project's, with the benchmarking API mounted as
config/urls.py mounts it."""

from __future__ import annotations

from django.urls import include, path

from config.urls import urlpatterns as project

urlpatterns = [path("api/v1/", include("benchmarking.api_urls")), *project]
