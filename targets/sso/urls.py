from __future__ import annotations

from django.urls import path

from targets.sso import views

urlpatterns = [
    path("login/", views.sso_login, name="sso_login"),
    path("callback/", views.sso_callback, name="sso_callback"),
]
