from __future__ import annotations

from django.urls import path

from targets import upload_views

urlpatterns = [
    path("upload/", upload_views.upload, name="upload"),
]
