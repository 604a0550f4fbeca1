"""Service improvement plans, actions, the golden thread and the planning calendar."""

from __future__ import annotations

from django.urls import path

from targets.plans import thread_views
from targets.plans import views as plan_views

PLAN = "plans/<slug:code>/<int:year>/"

urlpatterns = [
    path("plans/", plan_views.plan_list, name="plan_list"),
    path(PLAN, plan_views.plan_detail, name="plan_detail"),
    path(PLAN + "new/", plan_views.plan_create, name="plan_create"),
    path(PLAN + "copy/", plan_views.plan_copy, name="plan_copy"),
    path(PLAN + "edit/", plan_views.plan_edit, name="plan_edit"),
    path(PLAN + "sign-off/", plan_views.plan_sign_off, name="plan_sign_off"),
    path(PLAN + "reopen/", plan_views.plan_reopen, name="plan_reopen"),
    path(PLAN + "objectives/new/", plan_views.objective_edit, name="objective_new"),
    path(PLAN + "objectives/<int:pk>/", plan_views.objective_edit, name="objective_edit"),
    path(
        PLAN + "objectives/<int:pk>/delete/",
        plan_views.objective_delete,
        name="objective_delete",
    ),
    path(PLAN + "actions/new/", plan_views.action_new, name="action_new"),
    path("actions/<int:pk>/", plan_views.action_progress, name="action_progress"),
    path("actions/<int:pk>/edit/", plan_views.action_edit, name="action_edit"),
    path("actions/<int:pk>/attach/", plan_views.action_attach, name="action_attach"),
    path(
        "people/appraisal-targets.csv",
        thread_views.appraisal_targets_csv,
        name="appraisal_targets_csv",
    ),
    path("people/<str:username>/", thread_views.person, name="person_thread"),
    path("priorities/", thread_views.priority_list, name="priority_list"),
    path("priorities/<int:number>/", thread_views.priority, name="priority_thread"),
    path("planning/", thread_views.planning_calendar, name="planning_calendar"),
    path("planning/generate/", thread_views.planning_generate, name="planning_generate"),
    path("planning/<int:pk>/done/", thread_views.milestone_done, name="milestone_done"),
]
