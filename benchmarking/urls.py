"""Benchmarking pages, to mount at /benchmarking/."""

from __future__ import annotations

from django.urls import path

from benchmarking import exercise_views, views

urlpatterns = [
    path("", views.overview, name="benchmarking_overview"),
    path("metrics/", views.metric_list, name="benchmark_metrics"),
    path("metrics/<str:code>/", views.metric_detail, name="benchmark_metric"),
    path("groups/", views.group_list, name="benchmark_groups"),
    path("groups/<slug:slug>/", views.group_detail, name="benchmark_group"),
    path("upload/", views.upload, name="benchmark_upload"),
    path("fetches/", views.fetch_list, name="benchmark_fetches"),
    path("exercises/", exercise_views.exercise_list, name="benchmark_exercises"),
    path("exercises/new/", exercise_views.exercise_edit, name="benchmark_exercise_new"),
    path("exercises/<int:pk>/", exercise_views.exercise_detail, name="benchmark_exercise"),
    path("exercises/<int:pk>/edit/", exercise_views.exercise_edit, name="benchmark_exercise_edit"),
    path(
        "exercises/<int:pk>/actions/new/",
        exercise_views.exercise_action_new,
        name="benchmark_exercise_action_new",
    ),
    path("compliance/", exercise_views.compliance, name="benchmark_compliance"),
    path("good-practice/", exercise_views.good_practice_list, name="good_practice"),
    path("good-practice/new/", exercise_views.good_practice_new, name="good_practice_new"),
]
