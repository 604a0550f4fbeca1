"""OIM pages, to mount at /oim/."""

from __future__ import annotations

from django.urls import path

from oim import culture_views, views

urlpatterns = [
    path("", views.ranking, name="oim_ranking"),
    path("services/<slug:code>/<int:year>/", views.service_assessment, name="oim_service"),
    path("services/<slug:code>/<int:year>/assess/", views.assess, name="oim_assess"),
    path("factors/", views.factor_list, name="oim_factors"),
    path("factors/new/", views.factor_edit, name="oim_factor_new"),
    path("factors/<int:pk>/edit/", views.factor_edit, name="oim_factor_edit"),
    path("budgets/", views.budgets, name="oim_budgets"),
    path("vfm/", views.value_for_money, name="oim_vfm"),
    path("ideas/", culture_views.idea_list, name="oim_ideas"),
    path("ideas/new/", culture_views.idea_new, name="oim_idea_new"),
    path("ideas/budget/", culture_views.spend_to_save, name="oim_spend_to_save"),
    path("ideas/<int:pk>/", culture_views.idea_detail, name="oim_idea"),
    path("processes/", culture_views.process_list, name="oim_processes"),
    path("processes/new/", culture_views.process_edit, name="oim_process_new"),
    path("processes/<int:pk>/edit/", culture_views.process_edit, name="oim_process_edit"),
    path("accreditations/", culture_views.accreditation_list, name="oim_accreditations"),
    path("accreditations/new/", culture_views.accreditation_edit, name="oim_accreditation_new"),
    path(
        "accreditations/<int:pk>/edit/",
        culture_views.accreditation_edit,
        name="oim_accreditation_edit",
    ),
]
