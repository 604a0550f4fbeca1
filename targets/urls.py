from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from targets import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("measures/<str:code>/", views.measure_detail, name="measure_detail"),
]
