"""The registry of notice kinds, gathered from every app of ours at run time.

An app takes part by having a `notices` module with

- `KINDS`: a sequence of `Kind` (code, label, area, who gets it), and
- `collect(today) -> Iterable[Spec]`: every notice that stands today (not only the new ones:
  the engine raises what it has not seen and resolves what no longer stands).

The modules are found through the app registry, so `targets` imports none of the apps that build
on it (imports flow targets → benchmarking, feedback → oim → fsr → reporting).
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Protocol, cast

from django.apps import apps
from django.conf import settings


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    area: str  # the heading it is listed under: "Values", "Improvement actions"…
    description: str  # who gets it, and when; {soon}, {after} and {lead} are the settings
    escalation: bool = False

    @property
    def text(self) -> str:
        """The description with this installation's numbers of days."""
        return self.description.format(
            soon=settings.REMINDER_DUE_SOON_DAYS,
            after=settings.REMINDER_ESCALATE_AFTER_DAYS,
            lead=settings.NOTIFY_LEAD_DAYS,
        )


@dataclass(frozen=True)
class Spec:
    """A notice as a source finds it: to whom, of what kind, about what, and where to act."""

    recipient_id: int
    kind: str
    object_key: str
    title: str
    url: str
    detail: str = ""
    due: date | None = None
    occasion: str = ""

    @property
    def key(self) -> tuple[int, str, str, str]:
        return (self.recipient_id, self.kind, self.object_key, self.occasion)


class Source(Protocol):
    KINDS: Sequence[Kind]

    def collect(self, today: date) -> Iterable[Spec]: ...


def sources() -> list[tuple[str, Source]]:
    """(app label, its notices module) for each app of ours that has one, in app order."""
    found: list[tuple[str, Source]] = []
    for config in apps.get_app_configs():
        if not Path(config.path).is_relative_to(settings.BASE_DIR):
            continue
        name = f"{config.name}.notices"
        if importlib.util.find_spec(name) is None:
            continue
        module: ModuleType = importlib.import_module(name)
        found.append((config.label, cast(Source, module)))
    return found


def all_kinds() -> list[Kind]:
    return [kind for _, source in sources() for kind in source.KINDS]


def kinds_by_code() -> dict[str, Kind]:
    return {kind.code: kind for kind in all_kinds()}


def areas() -> list[tuple[str, list[Kind]]]:
    """The kinds under their areas, in the order the apps declare them."""
    grouped: dict[str, list[Kind]] = {}
    for kind in all_kinds():
        grouped.setdefault(kind.area, []).append(kind)
    return list(grouped.items())
