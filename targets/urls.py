from __future__ import annotations

from django.urls import include, path, re_path

from targets import approval_views, champion_views, entry_views, question_views
from targets.sso import views as sso_views

urlpatterns = [
    path("login/", sso_views.login, name="login"),
    path("logout/", sso_views.logout, name="logout"),
    path("sso/", include("targets.sso.urls")),
    path("my/", entry_views.my_work, name="my_work"),
    path("approvals/", approval_views.approval_queue, name="approval_queue"),
    path("approvals/approve/", approval_views.approve_selected, name="approve_selected"),
    path("measures/<str:code>/enter/", entry_views.value_edit, name="value_edit"),
    path("measures/<str:code>/preview/", entry_views.value_preview, name="value_preview"),
    path("measures/<str:code>/history/", entry_views.measure_history, name="measure_history"),
    path("services/<slug:code>/enter/", entry_views.service_grid, name="service_grid"),
    path("values/questions/", question_views.question_list, name="value_questions"),
    path("values/<int:pk>/evidence/", entry_views.value_evidence, name="value_evidence"),
    re_path(
        r"^values/(?P<pk>[0-9]+)/(?P<action>submit|approve|return)/$",
        entry_views.value_transition,
        name="value_transition",
    ),
    path("", include("targets.upload_urls")),
    path("quality/", include("targets.quality.urls")),
    path("champions/", champion_views.champion_list, name="champions"),
    path("champions/export.csv", champion_views.champion_csv, name="champions_csv"),
    path("", include("targets.plans.urls")),
    path("", include("targets.proposals.urls")),
    path("", include("targets.notify.urls")),
]
