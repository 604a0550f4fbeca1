"""Fixtures of the security tests: one world per test module (`world.py`), built once in a
transaction that is rolled back when the module ends; each test rolls back to it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.contrib import admin
from django.db import transaction
from django.test import override_settings

from tests.security.world import TODAY, World, build_world


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("security-media")


@pytest.fixture(scope="module")
def built_world(django_db_setup: Any, django_db_blocker: Any, media: Path) -> Iterator[World]:
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media),
        time_machine.travel(TODAY, tick=False),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = build_world()
            for model in admin.site._registry:
                # Each model's first row, unless the world chose one (a draft plan, say).
                first = model._default_manager.order_by("pk").first()
                if first is not None:
                    built.ids.setdefault(f"admin:{model._meta.label_lower}", first.pk)
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def world(built_world: World, media: Path) -> Iterator[World]:
    """The module's world, on its day and with its files."""
    with time_machine.travel(TODAY, tick=False), override_settings(MEDIA_ROOT=media):
        yield built_world
