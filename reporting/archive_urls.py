"""The report archive's URLs; included under /reports/ by reporting.urls."""

from __future__ import annotations

from django.urls import path

from reporting import archive_views

urlpatterns = [
    path("", archive_views.archive, name="report_archive"),
    path("public/", archive_views.public_archive, name="public_report_archive"),
    path("runs/<int:pk>/", archive_views.run_page, name="report_run"),
    path("runs/<int:pk>/narrative/", archive_views.run_narrative, name="report_run_narrative"),
    path("runs/<int:pk>/pack.pdf", archive_views.run_pdf, name="report_run_pdf"),
    path("runs/<int:pk>/pack.pptx", archive_views.run_pptx, name="report_run_pptx"),
    path("runs/<int:pk>/figures.csv", archive_views.run_csv, name="report_run_csv"),
    path("runs/<int:pk>/figures.xlsx", archive_views.run_xlsx, name="report_run_xlsx"),
    path("schedules/<slug:code>/generate/", archive_views.generate, name="report_generate"),
]
