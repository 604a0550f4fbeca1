"""The OpenAPI document at /api/schema/, generated once per process and language.

drf-spectacular builds the document afresh on every request: about two seconds of CPU for this
API's ~90 paths. The document depends on the code alone (it is served public, the same
for everyone signed in, and no view's serializer depends on who asks: tests/test_api_schema.py),
so each process keeps what it built, by API version and language, until a setting changes (a
test's own URLconf or settings).
"""

from __future__ import annotations

import threading
from typing import Any

from django.core.signals import setting_changed
from django.utils import translation
from drf_spectacular.views import SpectacularAPIView
from rest_framework.request import Request
from rest_framework.response import Response

_built: dict[tuple[str | None, str | None], dict[str, Any]] = {}
_lock = threading.Lock()


def forget(**_: Any) -> None:
    with _lock:
        _built.clear()


setting_changed.connect(forget, dispatch_uid="goldthread.api_schema.forget")


class SchemaView(SpectacularAPIView):
    def _get_schema_response(self, request: Request) -> Response:
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (version, translation.get_language())
        with _lock:
            document = _built.get(key)
            if document is None:
                generator = self.generator_class(
                    urlconf=self.urlconf, api_version=version, patterns=self.patterns
                )
                document = _built[key] = generator.get_schema(
                    request=request, public=self.serve_public
                )
        filename = self._get_filename(request, version)
        return Response(
            data=document, headers={"Content-Disposition": f'inline; filename="{filename}"'}
        )
