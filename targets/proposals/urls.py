"""Targets set by heads of service (`/targets/proposals/`)."""

from __future__ import annotations

from django.urls import path

from targets.proposals import views

urlpatterns = [
    path("targets/proposals/", views.proposal_list, name="proposal_list"),
    path("targets/proposals/new/", views.proposal_new, name="proposal_new"),
    path("targets/proposals/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("targets/proposals/<int:pk>/approve/", views.proposal_approve, name="proposal_approve"),
    path("targets/proposals/<int:pk>/return/", views.proposal_return, name="proposal_return"),
]
