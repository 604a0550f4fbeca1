"""The risk register and corporate programmes, mounted under /fsr/."""

from __future__ import annotations

from django.urls import path

from fsr.governance import views

urlpatterns = [
    path("risks/", views.risk_register, name="fsr_risks"),
    path("risks/new/", views.risk_edit, name="fsr_risk_new"),
    path("risks/summary/", views.governance_summary, name="fsr_governance_summary"),
    path("risks/<int:pk>/", views.risk_detail, name="fsr_risk"),
    path("risks/<int:pk>/edit/", views.risk_edit, name="fsr_risk_edit"),
    path("risks/<int:pk>/actions/new/", views.risk_action, name="fsr_risk_action_new"),
    path("risks/<int:pk>/actions/<int:action_pk>/", views.risk_action, name="fsr_risk_action"),
    path("programmes/", views.programme_list, name="fsr_corporate_programmes"),
    path("programmes/new/", views.programme_edit, name="fsr_corporate_programme_new"),
    path("programmes/<int:pk>/", views.programme_detail, name="fsr_corporate_programme"),
    path("programmes/<int:pk>/edit/", views.programme_edit, name="fsr_corporate_programme_edit"),
    path(
        "programmes/<int:pk>/report/",
        views.programme_report,
        name="fsr_corporate_programme_report",
    ),
    path(
        "programmes/<int:pk>/milestones/",
        views.programme_milestones,
        name="fsr_corporate_programme_milestones",
    ),
]
