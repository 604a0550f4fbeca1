from __future__ import annotations

from django.urls import path

from targets.notify import views

urlpatterns = [
    path("my/notifications/", views.preferences, name="notification_preferences"),
]
