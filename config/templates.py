"""Django's template engine, each page's context let go as soon as the page is written.

A template's context and the dicts it holds refer to each other (`ContextDict.context`), so once
a page is rendered everything the view put in its context stays alive, as garbage in a cycle,
until the garbage collector's next pass: a large council's uncached dashboard left some 5,400
objects (the scorecard, its measures and values) behind on every render, and every few renders a
collection walked them all (20 ms on one unlucky request: most of the gap between its p50 and
p95). Emptying the context's stacks after rendering breaks those cycles, and what the view made
is freed with the view's own references. Nothing reads a context after its page is rendered
(the test client's `response.context` keeps copies of its own, made while rendering).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template import TemplateDoesNotExist
from django.template.backends import django as backend
from django.template.context import make_context
from django.utils.safestring import SafeString


class Template(backend.Template):
    def render(
        self, context: dict[str, Any] | None = None, request: HttpRequest | None = None
    ) -> SafeString:
        made = make_context(context, request, autoescape=self.backend.engine.autoescape)
        try:
            return self.template.render(made)
        except TemplateDoesNotExist as exc:
            backend.reraise(exc, self.backend)
            raise  # reraise always raises
        finally:
            made.dicts.clear()
            made.render_context.dicts.clear()


class DjangoTemplates(backend.DjangoTemplates):
    """`django.template.backends.django.DjangoTemplates`, its templates' contexts emptied after
    rendering (above)."""

    def from_string(self, template_code: str) -> Template:
        return Template(self.engine.from_string(template_code), self)

    def get_template(self, template_name: str) -> Template:
        try:
            return Template(self.engine.get_template(template_name), self)
        except TemplateDoesNotExist as exc:
            backend.reraise(exc, self)
            raise
