#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

from __future__ import annotations

import os
import sys


def main() -> None:
    from config.gc_tuning import tune_for_command

    tune_for_command(sys.argv)  # first, before Django and the apps are loaded
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # manage.py is the developer's and the administrator's tool: debug settings unless told
    # otherwise. Production serves through config/wsgi.py and Celery with DEBUG=0 and a real
    # SECRET_KEY set in the environment (docker-compose.yml does so).
    os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
