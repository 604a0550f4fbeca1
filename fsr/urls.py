"""Service review pages, to mount at /fsr/."""

from __future__ import annotations

from django.urls import include, path

from fsr import register_views, views

urlpatterns = [
    path("", views.programme, name="fsr_programme"),
    path("reviews/", views.review_list, name="fsr_reviews"),
    path("reviews/new/", views.review_edit, name="fsr_review_new"),
    path("reviews/<int:pk>/", views.review_detail, name="fsr_review"),
    path("reviews/<int:pk>/edit/", views.review_edit, name="fsr_review_edit"),
    path("reviews/<int:pk>/plan/", views.review_plan, name="fsr_review_plan"),
    path("reviews/<int:pk>/actions/new/", views.review_action, name="fsr_review_action_new"),
    path(
        "reviews/<int:pk>/actions/<int:action_pk>/",
        views.review_action,
        name="fsr_review_action",
    ),
    path("reviews/<int:pk>/status/", views.review_status, name="fsr_review_status"),
    path("reviews/<int:pk>/outcome/", views.review_outcome, name="fsr_review_outcome"),
    path("reviews/<int:pk>/savings/", views.review_savings, name="fsr_review_savings"),
    path("reviews/<int:pk>/market-test/", views.market_test, name="fsr_market_test"),
    path(
        "reviews/<int:pk>/market-test/decision/",
        views.market_test_decision,
        name="fsr_market_test_decision",
    ),
    path("rules/", views.review_rules, name="fsr_review_rules"),
    path("peer-reviews/", register_views.peer_review_list, name="fsr_peer_reviews"),
    path("peer-reviews/new/", register_views.peer_review_edit, name="fsr_peer_review_new"),
    path("peer-reviews/<int:pk>/", register_views.peer_review_detail, name="fsr_peer_review"),
    path(
        "peer-reviews/<int:pk>/edit/",
        register_views.peer_review_edit,
        name="fsr_peer_review_edit",
    ),
    path(
        "peer-reviews/<int:pk>/recommendations/new/",
        register_views.peer_recommendation,
        name="fsr_peer_recommendation_new",
    ),
    path(
        "peer-reviews/<int:pk>/recommendations/<int:action_pk>/",
        register_views.peer_recommendation,
        name="fsr_peer_recommendation",
    ),
    path("intelligence/", register_views.intelligence_list, name="fsr_intelligence"),
    path("intelligence/new/", register_views.intelligence_edit, name="fsr_intelligence_new"),
    path(
        "intelligence/<int:pk>/edit/",
        register_views.intelligence_edit,
        name="fsr_intelligence_edit",
    ),
    path("savings/", register_views.savings_plan, name="fsr_savings"),
    path("savings/new/", register_views.savings_line_edit, name="fsr_savings_new"),
    path("savings/<int:pk>/edit/", register_views.savings_line_edit, name="fsr_savings_edit"),
    path("", include("fsr.governance.urls")),
]
