"""DRF's browsable API under the Content-Security-Policy."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework import renderers


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """DRF's HTML pages carry a `<style>` block (code highlighting) and a few `style` attributes
    (layout). Their responses allow inline styles, and only styles: scripts stay `'self'`, and
    every other page keeps the strict policy."""

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> Any:
        response = (renderer_context or {}).get("response")
        if response is not None:
            # django-csp reads this attribute (what its @csp_replace decorator sets). Replaced, not
            # added to: beside the policy's hashes a browser would ignore 'unsafe-inline'.
            response._csp_replace = {"style-src": ["'self'", "'unsafe-inline'"]}
        return super().render(data, accepted_media_type, renderer_context)
