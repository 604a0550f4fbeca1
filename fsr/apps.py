from __future__ import annotations

from django.apps import AppConfig


class FsrConfig(AppConfig):
    name = "fsr"
    verbose_name = "Fundamental service reviews"
