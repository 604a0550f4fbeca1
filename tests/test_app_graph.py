"""The apps depend one way only, in the order ARCHITECTURE.md documents: Python imports, template
tag libraries, templates extended or included, and template names a module renders.

The order is read from ARCHITECTURE.md's `Order:` line, so the document and the check cannot
drift apart. Templates outside an app's folder (`base.html`, `includes/`, `registration/`…) are
the whole project's: every app uses them, so they may depend on `targets` only.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.template.backends.django import get_installed_libraries

ROOT = Path(settings.BASE_DIR)
SHARED = "(shared)"


def documented_order(text: str) -> list[list[str]]:
    """The tiers of ARCHITECTURE.md's `Order:` line: `a` → `b`, `c` → `d` is [[a], [b, c], [d]]."""
    line = next(line for line in text.splitlines() if line.startswith("Order:"))
    tiers = line.removeprefix("Order:").split("→")
    return [re.findall(r"`(\w+)`", tier) for tier in tiers]


ORDER = documented_order((ROOT / "ARCHITECTURE.md").read_text())
APPS = [app for tier in ORDER for app in tier]


def may_use(owner: str) -> set[str]:
    """The apps that `owner` may depend on: those of earlier tiers, and itself."""
    if owner == SHARED:
        return {ORDER[0][0]}
    tier = next(i for i, apps in enumerate(ORDER) if owner in apps)
    return {app for apps in ORDER[:tier] for app in apps} | {owner}


def app_of(dotted_or_path: str) -> str | None:
    first = re.split(r"[./]", dotted_or_path, maxsplit=1)[0]
    return first if first in APPS else None


@dataclass(frozen=True)
class Use:
    where: str  # file (and line) that depends
    owner: str  # the app (or SHARED) it belongs to
    what: str  # module, template or tag library it depends on
    on: str  # the app that one belongs to

    def __str__(self) -> str:
        return f"{self.where} ({self.owner}) uses {self.what} of {self.on}"


# Python


TEMPLATE_NAME = re.compile(r"^(\w+)/[\w/.-]+\.(html|txt)$")


def python_uses(owner: str, where: str, source: str) -> list[Use]:
    """Every module this source imports (at any depth: under TYPE_CHECKING, inside functions)
    and every template name it mentions (`render(request, "fsr/…html")`)."""
    found: list[Use] = []
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            match = TEMPLATE_NAME.match(node.value)
            if match and match[1] in APPS:
                found.append(Use(f"{where}:{node.lineno}", owner, node.value, match[1]))
            continue
        for name in names:
            app = app_of(name)
            if app is not None:
                found.append(Use(f"{where}:{node.lineno}", owner, name, app))
    return found


def python_files() -> list[tuple[str, Path]]:
    return [(app, path) for app in APPS for path in sorted((ROOT / app).rglob("*.py"))]


# Templates

LOAD = re.compile(r"{%\s*load\s+(.+?)\s*%}")
EXTENDS_OR_INCLUDE = re.compile(r"""{%\s*(?:extends|include)\s+["']([^"']+)["']""")


def template_uses(owner: str, where: str, text: str, libraries: dict[str, str]) -> list[Use]:
    found: list[Use] = []
    for match in LOAD.finditer(text):
        words = match[1].split()
        names = words[words.index("from") + 1 :] if "from" in words else words
        for name in names:
            app = app_of(libraries.get(name, ""))
            if app is not None:
                found.append(Use(where, owner, f"{{% load {name} %}}", app))
    for match in EXTENDS_OR_INCLUDE.finditer(text):
        app = app_of(match[1])
        if app is not None:
            found.append(Use(where, owner, match[1], app))
    return found


def template_files() -> list[tuple[str, str, Path]]:
    """(owner, name, path) of every template, in the project's folder and in apps' own."""
    found = []
    for path in sorted((ROOT / "templates").rglob("*")):
        if path.suffix in {".html", ".txt"}:
            name = path.relative_to(ROOT / "templates").as_posix()
            found.append((app_of(name) or SHARED, name, path))
    for app in APPS:
        for path in sorted((ROOT / app / "templates").rglob("*.htm*")):
            found.append((app, path.relative_to(ROOT / app / "templates").as_posix(), path))
    return found


def against_the_order(uses: list[Use]) -> list[str]:
    return [str(use) for use in uses if use.on not in may_use(use.owner)]


# The checks


def test_the_order_is_the_documented_one() -> None:
    assert ORDER == [["targets"], ["benchmarking", "feedback"], ["oim"], ["fsr"], ["reporting"]]


def test_no_import_against_the_order() -> None:
    uses = [
        use
        for app, path in python_files()
        for use in python_uses(app, str(path.relative_to(ROOT)), path.read_text())
    ]
    assert len(uses) > 500  # the walk really reads the apps
    assert against_the_order(uses) == []


def test_no_template_depends_against_the_order() -> None:
    libraries = get_installed_libraries()
    uses = [
        use
        for owner, name, path in template_files()
        for use in template_uses(owner, name, path.read_text(), libraries)
    ]
    assert len(uses) > 100
    assert against_the_order(uses) == []


# The checker itself finds what it must


@pytest.mark.parametrize(
    ("owner", "source"),
    [
        ("targets", "from fsr.models import Review\n"),
        ("targets", "import oim.scoring\n"),
        ("targets", "def f():\n    from reporting import views\n"),
        ("targets", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import fsr\n"),
        ("targets", "render(request, 'benchmarking/overview.html')\n"),
        ("benchmarking", "from feedback.models import Round\n"),
        ("feedback", "from benchmarking import analysis\n"),
        ("oim", "from fsr import rules\n"),
    ],
)
def test_an_import_against_the_order_is_found(owner: str, source: str) -> None:
    assert against_the_order(python_uses(owner, "x.py", source)) != []


@pytest.mark.parametrize(
    ("owner", "source"),
    [
        ("reporting", "from targets.models import Measure\nfrom fsr import rules\n"),
        ("oim", "from benchmarking.models import Metric\nfrom feedback import figures\n"),
        ("targets", "from targets.plans import services\nimport django.db\n"),
    ],
)
def test_an_import_along_the_order_is_allowed(owner: str, source: str) -> None:
    uses = python_uses(owner, "x.py", source)
    assert uses
    assert against_the_order(uses) == []


LIBRARIES = {"benchmarking": "benchmarking.templatetags.benchmarking", "quality": "targets.x"}


@pytest.mark.parametrize(
    ("owner", "text"),
    [
        ("targets", "{% load static benchmarking %}"),
        ("targets", "{% load benchmark_positions from benchmarking %}"),
        ("targets", '{% include "benchmarking/_filters.html" with label="x" %}'),
        ("feedback", "{% extends 'benchmarking/layout.html' %}"),
        (SHARED, "{% load benchmarking %}"),
        (SHARED, '{% include "oim/_year.html" %}'),
    ],
)
def test_a_template_use_against_the_order_is_found(owner: str, text: str) -> None:
    assert against_the_order(template_uses(owner, "t.html", text, LIBRARIES)) != []


def test_a_template_use_along_the_order_is_allowed() -> None:
    text = '{% extends "base.html" %}{% load quality benchmarking %}{% include "targets/_x.html" %}'
    uses = template_uses("reporting", "t.html", text, LIBRARIES)
    assert len(uses) == 3
    assert against_the_order(uses) == []
