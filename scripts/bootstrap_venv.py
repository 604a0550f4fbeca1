"""Create the project's virtual environment, even where Debian's python3-venv is missing.

A fresh Debian machine has Python 3.11 but often not `ensurepip` (it lives in python3-venv).
Then we make the environment without pip and install pip from its wheel on PyPI, so that
`make run` needs nothing but Python.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import urllib.request
import venv
from pathlib import Path

PYPI_JSON = "https://pypi.org/pypi/pip/json"


def main(target: str) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - run by whatever python3 the machine has
        sys.exit(f"Goldthread needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    path = Path(target)
    try:
        venv.EnvBuilder(with_pip=True).create(path)
        return
    except (subprocess.CalledProcessError, OSError) as exc:
        print(f"venv with pip failed ({exc}); installing pip from PyPI instead.")
    venv.EnvBuilder(with_pip=False, clear=True).create(path)
    with urllib.request.urlopen(PYPI_JSON, timeout=60) as response:
        release = json.load(response)
    wheel = next(f for f in release["urls"] if f["filename"].endswith(".whl"))
    with tempfile.TemporaryDirectory() as tmp:
        wheel_path = Path(tmp) / wheel["filename"]
        urllib.request.urlretrieve(wheel["url"], wheel_path)
        python = path / "bin" / "python"
        # A pip wheel can run itself: python pip.whl/pip install pip.whl
        subprocess.run(
            [str(python), f"{wheel_path}/pip", "install", "--no-index", str(wheel_path)],
            check=True,
        )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".venv")
