from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from drf_spectacular.views import SpectacularSwaggerSplitView

from config.api_schema import SchemaView
from config.health import healthz


@login_not_required
@require_safe
@cache_control(public=True, max_age=86400)
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page links: the icon in the static files."""
    return HttpResponseRedirect(static("favicon.ico"))


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("", include("reporting.urls")),
    path("", include("targets.urls")),
    path("benchmarking/", include("benchmarking.urls")),
    path("fsr/", include("fsr.urls")),
    path("feedback/", include("feedback.urls")),
    path("oim/", include("oim.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api")),
    path("api/schema/", SchemaView.as_view(), name="api_schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script under CSP.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
]

handler404 = "targets.api.errors.not_found"
handler500 = "targets.api.errors.server_error"
