"""Answers for addresses that match no URL, and for faults: under /api/ in JSON, as the API
answers, so that a client never has to parse an HTML page; elsewhere the styled pages
(templates/404.html, 500.html)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.views import defaults


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page, rendered without the request: no context processor, no database (the fault
    may be the database's), nothing that could fail again."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "A server error occurred."}, status=500)
    html = loader.get_template("500.html").render({"council_name": settings.COUNCIL_NAME})
    return HttpResponseServerError(html)
