"""What a process loads on its way to a pack's PDF: not the board slides' libraries (python-pptx,
matplotlib's figures: the child process that makes the slides loads them), nor pandas or
openpyxl, which a pack without benchmarks never uses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
CHECK = """
import sys
import django
django.setup()
from reporting import services
from reporting.management.commands import generate_report
print(" ".join(sorted(set(sys.modules) & set(sys.argv[1:]))))
"""


def test_the_pdfs_way_does_not_load_the_slides_pandas_or_openpyxl() -> None:
    unwanted = ["pptx", "pandas", "openpyxl", "reporting.packs.deck", "matplotlib.figure"]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GOLDTHREAD_TESTING": "1"}
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    done = subprocess.run(
        [sys.executable, "-c", CHECK, *unwanted],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    assert done.stdout.split() == []
