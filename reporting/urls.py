from __future__ import annotations

from django.urls import include, path

from reporting import views

urlpatterns = [
    path("", views.dashboard, name="home"),
    path("services/<slug:code>/", views.service_scorecard, name="service_scorecard"),
    path("public/", include("reporting.public_urls")),
    path("reports/", include("reporting.archive_urls")),
]
