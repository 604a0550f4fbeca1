"""Every page template keeps to the content security policy: no inline script, handler or style.

The header tests check the pages they can reach without parameters; this reads every template,
so a detail page added later cannot bring inline code in unseen. PDF pack templates (rendered by
WeasyPrint, never served as HTML) and e-mail bodies are outside the policy.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

OUTSIDE_POLICY = ("reporting/packs/", "targets/email/")
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "an inline <script>"),
    (re.compile(r"<style\b", re.I), "a <style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "a style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an event-handler attribute"),
    (re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.I), "a javascript: URL"),
]


def _templates() -> list[tuple[str, Path]]:
    root = Path(settings.BASE_DIR) / "templates"
    found = [(p.relative_to(root).as_posix(), p) for p in root.rglob("*.html")]
    for app in ("targets", "benchmarking", "feedback", "oim", "fsr", "reporting"):
        app_root = Path(settings.BASE_DIR) / app / "templates"
        found += [(p.relative_to(app_root).as_posix(), p) for p in app_root.rglob("*.html")]
    return sorted(found)


TEMPLATES = _templates()


def test_the_scan_sees_every_app() -> None:
    names = {name.split("/")[0] for name, _ in TEMPLATES}
    assert {"targets", "benchmarking", "feedback", "oim", "fsr", "reporting"} <= names


@pytest.mark.parametrize(("name", "path"), TEMPLATES, ids=[name for name, _ in TEMPLATES])
def test_template_has_no_inline_code(name: str, path: Path) -> None:
    if name.startswith(OUTSIDE_POLICY):
        pytest.skip("rendered to PDF or e-mail, not served under the policy")
    text = re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", "", path.read_text(), flags=re.S)
    text = re.sub(r"{#.*?#}", "", text, flags=re.S)
    for pattern, what in INLINE:
        match = pattern.search(text)
        assert match is None, f"{name} has {what}: {match.group(0) if match else ''}"
