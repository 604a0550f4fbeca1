"""`make bench-compare REF=<commit>`: the same cases for another commit and for this one, on the
same machine and database, printed side by side with their ratios.

A change is judged by the ratio, never by absolute times from different machines. How:

1. `git archive REF` into a temporary folder (nothing in the repository changes), then this
   commit's harness (HARNESS) copied over it, so that both sides are measured the same way;
2. that tree's `python -m benchmarks.run` with this venv's Python, `BENCH_TAG=ref` (its own
   scratch databases: the two commits' schemas may differ) and the same BENCH_CASES;
3. this tree's run of the same cases;
   With BENCH_ROUNDS=N (default 1) the two sides take turns N times, and each figure is the
   best of its side's N (least time, most requests/s): on a shared machine, other people's work
   only ever slows a run down, so the best of several is the steadiest estimate.
4. both results flattened to their figures and printed: REF, this commit, and this ÷ REF, with
   a verdict where the figure has a direction (times, memory, bytes, queries: lower is better;
   requests/s: higher is better). A case REF cannot run shows n/a.

The table is also written to bench-results/compare-<database>.json (not committed).

    python -m benchmarks.compare REF [--cases dashboard,import]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks import databases

ROOT = Path(__file__).resolve().parent.parent
# What measures (as opposed to what is measured): copied from this commit over REF's tree.
HARNESS = (
    "benchmarks",
    "benchmarking/bench.py",
    "feedback/bench.py",
    "reporting/packs/bench.py",
)
WORSE_BY = 0.10  # a figure more than 10% worse is flagged
# The leaves that are settings or counts of work, not measurements.
NOT_MEASURED = re.compile(
    r"(^|\.)(runs|visits|multiplier|services|measures|years|values|rows|targets|requests|"
    r"duration_s|cpus|python|load_average_\w+|case_seconds|values_per_save|import_written|"
    r"reimport_\w+|created|updated|unchanged|months|derived_values_written|scripts|"
    r"long_tasks|note|file_mb|pages|prepare_s|period|schedule|targets|build_seconds|"
    r"max_ms|latency_max_ms|latency_stdev_ms|interactive_max_ms)$"
)
HIGHER_IS_BETTER = re.compile(r"(requests_per_s|values_per_s)$")


def flatten(results: dict[str, Any], prefix: str = "") -> dict[str, float]:
    """Every numeric figure of a run by its dotted path (machine, code and targets aside)."""
    figures: dict[str, float] = {}
    for key, value in results.items():
        if not prefix and key in ("machine", "code", "at", "cases", "pages", "targets"):
            continue
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            figures.update(flatten(value, f"{path}."))
        elif isinstance(value, bool):
            continue
        elif isinstance(value, int | float):
            figures[path] = float(value)
    return figures


def direction(path: str) -> int:
    """-1: lower is better; 1: higher is better; 0: not a measurement."""
    if NOT_MEASURED.search(path):
        return 0
    if HIGHER_IS_BETTER.search(path):
        return 1
    return -1


def compare(ref: dict[str, Any], head: dict[str, Any]) -> list[dict[str, Any]]:
    """One row a figure: both values, the ratio head ÷ ref and a verdict."""
    before, after = flatten(ref), flatten(head)
    errors = {
        name
        for results in (ref, head)
        for name, value in results.items()
        if isinstance(value, dict) and "error" in value
    }
    rows = []
    for path in list(dict.fromkeys([*after, *before])):
        old, new = before.get(path), after.get(path)
        ratio = None if old in (None, 0) or new is None else new / old  # type: ignore[operator]
        way = direction(path)
        if not way and old == new:
            continue  # a setting or a count that did not change: nothing to read

        verdict = ""
        if ratio is not None and way:
            worse = ratio > 1 + WORSE_BY if way < 0 else ratio < 1 / (1 + WORSE_BY)
            better = ratio < 1 / (1 + WORSE_BY) if way < 0 else ratio > 1 + WORSE_BY
            verdict = "worse" if worse else "better" if better else "same"
        rows.append({"figure": path, "ref": old, "head": new, "ratio": ratio, "verdict": verdict})
    for name in sorted(errors):
        rows.append(
            {
                "figure": f"{name} (error)",
                "ref": ref.get(name, {}).get("error"),
                "head": head.get(name, {}).get("error"),
                "ratio": None,
                "verdict": "",
            }
        )
    return rows


def best_of(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One result from several rounds of the same side: each figure its best (see above)."""
    if len(runs) == 1:
        return runs[0]

    def merge(nodes: list[Any], path: str) -> Any:
        first = nodes[0]
        if isinstance(first, dict):
            keys = dict.fromkeys(k for n in nodes if isinstance(n, dict) for k in n)
            return {
                k: merge([n[k] for n in nodes if isinstance(n, dict) and k in n], f"{path}.{k}")
                for k in keys
            }
        numbers = [n for n in nodes if isinstance(n, int | float) and not isinstance(n, bool)]
        if len(numbers) != len(nodes) or not direction(path.lstrip(".")):
            return first
        return max(numbers) if direction(path.lstrip(".")) > 0 else min(numbers)

    merged: dict[str, Any] = merge(runs, "")
    merged["rounds"] = len(runs)
    return merged


