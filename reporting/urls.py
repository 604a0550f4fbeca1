from __future__ import annotations

from django.urls import include, path

from reporting import measure_views, obligation_views, publish_views, views

urlpatterns = [
    path("", views.dashboard, name="home"),
    path("services/", views.service_list, name="service_list"),
    path("services/<slug:code>/", views.service_scorecard, name="service_scorecard"),
    path(
        "services/<slug:code>/obligations/",
        obligation_views.service_obligations,
        name="service_obligations",
    ),
    path("obligations/", obligation_views.obligation_grid, name="obligations"),
    path("measures/<str:code>/", measure_views.measure_detail, name="measure_detail"),
    path("publish/", publish_views.publish_period, name="publish_period"),
    path("publish/values/<int:pk>/", publish_views.publish_value, name="value_publish_preview"),
    path("values/<int:pk>/withdraw/", publish_views.withdraw_value, name="value_withdraw"),
    path("public/", include("reporting.public_urls")),
    path("reports/", include("reporting.archive_urls")),
]
