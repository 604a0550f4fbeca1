from __future__ import annotations

from django.urls import include, path

urlpatterns = [
    path("public/", include("reporting.public_urls")),
]