def _shown(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, str):
        return value[:40]
    return f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"


def table(rows: list[dict[str, Any]], ref_name: str, head_name: str) -> str:
    width = max([len("figure"), *(len(r["figure"]) for r in rows)])
    lines = [
        f"{'figure':<{width}}  {ref_name:>14}  {head_name:>14}  {'ratio':>7}  verdict",
        "-" * (width + 50),
    ]
    for row in rows:
        ratio = "n/a" if row["ratio"] is None else f"{row['ratio']:.2f}"
        lines.append(
            f"{row['figure']:<{width}}  {_shown(row['ref']):>14}  {_shown(row['head']):>14}  "
            f"{ratio:>7}  {row['verdict']}"
        )
    worse = [r["figure"] for r in rows if r["verdict"] == "worse"]
    lines.append("")
    lines.append(
        f"{len(worse)} figure(s) more than {WORSE_BY:.0%} worse than {ref_name}"
        + (f": {', '.join(worse)}" if worse else ".")
    )
    return "\n".join(lines)


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=True
    ).stdout.strip()


def export(commit: str, folder: Path) -> None:
    """REF's tracked files into the folder, then this commit's harness over them."""
    folder.mkdir(parents=True)
    archive = subprocess.Popen(["git", "-C", str(ROOT), "archive", commit], stdout=subprocess.PIPE)
    subprocess.run(["tar", "-x", "-C", str(folder)], stdin=archive.stdout, check=True)
    if archive.stdout is not None:
        archive.stdout.close()
    if archive.wait() != 0:
        raise SystemExit(f"git archive {commit} failed.")
    for name in HARNESS:
        source, target = ROOT / name, folder / name
        if source.is_dir():
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def run(tree: Path, out: Path, env: dict[str, str]) -> dict[str, Any]:
    """One side's `python -m benchmarks.run` in its tree; its results (a failed case is n/a)."""
    env = {**env, "BENCH_OUT": str(out), "PYTHONPATH": str(tree)}
    env.setdefault("DEBUG", "1")
    done = subprocess.run([sys.executable, "-m", "benchmarks.run"], cwd=tree, env=env)
    if not out.exists():
        raise SystemExit(f"The run in {tree} wrote no results (exit status {done.returncode}).")
    results: dict[str, Any] = json.loads(out.read_text())
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("ref", help="the commit to compare with (any git revision)")
    parser.add_argument("--cases", default=os.environ.get("BENCH_CASES", ""))
    args = parser.parse_args()
    try:
        commit = _git("rev-parse", "--verify", f"{args.ref}^{{commit}}")
    except subprocess.CalledProcessError:
        raise SystemExit(f"REF={args.ref!r} is not a commit of this repository.") from None
    head = _git("rev-parse", "HEAD")
    databases.server_url()
    vendor = databases.vendor()
    env = {**os.environ, "BENCH_CASES": args.cases}
    env.pop("BENCH_TAG", None)
    rounds = max(1, int(os.environ.get("BENCH_ROUNDS", "1")))
    refs, mines = [], []
    with tempfile.TemporaryDirectory(prefix="goldthread-bench-compare-") as scratch:
        tree = Path(scratch) / "ref"
        export(commit, tree)
        for n in range(1, rounds + 1):
            print(f"== round {n}/{rounds}: {args.ref} ({commit[:12]}) in {tree}", flush=True)
            ref_env = {**env, "BENCH_TAG": "ref", "BENCH_COMMIT": commit}
            refs.append(run(tree, Path(scratch) / f"ref-{n}.json", ref_env))
            print(f"== round {n}/{rounds}: this tree ({head[:12]})", flush=True)
            mines.append(run(ROOT, Path(scratch) / f"head-{n}.json", env))
    ref, mine = best_of(refs), best_of(mines)
    rows = compare(ref, mine)
    ref_name, head_name = args.ref[:14], "this"
    print()
    print(
        f"On {vendor}; {args.ref} = {commit[:12]}, this = {head[:12]}; ratio = this ÷ {args.ref}"
        + (f"; best of {rounds} rounds each" if rounds > 1 else "")
    )
    for name, side in ((args.ref, refs), ("this", mines)):
        loads = [r.get("machine", {}).get("load_average_at_start", ["?"])[0] for r in side]
        print(f"Load average at the start of each run of {name}: {loads}")
    print(table(rows, ref_name, head_name))
    out = ROOT / "bench-results" / f"compare-{vendor}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(
        json.dumps({"ref": {"name": args.ref, **ref}, "head": mine, "rows": rows}, indent=2) + "\n"
    )
    print(f"Written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
