"""Data-quality pages, mounted at /quality/."""

from __future__ import annotations

from django.urls import path

from targets.quality import views as dq_views

urlpatterns = [
    path("", dq_views.home, name="dq_home"),
    path("procedures/", dq_views.procedures, name="dq_procedures"),
    path("procedures/<str:code>/", dq_views.procedure_detail, name="dq_procedure"),
    path("procedures/<str:code>/edit/", dq_views.procedure_edit, name="dq_procedure_edit"),
    path("audits/", dq_views.programme, name="dq_programme"),
    path("audits/propose/", dq_views.propose, name="dq_propose"),
    path("audits/new/", dq_views.audit_new, name="dq_audit_new"),
    path("audits/<int:pk>/", dq_views.audit_detail, name="dq_audit"),
    path("audits/<int:pk>/record/", dq_views.audit_record, name="dq_audit_record"),
    path("audits/<int:pk>/controls/", dq_views.audit_controls, name="dq_audit_controls"),
    path("audits/<int:pk>/cancel/", dq_views.audit_cancel, name="dq_audit_cancel"),
    path("audits/<int:pk>/replace/", dq_views.audit_replace, name="dq_audit_replace"),
    path("actions/<int:pk>/", dq_views.action_update, name="dq_action_update"),
    path("champions/", dq_views.champions_summary, name="dq_summary"),
]
