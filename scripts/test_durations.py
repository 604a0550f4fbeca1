"""Write tests/durations.json from a JUnit report of a whole run: each test file's seconds (its
tests' setup, call and teardown), which `tests/conftest.py` uses to start the longest files first.

    .venv/bin/python -m pytest -n auto --dist loadfile --junitxml=/tmp/run.xml
    .venv/bin/python scripts/test_durations.py /tmp/run.xml
"""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ElementTree
from collections import defaultdict
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "tests" / "durations.json"


def durations(report: Path) -> dict[str, float]:
    seconds: defaultdict[str, float] = defaultdict(float)
    for case in ElementTree.parse(report).iter("testcase"):
        # classname is the module's dotted path, then a class name if the test has one.
        parts = [p for p in (case.get("classname") or "").split(".") if not p[:1].isupper()]
        seconds["/".join(parts) + ".py"] += float(case.get("time") or 0)
    return {name: round(s, 1) for name, s in sorted(seconds.items(), key=lambda i: -i[1])}


if __name__ == "__main__":
    OUT.write_text(json.dumps(durations(Path(sys.argv[1])), indent=1) + "\n")
    print(f"wrote {OUT}")
