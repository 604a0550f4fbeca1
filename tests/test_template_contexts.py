"""config/templates.py: what a view puts in a page's context is freed once the page is written,
not kept alive in a reference cycle until the garbage collector's next pass."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.template import TemplateDoesNotExist, engines
from django.template.loader import render_to_string
from django.test import RequestFactory


def _request() -> HttpRequest:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    return request


class Heavy:
    """Stands for a scorecard: something a page shows and nothing else keeps."""

    text = "rows"


@pytest.fixture
def no_collector() -> Iterator[None]:
    """The cycle collector off: an object freed now is freed by its references alone."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@pytest.mark.usefixtures("no_collector")
@pytest.mark.parametrize("with_request", [False, True])
def test_a_pages_context_is_let_go_when_the_page_is_written(with_request: bool) -> None:
    shown = Heavy()
    gone = weakref.ref(shown)
    request = _request() if with_request else None
    template = engines["django"].from_string("{% with x=shown %}{{ x.text }}{% endwith %}")
    assert template.render({"shown": shown}, request) == "rows"
    del shown
    assert gone() is None


@pytest.mark.usefixtures("no_collector")
def test_django_s_own_engine_keeps_it_in_a_cycle_until_a_collection() -> None:
    # Why config/templates.py exists: the plain engine's context for a request and its dicts
    # refer to each other, so the page's objects outlive it until the collector runs.
    from django.template.backends.django import DjangoTemplates

    plain = DjangoTemplates({"NAME": "plain", "DIRS": [], "APP_DIRS": False, "OPTIONS": {}})
    shown = Heavy()
    gone = weakref.ref(shown)
    template = plain.from_string("{{ shown.text }}")
    assert template.render({"shown": shown}, _request()) == "rows"
    del shown
    assert gone() is not None
    gc.collect()
    assert gone() is None


def test_templates_render_and_report_missing_ones_as_before() -> None:
    assert "Page not found" in render_to_string("404.html", {"request_path": "/x/"})
    with pytest.raises(TemplateDoesNotExist, match="no-such-template.html"):
        render_to_string("no-such-template.html")
