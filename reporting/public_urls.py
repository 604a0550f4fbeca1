from __future__ import annotations

from django.urls import path

from reporting import public_views

urlpatterns = [
    path("", public_views.public_home, name="public_home"),
    path("data.csv", public_views.public_data_csv, name="public_data_csv"),
    path("data.json", public_views.public_data_json, name="public_data_json"),
    path("measures/<str:code>/", public_views.public_measure, name="public_measure"),
]
