from __future__ import annotations

from django.apps import AppConfig


class OimConfig(AppConfig):
    name = "oim"
    verbose_name = "Oxford Improvement Model"
