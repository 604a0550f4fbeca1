"""`python manage.py load_demo [--if-empty]`: load the demo council and print its logins."""

from __future__ import annotations

import importlib
import importlib.util
import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from targets.demo import council_it
from targets.demo.builder import DEMO_PASSWORD, database_is_empty, demo_logins, load_demo
from targets.models import User


class Command(BaseCommand):
    help = (
        "Load the demo council (priorities, services, people, measures, targets and three years "
        "of values). Safe to run again: it only adds what is missing."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Load only when the database has no services and no measures.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and not database_is_empty():
            self.stdout.write("Demo skipped: the database already has services or measures.")
            self._print_logins()
            return
        started = time.perf_counter()
        result = load_demo()
        elapsed = time.perf_counter() - started
        added = ", ".join(f"{count} {name}" for name, count in result.created.items() if count)
        self.stdout.write(
            self.style.SUCCESS(f"Demo council loaded in {elapsed:.1f} s")
            + f" (added: {added or 'nothing, it was already there'})."
        )
        totals = result.totals
        self.stdout.write(
            f"{totals['services']} services, {totals['measures']} measures, "
            f"{totals['targets']} targets, {totals['values']} values, {totals['users']} users."
        )
        self._load_other_apps()
        # Last, once every app's deadlines are in: the SSO mapping, choices and today's notices.
        with transaction.atomic():
            council_it.load(stdout=self.stdout)
        self._print_logins()

    def _load_other_apps(self) -> None:
        """Each later app adds its part of the demo through its own `demo.load(stdout=…)`.

        Found by name at run time, so that targets never imports the apps that build on it.
        """
        ours = [
            c
            for c in apps.get_app_configs()
            if Path(c.path).is_relative_to(settings.BASE_DIR) and c.name != "targets"
        ]
        for config in ours:
            if importlib.util.find_spec(f"{config.name}.demo") is None:
                continue
            module = importlib.import_module(f"{config.name}.demo")
            started = time.perf_counter()
            with transaction.atomic():
                module.load(stdout=self.stdout)
            self.stdout.write(
                f"{config.verbose_name}: demo loaded in {time.perf_counter() - started:.1f} s."
            )

    def _print_logins(self) -> None:
        logins = demo_logins()
        wanted = [username for usernames, _ in logins for username in usernames]
        present = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
        if not present:
            return
        rows = [(" / ".join(u), who) for u, who in logins if present.issuperset(u)]
        width = max(len(names) for names, _ in rows)
        self.stdout.write(f"Demo logins (password '{DEMO_PASSWORD}'):")
        for names, who in rows:
            self.stdout.write(f"  {names:<{width}}  {who}")
