"""Feedback pages, to mount at /feedback/."""

from __future__ import annotations

from django.urls import path

from feedback import record_views, views

urlpatterns = [
    path("", views.overview, name="feedback_overview"),
    path("compliance/", views.compliance, name="feedback_compliance"),
    path("services/", views.services_index, name="feedback_services"),
    path("services/<slug:code>/", views.service_feedback, name="feedback_service"),
    path(
        "services/<slug:code>/in-brief/",
        views.service_feedback_in_brief,
        name="feedback_service_in_brief",
    ),
    path("complaints/", views.complaint_list, name="feedback_complaints"),
    path("complaints/upload/", views.complaint_upload, name="feedback_complaint_upload"),
    path("arrangements/", record_views.arrangement_list, name="feedback_arrangements"),
    path("arrangements/new/", record_views.arrangement_edit, name="feedback_arrangement_new"),
    path("arrangements/<int:pk>/", record_views.arrangement_detail, name="feedback_arrangement"),
    path(
        "arrangements/<int:pk>/edit/",
        record_views.arrangement_edit,
        name="feedback_arrangement_edit",
    ),
    path(
        "arrangements/<int:arrangement_pk>/rounds/new/",
        record_views.round_edit,
        name="feedback_round_new",
    ),
    path("rounds/<int:pk>/", record_views.round_detail, name="feedback_round"),
    path("rounds/<int:pk>/edit/", record_views.round_edit, name="feedback_round_edit"),
    path(
        "rounds/<int:round_pk>/actions/new/",
        record_views.action_edit,
        name="feedback_round_action_new",
    ),
    path("actions/<int:pk>/edit/", record_views.action_edit, name="feedback_action_edit"),
    path("panel/", record_views.panel_list, name="feedback_panel"),
    path("panel/new/", record_views.panel_edit, name="feedback_panel_new"),
    path("panel/<int:pk>/", record_views.panel_detail, name="feedback_panel_survey"),
    path("panel/<int:pk>/edit/", record_views.panel_edit, name="feedback_panel_edit"),
    path(
        "panel/<int:pk>/results/new/",
        record_views.panel_result_new,
        name="feedback_panel_result_new",
    ),
    path("mystery-shopping/", record_views.visit_list, name="feedback_visits"),
    path("mystery-shopping/new/", record_views.visit_edit, name="feedback_visit_new"),
    path("mystery-shopping/<int:pk>/", record_views.visit_detail, name="feedback_visit"),
    path("mystery-shopping/<int:pk>/edit/", record_views.visit_edit, name="feedback_visit_edit"),
    path(
        "mystery-shopping/<int:visit_pk>/actions/new/",
        record_views.action_edit,
        name="feedback_visit_action_new",
    ),
]
